using System.Text.Json;
using Aevb.Inference;
using Aevb.Plotting;

namespace Aevb.Tests.Plotting;

public class EstimatorVarianceChartTests
{
    private static readonly EstimatorVarianceResult[] Results = Tests.Inference.EstimatorVarianceSamples.Results;

    [Fact]
    public void One_line_per_estimator_in_a_fixed_style_plus_a_one_over_L_reference()
    {
        var chart = EstimatorVarianceChart.Create(Results, r => r.EncoderGradientVariance, "encoder", "Var");
        var root = JsonDocument.Parse(chart.ToJson()).RootElement;
        var data = root.GetProperty("data");
        Assert.Equal(4, data.GetArrayLength());
        Assert.Equal(["A", "B", "score", "∝ 1/L"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        // Sorted by L, values from the metric.
        Assert.Equal([1.0, 4.0], data[0].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([8.0, 2.0], data[0].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal("dash", data[1].GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal(EstimatorVarianceChart.ColorOf(Estimator.B), data[1].GetProperty("line").GetProperty("color").GetString());
        // The guide has slope −1 and starts at half of A's first point.
        Assert.Equal([4.0, 1.0], data[3].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        var layout = root.GetProperty("layout");
        Assert.Equal("log", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        // y spans whole decades around the values (0.5 .. 200 -> 0.1 .. 1000).
        var yRange = layout.GetProperty("yaxis").GetProperty("range").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(-1, yRange[0], 9);
        Assert.Equal(3, yRange[1], 9);
        // The x range (log10 units) runs from just below L = 1 to just above L = 4.
        var range = layout.GetProperty("xaxis").GetProperty("range").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(Math.Log10(0.95), range[0], 9);
        Assert.Equal(Math.Log10(4.2), range[1], 9);
        Assert.All(data.EnumerateArray(), t => Assert.False(t.TryGetProperty("showlegend", out _)));
    }

    [Fact]
    public void A_second_panel_can_leave_the_legend_to_the_first()
    {
        var left = EstimatorVarianceChart.Create(Results, r => r.BoundVariance, "init");
        var right = EstimatorVarianceChart.Create(Results, r => r.BoundVariance, "trained", showLegend: false);
        var grid = Chart.Grid(1, 2, left, right);
        var data = JsonDocument.Parse(grid.ToJson()).RootElement.GetProperty("data");
        Assert.Equal(8, data.GetArrayLength());
        for (var i = 4; i < 8; i++) Assert.False(data[i].GetProperty("showlegend").GetBoolean());
    }

    [Fact]
    public void No_results_is_an_error()
        => Assert.Throws<ArgumentException>(() => EstimatorVarianceChart.Create([], r => r.BoundVariance));
}
