using System.Text.Json.Nodes;
using Aevb.Tests.Data;
using Aevb.Training.Runs;

namespace Aevb.Tests.Repository;

/// <summary>The README's results tables are generated from the committed runs, never typed.</summary>
public class ResultsReportTests
{
    [Fact]
    public void TheReadmeResultsBlockIsWhatTheCommittedRunsGenerate()
    {
        var root = RepoRoot.Find();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var expected = FigureReport.Markdown(Path.Combine(root, "results"));
        Assert.True(expected == FigureReport.CurrentBlock(readme),
            "README.md's results block differs from results/: run `dotnet run -c Release --project src/Aevb.Cli -- reproduce report --readme README.md`.");
    }

    [Fact]
    public void TheBlockIsReplacedInPlace()
    {
        var readme = $"intro\n{FigureReport.Begin}\nold\n{FigureReport.End}\nafter\n";
        var updated = FigureReport.UpdateBlock(readme, "new\n");
        Assert.Equal($"intro\n{FigureReport.Begin}\nnew\n{FigureReport.End}\nafter\n", updated);
        Assert.Equal("new\n", FigureReport.CurrentBlock(updated));
        Assert.Throws<InvalidDataException>(() => FigureReport.UpdateBlock("no block", "x"));
    }
    [Fact]
    public void TheStatusTableListsAllTwentyFourFamiliesAndNamesTheMissingOnes()
    {
        var markdown = FigureReport.Markdown(Path.Combine(RepoRoot.Find(), "results"), ablations: false);
        var status = markdown[markdown.IndexOf("| curve family", StringComparison.Ordinal)..].Split('\n')
            .Skip(2).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.Equal(24, status.Count);
        Assert.Equal(24, FigureFamilies.All.Count);
        Assert.All(status.Where(l => l.Contains("| not run |", StringComparison.Ordinal)), l => Assert.Contains("`aevb reproduce", l));
    }

