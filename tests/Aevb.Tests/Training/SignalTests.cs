using System.Diagnostics;
using System.Text;
using Aevb.Tests.Data;
using Aevb.Training;
using Aevb.Training.Runs;

namespace Aevb.Tests.Training;

/// <summary>
/// SIGTERM (as Ctrl+C's SIGINT, same handler) on the long verbs, in a real <c>aevb</c> process: the verb checkpoints,
/// says how to resume and exits 130, instead of dying at once.
/// </summary>
public class SignalTests
{
    [Fact]
    public void TrainSavesAMatchingModelAndLogAndExits130()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        var (code, output) = RunAndSignal(["train", "--samples", "1e8", "--hidden", "20", "--latent", "3", "--eval-train", "500",
            "--data-dir", TestData.Directory, "--out", dir.Path], "eval at");
        Assert.True(code == 130, output);
        Assert.Contains("Run the same command again to resume", output);
        var model = Checkpoint.Load(dir.File("model.safetensors"));
        var log = TrainingLog.ReadCsv(dir.File("log.csv"));
        Assert.Equal(model.Info.SamplesSeen, log.Entries[^1].Samples); // the log ends at the saved model
        Assert.Equal(model.Info.SamplesSeen, LearnerCheckpoint.SamplesSeen(dir.File(LearnerCheckpoint.FileName)));
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void ReproduceCheckpointsWhereItStoppedAndExits130()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        // A forced step size: a signal during the step-size trial (the first evaluation interval) restarts the trial.
        var (code, output) = RunAndSignal(["reproduce", "fig2", "--dataset", "frey", "--latent", "2", "--method", "aevb", "--samples", "1e8",
            "--lr", "0.02", "--data-dir", TestData.Directory, "--out", dir.Path], " test ", afterMatch: TimeSpan.FromSeconds(2));
        Assert.True(code == 130, output);
        Assert.Contains("Run the same command again to resume", output);
        var runDir = Directory.GetDirectories(Path.Combine(dir.Path, "fig2")).Single();
        var info = FigureRun.ReadInfo(Path.Combine(runDir, FigureRun.InfoFile));
        Assert.Equal("running", info["status"]!.GetValue<string>());
        Assert.True(info["samples_seen"]!.GetValue<long>() > 0, info.ToJsonString()); // saved at the signal, not lost
        Assert.True(File.Exists(Path.Combine(runDir, FigureRun.CheckpointFile)));
    }

    [Fact]
    public void NotebookRunWritesWhatRanAndExits130()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        var path = dir.File("nb.ipynb");
        var notebook = Aevb.Notebooks.Documents.Notebook.CreatePolyglot();
        notebook.AddCodeCell("Console.WriteLine(\"first cell ran\");");
        notebook.AddCodeCell("Console.WriteLine(\"sleeping\"); System.Threading.Thread.Sleep(120_000);");
        notebook.AddCodeCell("1 + 1");
        notebook.Save(path);
        var (code, output) = RunAndSignal(["notebook", "run", path], "sleeping");
        Assert.True(code == 130, output);
        Assert.Contains("interrupted", output);
        var saved = Aevb.Notebooks.Documents.Notebook.Load(path);
        Assert.Contains("first cell ran", saved.Cells[0].Outputs.ToJsonString());
        Assert.Contains("Interrupted", saved.Cells[1].Outputs.ToJsonString());
    }

    /// <summary>Starts the CLI, sends SIGTERM once <paramref name="match"/> appears in its output, and returns its exit code and output.</summary>
    internal static (int Code, string Output) RunAndSignal(string[] args, string match, TimeSpan? afterMatch = null, string signal = "TERM")
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Aevb.Cli.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        var output = new StringBuilder();
        var seen = new ManualResetEventSlim();
        using var process = new Process { StartInfo = start };
        void OnLine(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.Contains(match, StringComparison.Ordinal)) seen.Set();
        }
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (!seen.Wait(TimeSpan.FromMinutes(3)))
                Assert.Fail($"'{match}' never appeared:\n{output}");
            Thread.Sleep(afterMatch ?? TimeSpan.FromMilliseconds(300));
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
                Assert.Fail($"still running 2 minutes after SIG{signal}:\n{output}");
            process.WaitForExit();
            lock (output) return (process.ExitCode, output.ToString());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
