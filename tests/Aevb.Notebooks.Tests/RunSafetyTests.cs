using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Running;

namespace Aevb.Notebooks.Tests;

/// <summary><c>notebook run</c> never damages its input, checks where it writes before running, and reports I/O failures in one line.</summary>
[Collection("runner")]
public class RunSafetyTests
{
    [Fact]
    public async Task AFailingCellInPlaceKeepsTheLaterCellsEarlierOutputsMarkedStale()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("nb.ipynb", "1 + 1", "2 + 2", "3 + 3");
        Assert.True((await NotebookRunner.RunAsync(path)).Succeeded);

        var edited = Notebook.Load(path);
        edited.Cells[1].Node["source"] = "throw new System.IO.FileNotFoundException(\"no data\");";
        edited.Save(path);
        var result = await NotebookRunner.RunAsync(path);
        Assert.False(result.Succeeded);

        var saved = Notebook.Load(path);
        Assert.Equal("2", OutputsOf.Text(OutputsOf.Cell(saved, 1).Single()));
        Assert.Equal("error", OutputsOf.Type(OutputsOf.Cell(saved, 2).Single()));
        // Cell 3 did not run: its earlier output is kept, marked stale, not erased.
        Assert.Equal("6", OutputsOf.Text(OutputsOf.Cell(saved, 3).Single()));
        Assert.Contains("stopped at cell 2", StaleOutputs.Of(saved.Cells[2]));
        Assert.Null(StaleOutputs.Of(saved.Cells[0]));

        // Fixed and run again: the stale mark goes.
        saved.Cells[1].Node["source"] = "2 + 2";
        saved.Save(path);
        Assert.True((await NotebookRunner.RunAsync(path)).Succeeded);
        Assert.All(Notebook.Load(path).Cells, c => Assert.Null(StaleOutputs.Of(c)));
    }

    [Theory]
    [InlineData("folder-is-a-file")]
    [InlineData("a-folder")]
    [InlineData("read-only")]
    public async Task TheOutputIsCheckedBeforeAnyCellRuns(string problem)
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("nb.ipynb", "System.IO.File.WriteAllText(\"ran.txt\", \"x\");");
        var before = File.ReadAllText(path);
        var target = problem switch
        {
            "folder-is-a-file" => dir.PathOf(Path.Combine("nb.ipynb", "out.ipynb")),
            "a-folder" => Directory.CreateDirectory(dir.PathOf("outdir")).FullName,
            _ => dir.PathOf("ro.ipynb"),
        };
        if (problem == "read-only")
        {
            File.WriteAllText(target, "{}");
            File.SetAttributes(target, FileAttributes.ReadOnly);
        }
        var e = await Assert.ThrowsAsync<IOException>(() => NotebookRunner.RunAsync(path, new NotebookRunOptions { OutputPath = target }));
        Assert.Contains(target, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(dir.PathOf("ran.txt")), "a cell ran before the output was checked");
        Assert.Equal(before, File.ReadAllText(path));

        // The command: one line, exit 1, no stack trace.
        var (code, error) = Cli("run", path, "--out", target);
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains(target, error);
        Assert.DoesNotContain("   at ", error);
        Assert.False(File.Exists(dir.PathOf("ran.txt")));
    }

    [Fact]
    public void ExportToAFolderOrUnderAFileIsOneLine()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("nb.ipynb", "md:# T", "1 + 1");
        foreach (var target in new[] { Directory.CreateDirectory(dir.PathOf("out")).FullName, dir.PathOf(Path.Combine("nb.ipynb", "x.html")) })
        {
            var (code, error) = Cli("export", path, "--html", target);
            Assert.Equal(1, code);
            Assert.Single(error.Trim().Split('\n'));
            Assert.Contains(target, error);
            Assert.DoesNotContain("   at ", error);
        }
    }

    private static (int Code, string Error) Cli(params string[] args) => NotebookCli.Run(args);
}
