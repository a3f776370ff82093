using System.Text.Json;
using Aevb.Plotting;
using Aevb.Tensors;

namespace Aevb.Tests.Plotting;

public class ScatterByLabelTests
{
    private static JsonElement Figure(Chart chart) => JsonDocument.Parse(chart.ToJson()).RootElement;

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Fact]
    public void OneTracePerLabelInAscendingOrderWithItsOwnColour()
    {
        var x = new[] { 1.0, 2, 3, 4, 5, 6 };
        var y = new[] { 10.0, 20, 30, 40, 50, 60 };
        byte[] labels = [7, 2, 7, 0, 2, 7];
        var fig = Figure(Chart.ScatterByLabel(x, y, labels, size: 3, opacity: 0.5));
        var data = fig.GetProperty("data");
        Assert.Equal(new[] { "0", "2", "7" }, data.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.All(data.EnumerateArray(), t => Assert.Equal("markers", t.GetProperty("mode").GetString()));
        Assert.Equal(new[] { 4.0 }, Numbers(data[0].GetProperty("x")));
        Assert.Equal(new[] { 2.0, 5 }, Numbers(data[1].GetProperty("x")));
        Assert.Equal(new[] { 20.0, 50 }, Numbers(data[1].GetProperty("y")));
        Assert.Equal(new[] { 1.0, 3, 6 }, Numbers(data[2].GetProperty("x")));
        for (var k = 0; k < 3; k++)
            Assert.Equal(Chart.Palette[k], data[k].GetProperty("marker").GetProperty("color").GetString());
        Assert.True(fig.GetProperty("layout").GetProperty("showlegend").GetBoolean());
    }

    [Fact]
    public void TensorPointsUseTheFirstTwoColumns()
    {
        var points = new Tensor(3, 3, [1, 2, 99, 3, 4, 99, 5, 6, 99]);
        var fig = Figure(Chart.ScatterByLabel(points, new[] { "b", "a", "b" }));
        var data = fig.GetProperty("data");
        Assert.Equal("a", data[0].GetProperty("name").GetString());
        Assert.Equal(new[] { 3.0 }, Numbers(data[0].GetProperty("x")));
        Assert.Equal(new[] { 4.0 }, Numbers(data[0].GetProperty("y")));
        Assert.Equal(new[] { 1.0, 5 }, Numbers(data[1].GetProperty("x")));
        Assert.Equal(new[] { 2.0, 6 }, Numbers(data[1].GetProperty("y")));
        var layout = fig.GetProperty("layout");
        Assert.Equal("z₁", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("z₂", layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void MismatchedInputsAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Chart.ScatterByLabel(new[] { 1.0, 2 }, new[] { 1.0, 2 }, new[] { 1 }));
        Assert.Contains("1 labels", e.Message);
        Assert.Throws<ArgumentException>(() => Chart.ScatterByLabel(new Tensor(2, 1), new[] { 1, 2 }));
        Assert.Throws<ArgumentException>(() => Chart.ScatterByLabel(Array.Empty<double>(), Array.Empty<double>(), Array.Empty<int>()));
    }
}