    /// <summary>The committed IWAE run (a method the paper does not draw) is read against AEVB's run of its family,
    /// train and test, and nothing of the paper's own methods appears there.</summary>
    [Fact]
    public void MethodsBeyondThePaperAreReadAgainstAevb()
    {
        var markdown = FigureReport.Markdown(Path.Combine(RepoRoot.Find(), "results"), ablations: false);
        var section = markdown[markdown.IndexOf("Beyond the paper", StringComparison.Ordinal)..].Split('\n')
            .Skip(2).TakeWhile(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        Assert.Contains(section, l => l.Contains("N=1000, test (step sizes: AEVB 0.1, IWAE 0.1), IWAE − AEVB", StringComparison.Ordinal));
        Assert.Contains(section, l => l.Contains("N=1000, train (step sizes: AEVB 0.1, IWAE 0.1), IWAE − AEVB", StringComparison.Ordinal));
        Assert.DoesNotContain(section, l => l.Contains("Wake-Sleep", StringComparison.Ordinal) || l.Contains("MCEM", StringComparison.Ordinal));
    }

    private static void CopyRun(string from, string to, Action<JsonNode>? edit = null)
    {
        Directory.CreateDirectory(to);
        File.Copy(Path.Combine(from, FigureRun.LogFile), Path.Combine(to, FigureRun.LogFile));
        var info = JsonNode.Parse(File.ReadAllText(Path.Combine(from, FigureRun.InfoFile)))!;
        edit?.Invoke(info);
        File.WriteAllText(Path.Combine(to, FigureRun.InfoFile), info.ToJsonString());
    }

    /// <summary>A gap at a reading stays "unexplained" unless an ablation of the family agrees with the paper there:
    /// AEVB N<sub>z</sub> = 20 at 10 M is 1.7 under the paper at the chosen step size (0.01); the committed run at 0.02
    /// agrees. The same ablation with the protocol run's own curve does not, and is not named.</summary>
    [Fact]
    public void AGapIsAttributedToAnAblationOnlyWhereItAgreesWithThePaper()
    {
        var results = Path.Combine(RepoRoot.Find(), "results");
        var run = "mnist-h500-z20-aevb";
        string Verdict(string ablationSource)
        {
            using var dir = new TempDir();
            CopyRun(Path.Combine(results, "fig2", run), Path.Combine(dir.Path, "fig2", run));
            CopyRun(ablationSource, Path.Combine(dir.Path, "ablations", "step", "fig2", run));
            var markdown = FigureReport.Markdown(dir.Path);
            return markdown.Split('\n').Single(l => l.StartsWith("- 2 MNIST AEVB N<sub>z</sub>=20:", StringComparison.Ordinal));
        }

        var agrees = Verdict(Path.Combine(results, "ablations", "lr-0.02-1e7", "fig2", run));
        Assert.Contains("at 10 M ours train below the paper's by 1.7; the ablation `step` (0.02) agrees with the paper there", agrees);
        var same = Verdict(Path.Combine(results, "fig2", run));
        Assert.Contains("at 10 M ours train below the paper's by 1.7 (unexplained)", same);
        Assert.DoesNotContain("`step`", same);
    }

    /// <summary>
    /// Wake-sleep at N<sub>z</sub> = 20 with a step of 0.1 does not learn (its bound climbs from −10¹² to −10⁶): a curve
    /// that unsteady must not agree with the paper because its own evaluation-to-evaluation wiggle is huge.
    /// </summary>
    [Fact]
    public void ACurveFarFromSettledIsNotAnAblationThatAgrees()
    {
        var results = Path.Combine(RepoRoot.Find(), "results");
        var run = "mnist-h500-z20-wakesleep";
        using var dir = new TempDir();
        CopyRun(Path.Combine(results, "fig2", run), Path.Combine(dir.Path, "fig2", run));
        CopyRun(Path.Combine(results, "ablations", "lr-0.1-1e7", "fig2", run), Path.Combine(dir.Path, "ablations", "diverged", "fig2", run));
        var verdict = FigureReport.Markdown(dir.Path).Split('\n').Single(l => l.StartsWith("- 2 MNIST Wake-Sleep N<sub>z</sub>=20:", StringComparison.Ordinal));
        Assert.Contains("at 1 M ours test below the paper's by 1.8 (unexplained)", verdict);
        Assert.DoesNotContain("`diverged`", verdict);
    }

    /// <summary>IWAE chose another step size than AEVB at N<sub>z</sub> = 20: it is read against AEVB's protocol run and
    /// against the AEVB ablation at its own step size, but not against an ablation that changes anything else.</summary>
    [Fact]
    public void AMethodBeyondThePaperIsAlsoReadAgainstAevbAtItsOwnStepSize()
    {
        var results = Path.Combine(RepoRoot.Find(), "results");
        List<string> Section(Action<JsonNode>? edit)
        {
            using var dir = new TempDir();
            foreach (var run in new[] { "mnist-h500-z20-aevb", "mnist-h500-z20-iwae-k5" })
                CopyRun(Path.Combine(results, "fig2", run), Path.Combine(dir.Path, "fig2", run));
            CopyRun(Path.Combine(results, "ablations", "lr-0.02-1e7", "fig2", "mnist-h500-z20-aevb"),
                Path.Combine(dir.Path, "ablations", "step", "fig2", "mnist-h500-z20-aevb"), edit);
            var markdown = FigureReport.Markdown(dir.Path);
            return markdown[markdown.IndexOf("Beyond the paper", StringComparison.Ordinal)..].Split('\n')
                .Skip(2).TakeWhile(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        }

        var section = Section(null);
        Assert.Equal(4, section.Count);
        Assert.All(section.Take(2), l => Assert.Contains("(step sizes: AEVB 0.01, IWAE 0.02)", l));
        Assert.Contains(section, l => l.StartsWith("- Figure 2 MNIST N<sub>z</sub>=20, against AEVB at the same step size 0.02 (`ablations/step`), test, IWAE − AEVB", StringComparison.Ordinal));
        Assert.Contains(section, l => l.StartsWith("- Figure 2 MNIST N<sub>z</sub>=20, against AEVB at the same step size 0.02 (`ablations/step`), train, IWAE − AEVB", StringComparison.Ordinal));
        Assert.Equal(2, Section(info => info["settings"]!["init_std"] = 0.1).Count);
    }

    /// <summary>An ablation's row: what it changes, and its bounds at 0.1 M (where the Frey Face curves part from the
    /// paper's), 1 M and its end.</summary>
    [Fact]
    public void AblationRowsNameTheChangeAndShowTheEarlyPoint()
    {
        using var dir = new TempDir();
        var source = Path.Combine(RepoRoot.Find(), "results", "fig2", "frey-h200-z20-aevb");
        var run = Path.Combine(dir.Path, "ablations", "frey-variance-softplus", "fig2", "frey-h200-z20-aevb");
        CopyRun(source, run, info => info["settings"]!["gaussian_variance"] = "softplus");
        var log = RunLog.ReadCsv(Path.Combine(run, FigureRun.LogFile));
        string At(long samples)
        {
            var i = log.Samples.ToList().IndexOf(samples);
            return $"{FigureReport.F(log.Column("train_bound")[i])} / {FigureReport.F(log.Column("test_bound")[i])}";
        }

        var table = FigureReport.AblationsMarkdown(dir.Path).Split('\n');
        Assert.Contains("| train / test at 0.1 M | train / test at 1 M | train / test at the end |", table[1]);
        var row = Assert.Single(table, l => l.StartsWith("| frey-variance-softplus", StringComparison.Ordinal));
        Assert.Equal("| frey-variance-softplus | 2 Frey AEVB N<sub>z</sub>=20 | 0.01 (chosen), variance softplus " +
                     $"| {FigureReport.Count(log.LastSamples)} | {At(100_000)} | {At(1_000_000)} | {At(log.LastSamples)} |", row);
    }

    /// <summary>A run of the protocol with another seed is an ablation like any other, and its row says so.</summary>
    [Fact]
    public void AnAblationWithAnotherSeedSaysSo()
    {
        using var dir = new TempDir();
        var source = Path.Combine(RepoRoot.Find(), "results", "fig2", "frey-h200-z2-aevb");
        CopyRun(source, Path.Combine(dir.Path, "ablations", "seed-2", "fig2", "frey-h200-z2-aevb"), info => info["settings"]!["seed"] = 2);
        CopyRun(source, Path.Combine(dir.Path, "ablations", "same", "fig2", "frey-h200-z2-aevb"));
        var rows = FigureReport.AblationsMarkdown(dir.Path).Split('\n');
        Assert.Contains(", seed 2 |", Assert.Single(rows, l => l.StartsWith("| seed-2 |", StringComparison.Ordinal)));
        Assert.DoesNotContain("seed", Assert.Single(rows, l => l.StartsWith("| same |", StringComparison.Ordinal)));
    }

    [Fact]
    public void OursIsInterpolatedOnTheFiguresOwnXScaleAndNotReachedOnlyBeyondTheRun()
    {
        FigureRunResult Run(RunEvaluation evaluation)
        {
            var log = new RunLog(["train_bound", "test_bound"]);
            log.Add(100_000, 0, 0, new Dictionary<string, double> { ["train_bound"] = 0, ["test_bound"] = 0 });
            log.Add(1_000_000, 0, 0, new Dictionary<string, double> { ["train_bound"] = 10, ["test_bound"] = 20 });
            log.Add(10_000_000, 0, 0, new Dictionary<string, double> { ["train_bound"] = 30, ["test_bound"] = 20 });
            var settings = new RunSettings { Method = RunMethod.Aevb, Dataset = "mnist", Hidden = 10, Latent = 3, Samples = 10_000_000, Evaluation = evaluation };
            return new FigureRunResult(settings, log, new JsonObject(), "x");
        }
        var logScale = CurveInterpolation.At(Run(RunEvaluation.LowerBound), "train_bound", 316_228)!.Value;
        Assert.Equal(5, logScale.Value, 2);   // halfway between 1e5 and 1e6 on a log axis
        Assert.Equal(10, logScale.Step, 9);
        Assert.Equal(5, logScale.Wiggle, 9);   // 10 at 1e6 against the line from 0 (1e5) to 30 (1e7), 15 there; at 1e5 (an end): the same
        var linear = CurveInterpolation.At(Run(RunEvaluation.MarginalLikelihood), "train_bound", 550_000)!.Value;
        Assert.Equal(5, linear.Value, 9);      // halfway between 1e5 and 1e6 on a linear axis
        Assert.Null(CurveInterpolation.At(Run(RunEvaluation.LowerBound), "train_bound", 10_000_001));
        Assert.Equal(20, CurveInterpolation.At(Run(RunEvaluation.LowerBound), "test_bound", 10_000_000)!.Value.Value);
    }
}
