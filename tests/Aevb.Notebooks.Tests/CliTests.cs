using Aevb.Cli.Commands;
using Aevb.Notebooks.Documents;

namespace Aevb.Notebooks.Tests;

[Collection("runner")]
public class CliTests
{
    private static int Aevb(params string[] args) => NotebookCommand.Create().Parse(args).Invoke();

    [Fact]
    public void NewCreatesANotebookThatPassesCheck()
    {
        using var dir = new TempNotebookDir();
        var path = dir.PathOf("01-first-steps.ipynb");
        Assert.Equal(0, Aevb("new", path));
        Assert.Equal(0, Aevb("check", path));
        Assert.Equal(2, Aevb("new", path)); // exists: refuses without --force
        Assert.StartsWith("# First steps", Notebook.Load(path).Cells[0].Source);
    }

    [Fact]
    public void CheckFailsOnCellsTheRunnerCannotExecuteAndFixAddsMetadata()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("fs.ipynb", "var a = 1;", "#!fsharp\nlet b = 2");
        Assert.Equal(1, Aevb("check", path));

        var bare = dir.PathOf("bare.ipynb");
        File.WriteAllText(bare, "{\"cells\": [{\"cell_type\": \"code\", \"execution_count\": null, \"metadata\": {}, \"outputs\": [], \"source\": \"1\"}], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 2}");
        Assert.Equal(1, Aevb("check", bare));
        Assert.Equal(0, Aevb("check", "--fix", bare));
        Assert.Equal(0, Aevb("check", bare));
    }

    [Fact]
    public void RunExitCodesSaySuccessFailureAndBadInput()
    {
        using var dir = new TempNotebookDir();
        Assert.Equal(0, Aevb("run", dir.Write("ok.ipynb", "1 + 1"), "--quick"));
        Assert.Equal(1, Aevb("run", dir.Write("fail.ipynb", "throw new Exception(\"x\");")));
        Assert.Equal(1, Aevb("run", dir.Write("fail2.ipynb", "throw new Exception(\"x\");", "2"), "--allow-errors", "--out", dir.PathOf("out.ipynb")));
        Assert.True(File.Exists(dir.PathOf("out.ipynb")));
        Assert.Equal(2, Aevb("run", dir.Write("magic.ipynb", "#!pwsh\nls")));
        Assert.Equal(2, Aevb("run", dir.PathOf("missing.ipynb")));
        Assert.Equal(2, Aevb("run", dir.Write("t.ipynb", "1"), "--timeout-per-cell", "0"));
    }

    [Fact]
    public void ExportWritesTheRequestedFiles()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("e.ipynb", "md:# Title", "1 + 1");
        Assert.Equal(2, Aevb("export", path));
        Assert.Equal(0, Aevb("export", path, "--html", dir.PathOf("e.html"), "--app", dir.PathOf("e.cs"),
            "--project", Path.Combine(OutputsOf.RepositoryRoot(), "src", "Aevb", "Aevb.csproj")));
        Assert.Contains("<h1", File.ReadAllText(dir.PathOf("e.html")));
        Assert.StartsWith("#:project ", File.ReadAllText(dir.PathOf("e.cs")));
        Assert.Equal(2, Aevb("export", path, "--html", dir.PathOf("both.html"), "--offline", "--cdn"));
        Assert.False(File.Exists(dir.PathOf("both.html")));
        var math = dir.Write("m.ipynb", "md:# Title\n\n$x^2$");
        Assert.Equal(0, Aevb("export", math, "--html", dir.PathOf("cdn.html"), "--cdn"));
        Assert.Contains("cdn.jsdelivr.net/npm/katex@", File.ReadAllText(dir.PathOf("cdn.html")));
        Assert.Equal(0, Aevb("export", math, "--html", dir.PathOf("offline.html"), "--offline"));   // the repository's node_modules/katex
        Assert.DoesNotContain("cdn.jsdelivr.net", File.ReadAllText(dir.PathOf("offline.html")));
    }
}
