using System.Text.Json.Nodes;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

public class MethodComparisonTests
{
    private static FigureRunResult Run(string method, params (long Samples, double Value)[] rows)
    {
        var log = new RunLog(["test_log_px"]);
        foreach (var (s, v) in rows) log.Add(s, 0, 0, new Dictionary<string, double> { ["test_log_px"] = v });
        var settings = new RunSettings { Method = method, Dataset = "mnist", Hidden = 100, Latent = 3, Samples = 3000, TrainCount = 1000 };
        return new FigureRunResult(settings, log, new JsonObject(), "");
    }

    [Fact]
    public void RowsAreTheSampleCountsBothLoggedWithTheDifference()
    {
        var runs = new[] { Run("aevb", (1000, -150), (2000, -140), (3000, -135)), Run("iwae", (1000, -149.5), (2000, -138.25)) };
        var table = MethodComparison.Table(runs, "aevb", "iwae", "test_log_px", "t");

        Assert.Equal(["samples", "AEVB", "IWAE", "IWAE − AEVB"], table.Columns);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(["2,000", "-140.00", "-138.25", "+1.75"], table.Rows[1]);
    }

    [Fact]
    public void TheReadingCoversTheLaterHalfOfTheSharedAxis()
    {
        var aevb = Run("aevb", (1000, -150), (2000, -140), (3000, -136), (4000, -135));
        var iwae = Run("iwae", (1000, -140), (2000, -141), (3000, -135), (4000, -134.5));
        var reading = MethodComparison.Reading(aevb, iwae, "test_log_px", "test");

        // 1000 (IWAE 10 ahead) is before half of 4000 and is left out; 2000 (−1), 3000 (+1), 4000 (+0.5) are read.
        Assert.Contains("the 3 evaluations both logged from 2,000 to 4,000 samples", reading);
        Assert.Contains("mean +0.17, from -1.00 to +1.00", reading);
        Assert.Contains("the sign changes", reading);
        Assert.Contains("IWAE run to 4,000 of 3,000", reading);
    }

    [Fact]
    public void TheReadingSaysWhenOneMethodIsBelowAtEveryLateEvaluation()
    {
        var aevb = Run("aevb", (1000, -150), (2000, -140));
        var iwae = Run("iwae", (1000, -151), (2000, -140.5));
        Assert.Contains("IWAE is below AEVB at every one of them.", MethodComparison.Reading(aevb, iwae, "test_log_px", "t"));
        Assert.Contains("has not run yet", MethodComparison.Reading(aevb, null, "test_log_px", "t"));
    }

    [Fact]
    public void AMethodNotRunYetIsSaidInTheTitle()
    {
        var table = MethodComparison.Table([Run("aevb", (1000, -150))], "aevb", "iwae", "test_log_px", "t");
        Assert.Empty(table.Rows);
        Assert.Contains("has not run yet", table.Title);
    }

    [Fact]
    public void SelectKeepsTheFamilyAndTheMethodsOrder()
    {
        var other = Run("iwae", (1000, -1)) with { Settings = new RunSettings { Method = "iwae", Dataset = "mnist", Hidden = 100, Latent = 3, Samples = 3000, TrainCount = 50000 } };
        var runs = new[] { Run("iwae", (1000, -1)), other, Run("aevb", (1000, -2)) };
        var selected = MethodComparison.Select(runs, s => s.TrainCount == 1000, "aevb", "iwae");
        Assert.Equal(["aevb", "iwae"], selected.Select(r => r.Settings.Method));
        Assert.All(selected, r => Assert.Equal(1000, r.Settings.TrainCount));
    }
}
