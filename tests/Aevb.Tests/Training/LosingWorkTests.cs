using System.CommandLine;
using Aevb.Cli.Commands;
using Aevb.Tests.Data;
using Aevb.Training.Runs;

namespace Aevb.Tests.Training;

/// <summary>Commands that used to throw work away (issue 20, "Losing work" 5 and 6) now refuse with one line.</summary>
public class LosingWorkTests
{
    private static (int Code, string Output, string Error) Run(Command command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = command.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static string CopyOfACommittedFigureRun(TempDir dir)
    {
        var source = Path.Combine(RepoRoot.Find(), "results", "fig2", "frey-h200-z2-aevb");
        var run = dir.File("frey-h200-z2-aevb");
        Directory.CreateDirectory(run);
        // What is committed: a checkout that ran the figure runs also holds their lock file, which git ignores.
        foreach (var f in Directory.GetFiles(source).Where(f => Path.GetFileName(f) != ".lock")) File.Copy(f, Path.Combine(run, Path.GetFileName(f)));
        return run;
    }

    [Fact]
    public void TrainForceRefusesToDeleteAFigureRun()
    {
        using var dir = new TempDir();
        var run = CopyOfACommittedFigureRun(dir);
        var before = Directory.GetFiles(run).Select(Path.GetFileName).Order().ToArray();
        var (code, output, error) = Run(TrainCommand.Create(), "--dataset", "frey", "--samples", "1000", "--force",
            "--data-dir", TestData.Directory, "--out", run);
        Assert.True(code == 1, output + error);
        Assert.Contains(FigureRun.InfoFile, error);
        Assert.Contains("--force", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal(before, Directory.GetFiles(run).Select(Path.GetFileName).Where(n => n != ".lock").Order().ToArray());
        Assert.True(FigureRun.IsCompleted(run));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReportRefusesAMissingOrEmptyResultsFolderAndLeavesTheReadme(bool exists)
    {
        using var dir = new TempDir();
        var readme = dir.File("README.md");
        File.Copy(Path.Combine(RepoRoot.Find(), "README.md"), readme);
        var before = File.ReadAllText(readme);
        var results = dir.File("typo");
        if (exists) Directory.CreateDirectory(Path.Combine(results, "fig2"));
        var (code, output) = CliProcess.Run(["reproduce", "report", "--results", results, "--readme", readme]);
        Assert.True(code == 1, output);
        Assert.Contains(results, output);
        Assert.Single(output.Trim().Split('\n'));
        Assert.Equal(before, File.ReadAllText(readme));
    }
}
