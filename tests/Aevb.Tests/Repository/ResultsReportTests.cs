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
}
