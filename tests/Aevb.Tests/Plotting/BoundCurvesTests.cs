using System.Text.Json;
using Aevb.Plotting;
using Aevb.Training;

namespace Aevb.Tests.Plotting;

public class BoundCurvesTests
{
    private static TrainingLog Log(params (long Samples, double Train, double Test)[] rows)
    {
        var log = new TrainingLog();
        foreach (var (s, train, test) in rows) log.Add(new TrainingLogEntry(s, s / 1000.0, train, test, double.NaN));
        return log;
    }

    [Fact]
    public void TrainIsSolidTestIsDashedOnALogAxis()
    {
        var fig = JsonDocument.Parse(BoundCurves.FromLog(Log((10_000, -200, -201), (100_000, -150, -152)), "Nz=20").ToJson()).RootElement;
        var data = fig.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal("Nz=20, train", data[0].GetProperty("name").GetString());
        Assert.Equal("Nz=20, test", data[1].GetProperty("name").GetString());
        Assert.Equal(new[] { 10_000.0, 100_000 }, data[1].GetProperty("x").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(new[] { -201.0, -152 }, data[1].GetProperty("y").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal("dash", data[1].GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal(data[0].GetProperty("line").GetProperty("color").GetString(), data[1].GetProperty("line").GetProperty("color").GetString());
        Assert.Equal("log", fig.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());
    }

    [Fact]
    public void ARunWithoutATestSetHasOnlyTheTrainCurve()
    {
        var chart = BoundCurves.FromLog(Log((10, -5, double.NaN), (20, -4, double.NaN)));
        var data = JsonDocument.Parse(chart.ToJson()).RootElement.GetProperty("data");
        Assert.Equal(1, data.GetArrayLength());
        Assert.Equal("train", data[0].GetProperty("name").GetString());
    }

    [Fact]
    public void SeveralRunsGetOneColourEach()
    {
        var chart = BoundCurves.FromLogs(new[] { ("a", Log((10, -5, -6))), ("b", Log((10, -4, -5))) });
        var data = JsonDocument.Parse(chart.ToJson()).RootElement.GetProperty("data");
        Assert.Equal(4, data.GetArrayLength());
        var colours = data.EnumerateArray().Select(t => t.GetProperty("line").GetProperty("color").GetString()).ToArray();
        Assert.Equal(new[] { Chart.Palette[0], Chart.Palette[0], Chart.Palette[1], Chart.Palette[1] }, colours);
    }

    [Fact]
    public void AnEmptyLogIsAnError()
    {
        Assert.Throws<ArgumentException>(() => BoundCurves.FromLog(new TrainingLog()));
        Assert.Throws<ArgumentException>(() => BoundCurves.FromLogs(Array.Empty<(string, TrainingLog)>()));
    }
}
