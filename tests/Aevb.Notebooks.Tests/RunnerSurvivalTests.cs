using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Running;

namespace Aevb.Notebooks.Tests;

/// <summary>
/// <c>notebook run</c> runs the cells in a child process: a cell that ends the process, hangs or floods stdout is
/// reported in the notebook, and the cells before it keep their outputs.
/// </summary>
[Collection("runner")]
public class RunnerSurvivalTests
{
    private static int Aevb(params string[] args) => global::Aevb.Cli.Commands.NotebookCommand.Create().Parse(args).Invoke();

    private static (Notebook Saved, int Code) RunCells(params string[] cells) => RunCellsWith([], cells);

    private static (Notebook Saved, int Code) RunCellsWith(string[] options, string[] cells)
    {
        var dir = new TempNotebookDir();
        var path = dir.Write("nb.ipynb", ["Console.WriteLine(\"first cell ran\");", .. cells, "40 + 2"]);
        var code = Aevb(["run", path, .. options]);
        return (Notebook.Load(path), code);
    }

    private static string Error(Notebook saved, int cell) => OutputsOf.Cell(saved, cell).Single(o => OutputsOf.Type(o) == "error").ToJsonString();

    [Theory]
    [InlineData("Environment.Exit(0);", "Environment.Exit")]
    [InlineData("Environment.Exit(3);", "Environment.Exit")]
    [InlineData("new System.Threading.Thread(() => throw new InvalidOperationException(\"boom\")).Start(); System.Threading.Thread.Sleep(20_000);", "background thread")]
    [InlineData("int Down(int x) => Down(x + 1) + 1;\nDown(0)", "stack overflow")]
    public void ACellThatEndsTheProcessIsReportedAndWhatRanIsKept(string cell, string why)
    {
        var (saved, code) = RunCells(cell);
        Assert.Equal(1, code);
        Assert.Contains("first cell ran", OutputsOf.StreamText(OutputsOf.Cell(saved, 1).Single()));
        var error = Error(saved, 2);
        Assert.Contains("ProcessExited", error);
        Assert.Contains(why, error);
        Assert.Empty(OutputsOf.Cell(saved, 3)); // never reached
    }

    [Fact]
    public void ACellThatNeverEndsIsStoppedByTheTimeout()
    {
        Assert.Equal(TimeSpan.FromMinutes(30), NotebookRunOptions.DefaultTimeoutPerCell); // the default, on unless --no-timeout
        var (saved, code) = RunCellsWith(["--timeout-per-cell", "2"], ["while (true) { }"]);
        Assert.Equal(1, code);
        Assert.Contains("TimeoutException", Error(saved, 2));
    }

    [Fact]
    public void StoredOutputIsCappedWithANote()
    {
        var dir = new TempNotebookDir();
        var path = dir.Write("nb.ipynb", "for (var i = 0; i < 200_000; i++) Console.Write(\"0123456789\");");
        using (var quiet = new StringWriter())
        {
            var saved = Console.Out;
            Console.SetOut(quiet);
            try
            {
                Assert.Equal(0, Aevb("run", path, "--in-process", "--max-output", "10000"));
            }
            finally
            {
                Console.SetOut(saved);
            }
        }
        Assert.True(new FileInfo(path).Length < 50_000, $"{new FileInfo(path).Length} bytes");
        var text = string.Concat(OutputsOf.Cell(Notebook.Load(path), 1).Select(OutputsOf.StreamText));
        Assert.Contains("output cut", text);
        Assert.Contains("2,000,000", text);
    }
}
