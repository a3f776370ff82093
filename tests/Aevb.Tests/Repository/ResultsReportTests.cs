using System.Text.Json.Nodes;
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
