using System.Text.Json.Nodes;
using Aevb.Training;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

public class Figure2ComparisonTests
{
    private static FigureRunResult Run(string dataset, int latent, string method, params (long Samples, double Train, double Test)[] rows)
    {
        var settings = new RunSettings { Method = method, Dataset = dataset, Hidden = 10, Latent = latent, Samples = 1000 };
        var log = new RunLog(["train_bound", "test_bound"]);
        foreach (var (samples, train, test) in rows)
            log.Add(samples, 1, 1, new Dictionary<string, double> { ["train_bound"] = train, ["test_bound"] = test });
        return new FigureRunResult(settings, log, new JsonObject(), "/tmp/" + settings.Name);
    }

    [Fact]
    public void TakesTheLastRowOfEachMethodPerLatentSizeSorted()
    {
        var rows = Figure2Comparison.FinalValues([
            Run("mnist", 20, RunMethod.WakeSleep, (500, -150, -152), (1000, -140, -141)),
            Run("mnist", 3, RunMethod.Aevb, (500, -130, -131), (1000, -120, -119.5)),
            Run("mnist", 20, RunMethod.Aevb, (500, -110, -112), (1000, -100, -103)),
            Run("mnist", 3, RunMethod.WakeSleep, (500, -125, -126), (1000, -118, -118.5)),
        ]);
        Assert.Equal([3, 20], rows.Select(r => r.Latent));
        var z3 = rows[0];
        Assert.Equal((-120.0, -119.5, -118.0, -118.5), (z3.AevbTrain, z3.AevbTest, z3.WakeSleepTrain, z3.WakeSleepTest));
        Assert.Equal(-0.5, z3.AevbGap, 12);
        Assert.Equal(-1.0, z3.TestMargin, 12);
        Assert.False(z3.AevbAbove);   // wake-sleep ahead on both sets at Nz = 3 here
        var z20 = rows[1];
        Assert.Equal(3.0, z20.AevbGap, 12);
        Assert.Equal(1.0, z20.WakeSleepGap, 12);
        Assert.Equal(38.0, z20.TestMargin, 12);
        Assert.True(z20.AevbAbove);
        Assert.Equal(1000, z20.AevbSamples);

        var table = Figure2Comparison.FormatTable(rows);
        Assert.Contains("-119.50", table);
        Assert.Contains("+38.00", table);
        Assert.Equal(4, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void ReachGivesEachPaperValueAsAMultipleOfThePaperSamplesOrNotYet()
    {
        // The paper's wake-sleep at MNIST Nz = 200: 10⁶ −133.8 train / −130.7 test, 10⁷ −109 both, 10⁸ −104.2 both.
        var run = Run("mnist", 200, RunMethod.WakeSleep, (1_000_000, -140, -140), (10_000_000, -130, -125), (100_000_000, -108, -108));
        var text = Figure2Claims.Reach(run);
        // −133.8 lies 62% of the way from −140 to −130 (train) and −130.7 62% from −140 to −125 (test): 10^6.62 samples.
        Assert.Contains("its 10⁶ train value (−133.8) at 4,168,694 samples (4.2×)", text);
        Assert.Contains("its 10⁶ test value (−130.7) at 4,168,694 samples (4.2×)", text);
        Assert.Contains("its 10⁷ train value (−109.0) at 90,", text);   // 21/22 of the way on log samples: 10^7.95
        Assert.Contains("not yet its 10⁸ test value (−104.2)", text);
        Assert.StartsWith("The paper-protocol Wake-Sleep run at Nz = 200 reaches", text);
        Assert.EndsWith("It ends at 100,000,000 samples with −108.0 / −108.0.", text);
    }

    [Fact]
    public void TheOverfittingSentenceSetsTheGapBesideThePapersWhereBothRunsStopAtAReading()
    {
        // The paper's Frey Face AEVB at 10⁸: Nz = 2 930 / 880 (gap 50), Nz = 20 1480 / 1300 (gap 180), ±20 each.
        var rows = Figure2Comparison.FinalValues([
            Run("frey", 2, RunMethod.Aevb, (100_000_000, 990, 822)), Run("frey", 2, RunMethod.WakeSleep, (100_000_000, 823, 805)),
            Run("frey", 20, RunMethod.Aevb, (100_000_000, 1539, 1233)), Run("frey", 20, RunMethod.WakeSleep, (100_000_000, 823, 805)),
        ]);
        var text = Figure2Claims.Sentences(rows);
        Assert.Contains("frey: AEVB's train − test gap is 168.00 at Nz = 2 (100,000,000 samples) and 306.00 at Nz = 20 (100,000,000): it grows by 138.0 nats.", text);
        Assert.Contains("The paper's, read off its figure there: 50 and 180 (each reading ±20), so it grows in the paper's curves too.", text);

        // Where the two runs stop at different counts there is no one point of the paper's to set beside them.
        rows = Figure2Comparison.FinalValues([
            Run("frey", 2, RunMethod.Aevb, (10_000_000, 832, 824)), Run("frey", 2, RunMethod.WakeSleep, (10_000_000, 575, 563)),
            Run("frey", 20, RunMethod.Aevb, (100_000_000, 1539, 1233)), Run("frey", 20, RunMethod.WakeSleep, (100_000_000, 823, 805)),
        ]);
        text = Figure2Claims.Sentences(rows);
        Assert.Contains("compares unlike points", text);
        Assert.DoesNotContain("The paper's, read", text);

        // MNIST at 10⁸: Nz = 3 −130 / −133.5 (gap 3.5), Nz = 200 −98.5 / −100 (gap 1.5), ±1: the halves are not rounded away.
        rows = Figure2Comparison.FinalValues([
            Run("mnist", 3, RunMethod.Aevb, (100_000_000, -131, -138)), Run("mnist", 3, RunMethod.WakeSleep, (100_000_000, -144, -144)),
            Run("mnist", 200, RunMethod.Aevb, (100_000_000, -99.5, -99.7)), Run("mnist", 200, RunMethod.WakeSleep, (100_000_000, -106, -106)),
        ]);
        Assert.Contains("The paper's, read off its figure there: 3.5 and 1.5 (each reading ±1), no growth the readings can tell.", Figure2Claims.Sentences(rows));

        // Claim 1 names the pairs whose methods stop at different counts (AEVB further on is not a like-for-like lead).
        rows = Figure2Comparison.FinalValues([
            Run("frey", 2, RunMethod.Aevb, (100_000_000, 990, 822)), Run("frey", 2, RunMethod.WakeSleep, (10_000_000, 575, 563)),
        ]);
        Assert.Contains("(Nz = 2: +259.0 on test, AEVB at 100 M against wake-sleep at 10 M)", Figure2Claims.Sentences(rows));
    }

    [Fact]
    public void APanelWithoutWakeSleepHasNoRowAndIsNamedWithItsCommand()
    {
        var runs = new[] { Run("frey", 5, RunMethod.Aevb, (100, 1, 2)) };
        Assert.Empty(Figure2Comparison.FinalValues(runs));
        var pending = Assert.Single(Figure2Comparison.Pending(runs));
        Assert.Contains("frey Nz = 5: no Wake-Sleep run", pending);
        Assert.Contains("aevb reproduce fig2 --dataset frey --latent 5", pending);
    }

    [Fact]
    public void ProgressLinesWriteOneLinePerEvaluationOnly()
    {
        var writer = new StringWriter();
        var lines = new ProgressLines(writer: writer);
        lines.Report(new RunProgress("frey-h200-z2-aevb", 500, 1000, 1234, 5, null, false));
        lines.Report(new RunProgress("frey-h200-z2-aevb", 1000, 1000, 1234, 5, new Dictionary<string, double> { ["test_bound"] = 512.345, ["test_bound_se"] = 1 }, true));
        var text = writer.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("  frey-h200-z2-aevb      1,000 samples  test_bound 512.35  (1,234 samples/s)\n",
            text.ReplaceLineEndings("\n"));
        Assert.Equal(1, lines.LinesWritten);
    }

    [Fact]
    public void TheFullModeLineNamesTheRunsFolderRelativeToTheRepositorySoCommittedOutputsDoNotNameAMachine()
    {
        var runs = new[] { Run("mnist", 3, RunMethod.Aevb, (1000, -120, -121)) };
        var inside = FigureNotebook.Provenance(quick: false, Path.Combine(RepoRoot.Find(), "results"), "fig2", runs);
        Assert.StartsWith($"Full mode: 1 runs in {Path.Combine("results", "fig2")} (last updated", inside);
        Assert.DoesNotContain(RepoRoot.Find(), inside);

        var elsewhere = Path.Combine(Path.GetTempPath(), "aevb-elsewhere");
        var outside = FigureNotebook.Provenance(quick: false, elsewhere, "fig2", runs);
        Assert.Contains($"runs in {Path.Combine(Path.GetFullPath(elsewhere), "fig2")} (", outside);
    }
}
