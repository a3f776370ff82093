using Aevb.Cli;
using Aevb.Tests.Data;

namespace Aevb.Tests.Cli;

/// <summary>
/// A resumed <c>reproduce all</c> skips a notebook executed from the same inputs (issue 20), and runs it again when the
/// notebook, quick mode, or a figure run it plots changed.
/// </summary>
public class NotebookStampTests
{
    [Fact]
    public void AStampIsCurrentOnlyForTheSameInputs()
    {
        using var dir = new TempDir();
        var notebook = dir.File("04.ipynb");
        File.WriteAllText(notebook, "{}");
        var runs = dir.File("runs");
        var run = Path.Combine(runs, "fig2", "frey-h200-z2-aevb");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "log.csv"), "samples\n1\n");
        var executed = Path.Combine(runs, "notebooks", "04.ipynb");
        Directory.CreateDirectory(Path.GetDirectoryName(executed)!);
        File.WriteAllText(executed, "{}");

        var key = NotebookStamp.Key(notebook, quick: true, null, runs);
        Assert.False(NotebookStamp.IsCurrent(executed, key)); // never executed with a stamp
        NotebookStamp.Write(executed, key);
        Assert.False(NotebookStamp.IsCurrent(executed, key)); // its HTML page is missing
        File.WriteAllText(Path.ChangeExtension(executed, ".html"), "<html/>");
        Assert.True(NotebookStamp.IsCurrent(executed, key));
        Assert.Equal(key, NotebookStamp.Key(notebook, quick: true, null, runs));

        Assert.NotEqual(key, NotebookStamp.Key(notebook, quick: false, null, runs));
        File.WriteAllText(Path.Combine(run, "log.csv"), "samples\n1\n2\n");
        Assert.NotEqual(key, NotebookStamp.Key(notebook, quick: true, null, runs));
        File.WriteAllText(notebook, "{ }");
        Assert.False(NotebookStamp.IsCurrent(executed, NotebookStamp.Key(notebook, quick: true, null, runs)));
    }
}
