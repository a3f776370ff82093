using System.Text.Json;
using Aevb.Plotting;

namespace Aevb.Tests.Plotting;

public class ChartJsonTests
{
    private static JsonElement Figure(Chart chart) => JsonDocument.Parse(chart.ToJson()).RootElement;

    private static double[] Numbers(JsonElement array) =>
        array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble()).ToArray();

    [Fact]
    public void Line_is_one_scatter_trace_with_the_given_points()
    {
        var fig = Figure(Chart.Line(new[] { 1, 2, 3 }, new[] { 4.5, 5.5, 6.5 }, name: "train"));
        var data = fig.GetProperty("data");
        Assert.Equal(1, data.GetArrayLength());
        var t = data[0];
        Assert.Equal("scatter", t.GetProperty("type").GetString());
        Assert.Equal("lines", t.GetProperty("mode").GetString());
        Assert.Equal("train", t.GetProperty("name").GetString());
        Assert.Equal(new double[] { 1, 2, 3 }, Numbers(t.GetProperty("x")));
        Assert.Equal(new[] { 4.5, 5.5, 6.5 }, Numbers(t.GetProperty("y")));
        Assert.Equal(Chart.Palette[0], t.GetProperty("line").GetProperty("color").GetString());
        Assert.True(fig.GetProperty("config").GetProperty("responsive").GetBoolean());
    }

    [Fact]
    public void Combine_counts_every_trace_and_cycles_the_palette()
    {
        var chart = Chart.Combine(
            Chart.Line(new[] { 1, 2 }, new[] { 1, 2 }, name: "a"),
            Chart.Scatter(new[] { 1, 2 }, new[] { 2, 1 }, name: "b"),
            Chart.Histogram(new[] { 1.0, 2.0, 2.5 }, name: "c"));
        var data = Figure(chart).GetProperty("data");
        Assert.Equal(3, data.GetArrayLength());
        Assert.Equal(new[] { "scatter", "scatter", "histogram" }, data.EnumerateArray().Select(t => t.GetProperty("type").GetString()));
        Assert.Equal("markers", data[1].GetProperty("mode").GetString());
        Assert.Equal(Chart.Palette[1], data[1].GetProperty("marker").GetProperty("color").GetString());
        Assert.Equal(Chart.Palette[2], data[2].GetProperty("marker").GetProperty("color").GetString());
        Assert.Equal(3, chart.Traces.Count);
    }

    [Fact]
    public void Log_axes_are_typed_log_and_ranges_are_given_in_log10_units()
    {
        var chart = Chart.Line(new[] { 1e5, 1e6, 1e7 }, new[] { -120.0, -110, -100 })
            .WithXAxis("training samples", log: true, min: 1e5, max: 1e8)
            .WithYAxis("lower bound")
            .WithLogY().WithYAxis(log: false);
        var layout = Figure(chart).GetProperty("layout");
        var x = layout.GetProperty("xaxis");
        Assert.Equal("log", x.GetProperty("type").GetString());
        Assert.Equal("training samples", x.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(new[] { 5.0, 8.0 }, Numbers(x.GetProperty("range")), new ToleranceComparer(1e-12));
        var y = layout.GetProperty("yaxis");
        Assert.Equal("linear", y.GetProperty("type").GetString());
        Assert.Equal("lower bound", y.GetProperty("title").GetProperty("text").GetString());
        Assert.Contains("x: log 'training samples'", chart.ToString());
    }

    [Fact]
    public void Log_axis_with_a_non_positive_range_is_rejected()
    {
        var chart = Chart.Line(new[] { 1, 2 }, new[] { 1, 2 });
        var e = Assert.Throws<ArgumentException>(() => chart.WithXAxis(log: true, min: 0, max: 10));
        Assert.Contains("log axis", e.Message);
        Assert.Throws<ArgumentException>(() => chart.WithYAxis(min: 3, max: 1));
    }

    [Fact]
    public void NaN_and_infinities_become_null_and_the_json_stays_valid()
    {
        var chart = Chart.Line(new[] { 1.0, 2, 3, 4 }, new[] { 1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity });
        var json = chart.ToJson();
        Assert.DoesNotContain("NaN", json);
        Assert.DoesNotContain("Infinity", json);
        var y = Figure(chart).GetProperty("data")[0].GetProperty("y");
        Assert.Equal(JsonValueKind.Number, y[0].ValueKind);
        Assert.All(Enumerable.Range(1, 3), i => Assert.Equal(JsonValueKind.Null, y[i].ValueKind));
    }

    [Fact]
    public void Floats_are_written_as_their_shortest_text_not_widened_noise()
    {
        var json = Chart.Line(new[] { 0.1f, 0.2f }, new[] { 1e-5f, 3.3f }).ToJson();
        Assert.Contains("\"x\":[0.1,0.2]", json);
        Assert.Contains("3.3]", json);
        Assert.DoesNotContain("0.100000001", json);
    }

    [Fact]
    public void Serialisation_is_deterministic_and_independent_of_the_callers_arrays()
    {
        var x = new[] { 1.0, 2, 3 };
        var y = new[] { 3.0, 1, 2 };
        Chart Build() => Chart.Combine(Chart.ErrorBand(x, y, new[] { 0.1, 0.2, 0.3 }, name: "m"), Chart.Line(x, y, name: "n"))
            .WithTitle("t").WithXAxis(log: true);
        var a = Build();
        var json = a.ToJson();
        Assert.Equal(json, Build().ToJson());
        x[0] = 99;
        Assert.Equal(json, a.ToJson());
        Assert.Equal(json, Chart.Combine(a).ToJson());
    }

    [Fact]
    public void Error_band_is_two_filled_edges_and_a_line_sharing_one_colour_and_legend_entry()
    {
        var chart = Chart.Combine(
            Chart.Line(new[] { 0, 1 }, new[] { 0, 1 }, name: "first"),
            Chart.ErrorBand(new[] { 1, 2, 3 }, new[] { 2.0, 3, 4 }, new[] { 1.5, 2.5, 3.5 }, new[] { 2.5, 3.5, 4.5 }, name: "mean ± sd"));
        var data = Figure(chart).GetProperty("data");
        Assert.Equal(4, data.GetArrayLength());
        var (lower, upper, line) = (data[1], data[2], data[3]);
        Assert.Equal(new[] { 1.5, 2.5, 3.5 }, Numbers(lower.GetProperty("y")));
        Assert.Equal(new[] { 2.5, 3.5, 4.5 }, Numbers(upper.GetProperty("y")));
        Assert.Equal("tonexty", upper.GetProperty("fill").GetString());
        Assert.False(lower.TryGetProperty("fill", out _));
        Assert.False(lower.GetProperty("showlegend").GetBoolean());
        Assert.False(upper.GetProperty("showlegend").GetBoolean());
        Assert.False(line.TryGetProperty("showlegend", out _));
        Assert.Equal(0, upper.GetProperty("line").GetProperty("width").GetDouble());
        var color = Chart.Palette[1];   // the first line took palette[0]; the band takes one slot
        Assert.All(new[] { lower, upper, line }, t => Assert.Equal(color, t.GetProperty("line").GetProperty("color").GetString()));
        Assert.Equal("rgba(255,127,14,0.25)", upper.GetProperty("fillcolor").GetString());
        Assert.All(new[] { lower, upper, line }, t => Assert.Equal("mean ± sd", t.GetProperty("legendgroup").GetString()));
    }

    [Fact]
    public void Symmetric_error_band_is_y_plus_and_minus_the_error()
    {
        var data = Figure(Chart.ErrorBand(new[] { 1, 2 }, new[] { 10.0, 20 }, new[] { 1.0, 2 }, color: "#000000")).GetProperty("data");
        Assert.Equal(new[] { 9.0, 18 }, Numbers(data[0].GetProperty("y")));
        Assert.Equal(new[] { 11.0, 22 }, Numbers(data[1].GetProperty("y")));
        Assert.Equal("rgba(0,0,0,0.25)", data[1].GetProperty("fillcolor").GetString());
    }

    [Fact]
    public void Mismatched_lengths_are_rejected_with_the_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Chart.Line(new[] { 1, 2, 3 }, new[] { 1, 2 }));
        Assert.Contains("3", e.Message);
        Assert.Contains("2", e.Message);
        Assert.Throws<ArgumentException>(() => Chart.ErrorBand(new[] { 1, 2 }, new[] { 1.0, 2 }, new[] { 1.0 }, new[] { 1.0, 2 }));
    }

    [Fact]
    public void Histogram_with_bins_gets_explicit_edges_that_hold_every_value()
    {
        var values = new[] { 0.0, 0.25, 0.5, 0.75, 1.0 };
        var t = Figure(Chart.Histogram(values, bins: 4, normalization: HistogramNorm.Density)).GetProperty("data")[0];
        var bins = t.GetProperty("xbins");
        double start = bins.GetProperty("start").GetDouble(), end = bins.GetProperty("end").GetDouble(), size = bins.GetProperty("size").GetDouble();
        Assert.Equal(0, start);
        Assert.Equal(4, (int)Math.Round((end - start) / size));
        Assert.True(end > 1.0, "the maximum must fall inside the last bin");
        Assert.True(start + 3 * size < 1.0);
        Assert.Equal("probability density", t.GetProperty("histnorm").GetString());
    }

    [Fact]
    public void Several_histograms_overlay_translucently()
    {
        var fig = Figure(Chart.Combine(Chart.Histogram(new[] { 1, 2, 3 }), Chart.Histogram(new[] { 2, 3, 4 }, opacity: 0.3)));
        Assert.Equal("overlay", fig.GetProperty("layout").GetProperty("barmode").GetString());
        Assert.Equal(0.6, fig.GetProperty("data")[0].GetProperty("opacity").GetDouble());
        Assert.Equal(0.3, fig.GetProperty("data")[1].GetProperty("opacity").GetDouble());
        Assert.False(Figure(Chart.Histogram(new[] { 1, 2 })).GetProperty("layout").TryGetProperty("barmode", out _));
    }

    [Fact]
    public void Heatmap_and_contour_write_rows_of_z()
    {
        var z = new float[2, 3] { { 1, 2, 3 }, { 4, 5, float.NaN } };
        var heat = Figure(Chart.Heatmap(z, x: new[] { 10.0, 20, 30 }, colorscale: "Greys", reverseScale: true)).GetProperty("data")[0];
        Assert.Equal("heatmap", heat.GetProperty("type").GetString());
        Assert.Equal(2, heat.GetProperty("z").GetArrayLength());
        Assert.Equal(new double[] { 1, 2, 3 }, Numbers(heat.GetProperty("z")[0]));
        Assert.Equal(JsonValueKind.Null, heat.GetProperty("z")[1][2].ValueKind);
        Assert.Equal("Greys", heat.GetProperty("colorscale").GetString());
        Assert.True(heat.GetProperty("reversescale").GetBoolean());
        Assert.False(heat.TryGetProperty("line", out _));

        var image = Enumerable.Range(0, 28 * 20).Select(i => i / 560f).ToArray();
        var fromImage = Figure(Chart.Heatmap(image, 28, 20)).GetProperty("data")[0];
        Assert.Equal(28, fromImage.GetProperty("z").GetArrayLength());
        Assert.Equal(20, fromImage.GetProperty("z")[0].GetArrayLength());

        var contour = Figure(Chart.Contour(new[] { new[] { 1.0, 2 }, new[] { 3.0, 4 } }, levels: 7, showLabels: true, filled: false))
            .GetProperty("data")[0];
        Assert.Equal("contour", contour.GetProperty("type").GetString());
        Assert.Equal(7, contour.GetProperty("ncontours").GetInt32());
        Assert.Equal("lines", contour.GetProperty("contours").GetProperty("coloring").GetString());
        Assert.True(contour.GetProperty("contours").GetProperty("showlabels").GetBoolean());
    }

    [Fact]
    public void Ragged_or_misshaped_matrices_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Chart.Heatmap(new[] { new[] { 1.0, 2 }, new[] { 3.0 } }));
        Assert.Throws<ArgumentException>(() => Chart.Heatmap(new float[10], 3, 3));
        Assert.Throws<ArgumentException>(() => Chart.Heatmap(new double[2, 2], x: new[] { 1.0, 2, 3 }));
    }

    [Fact]
    public void Legend_title_and_size_go_to_the_layout()
    {
        var layout = Figure(Chart.Line(new[] { 1, 2 }, new[] { 1, 2 }).WithTitle("ELBO").WithSize(640, 360)
            .WithLegend(true, LegendPosition.InsideBottomRight)).GetProperty("layout");
        Assert.Equal("ELBO", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(640, layout.GetProperty("width").GetInt32());
        Assert.Equal(360, layout.GetProperty("height").GetInt32());
        Assert.True(layout.GetProperty("showlegend").GetBoolean());
        Assert.Equal("right", layout.GetProperty("legend").GetProperty("xanchor").GetString());
        Assert.Equal("bottom", layout.GetProperty("legend").GetProperty("yanchor").GetString());
    }

    [Fact]
    public void Indented_json_holds_the_same_figure()
    {
        var chart = Chart.Line(new[] { 1, 2 }, new[] { 3, 4 }).WithTitle("t");
        var indented = chart.ToJson(indented: true);
        Assert.Contains("\n", indented);
        Assert.Equal(
            JsonSerializer.Serialize(JsonDocument.Parse(chart.ToJson()).RootElement),
            JsonSerializer.Serialize(JsonDocument.Parse(indented).RootElement));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
