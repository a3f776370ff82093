using System.Text;
using Aevb.Data;
using Aevb.Notebooks.Documents;
using Aevb.Tests.Data;
using Aevb.Tests.Training;
using Aevb.Training.Runs;

namespace Aevb.Tests.Cli;

/// <summary>
/// Issue 20, "Hangs" and "Silently accepted / wrong": each of these used to hang, or to go ahead on input it should
/// have refused; now each ends, or refuses in one line naming the file and the problem.
/// </summary>
public class HangsAndSilentInputTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(90);

    private static string NotebookWithMarkdown(TempDir dir, string markdown, string code = "1 + 1")
    {
        var notebook = Notebook.CreatePolyglot();
        notebook.AddMarkdownCell(markdown);
        notebook.AddCodeCell(code);
        var path = dir.File("nb.ipynb");
        notebook.Save(path);
        return path;
    }

    private static string Mkfifo(TempDir dir, string name)
    {
        var path = dir.File(name);
        using var p = System.Diagnostics.Process.Start("mkfifo", [path])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return path;
    }

    [Fact]
    public void InvalidUtf8IsReportedByCheckWithItsOffsetAndRefusedByRun()
    {
        using var dir = new TempDir();
        var path = NotebookWithMarkdown(dir, "caf\u00e9 BADBYTE here");
        var bytes = File.ReadAllBytes(path);
        var offset = Encoding.ASCII.GetString(bytes).IndexOf("BADBYTE", StringComparison.Ordinal);
        bytes[offset] = 0xFF;
        File.WriteAllBytes(path, bytes);

        var (code, output) = CliProcess.Run(["notebook", "check", path], timeout: Quickly);
        Assert.True(code != 0, output);
        Assert.Contains($"{path}: invalid UTF-8 at byte offset {offset}", output);

        (code, output) = CliProcess.Run(["notebook", "run", path], timeout: Quickly);
        Assert.True(code != 0, output);
        Assert.Contains("invalid UTF-8", output);
        Assert.Equal(bytes, File.ReadAllBytes(path)); // not rewritten with U+FFFD
    }

    [Fact]
    public void AFifoIsRefusedAsANotebookAndAsAModel()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        var fifo = Mkfifo(dir, "nb.ipynb");
        foreach (var args in new[] { new[] { "notebook", "run", fifo }, ["notebook", "check", fifo], ["notebook", "export", fifo, "--html", dir.File("x.html")],
                     ["eval", "--model", fifo, "--data-dir", TestData.Directory] })
        {
            var (code, output) = CliProcess.Run(args, timeout: Quickly); // used to block forever in open(2)
            Assert.True(code != 0, output);
            Assert.Contains(fifo, output);
            Assert.Contains("not a regular file", output);
            Assert.DoesNotContain("   at ", output);
        }
    }

    [Fact]
    public void ADataFileLinkedToDevZeroIsRefusedBeforeReading()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        var link = dir.File("frey-faces-idx3-ubyte.gz");
        File.CreateSymbolicLink(link, "/dev/zero");
        var e = Assert.Throws<DataFileException>(() => DataFiles.RequireRegularFile(link));
        Assert.Contains(link, e.Message);
        Assert.Contains("not a regular file", e.Message);
    }

    [Fact]
    public void AForegroundThreadStartedByACellDoesNotKeepTheRunnerAlive()
    {
        using var dir = new TempDir();
        var path = NotebookWithMarkdown(dir, "# threads",
            "new System.Threading.Thread(() => System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite)) { IsBackground = false }.Start();");
        var (code, output) = CliProcess.Run(["notebook", "run", path], timeout: TimeSpan.FromMinutes(2));
        Assert.True(code == 0, output);
        Assert.Contains("1 code cell(s) ran", output);
    }

    [Fact]
    public void ANumberAsCellSourceIsRejected()
    {
        using var dir = new TempDir();
        var path = dir.File("n.ipynb");
        File.WriteAllText(path, "{\"cells\": [{\"cell_type\": \"code\", \"execution_count\": null, \"metadata\": {}, \"outputs\": [], \"source\": 42}], " +
                                "\"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 2}");
        var (code, output) = CliProcess.Run(["notebook", "run", path], timeout: Quickly);
        Assert.True(code != 0, output);
        Assert.Contains($"{path}: cell 1: \"source\" must be a string or an array of strings", output);
    }

    [Fact]
    public void ContradictoryOrImpossibleOptionsAreRefused()
    {
        var (code, output) = CliProcess.Run(["reproduce", "fig2", "--charts-only", "--list-runs"], timeout: Quickly);
        Assert.True(code != 0, output);
        Assert.Contains("--list-runs and --charts-only", output);

        using var dir = new TempDir();
        (code, output) = CliProcess.Run(["train", "--dataset", "frey", "--eval-train", "99999999", "--data-dir", TestData.Directory, "--out", dir.File("r")], timeout: Quickly);
        Assert.True(code == 1, output);
        Assert.Contains("--eval-train 99999999 is more than the 1775 training points of frey", output);

        (code, output) = CliProcess.Run(["train", "--dataset", "frey", "--hidden", "2000000000", "--data-dir", TestData.Directory, "--out", dir.File("r")], timeout: Quickly);
        Assert.True(code == 1, output);
        Assert.Contains("A 560-2000000000-10 model is too large", output); // Frey Face's 560 pixels, not MNIST's 784
    }

    [SkippableFact]
    public void BenchStopsOnTheFirstSigint()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "signals");
        Skip.If(ParallelInterruptTests.SigIntIgnored(), "SIGINT is ignored in this process (started in the background by a script)");
        var (code, output) = SignalTests.RunAndSignal(["bench", "--model", "fig3", "--steps", "100000000", "--data-dir", TestData.Directory], "engine:", signal: "INT");
        Assert.True(code == 130, output); // ended by the signal, instead of "stopping and saving..." and running on
        Assert.DoesNotContain("stopping and saving", output);
    }

    [SkippableFact]
    public void AnInterruptionDuringTheStepSizeTrialsDoesNotClaimACheckpoint()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "signals");
        using var dir = new TempDir();
        // SIGTERM right after the run's header: inside the trials (three candidates trained to 10,000 samples each).
        var (code, output) = SignalTests.RunAndSignal(["reproduce", "fig2", "--dataset", "frey", "--latent", "2", "--method", "aevb", "--quick",
            "--no-charts", "--data-dir", TestData.Directory, "--out", dir.Path], "[1/1]");
        Assert.True(code == 130, output);
        Assert.Contains("nothing saved", output);
        Assert.DoesNotContain("checkpoint saved", output);
        Assert.False(File.Exists(Path.Combine(dir.Path, "fig2", "frey-h200-z2-aevb", FigureRun.CheckpointFile)));
    }

    [Fact]
    public void ALockedRunFolderNamesTheProcessHoldingIt()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        string[] args = ["train", "--dataset", "frey", "--hidden", "20", "--latent", "2", "--samples", "1e8", "--data-dir", TestData.Directory, "--out", dir.File("run")];
        var start = new System.Diagnostics.ProcessStartInfo(CliProcess.Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CliProcess.Dll }.Concat(args)) start.ArgumentList.Add(a);
        using var first = new System.Diagnostics.Process { StartInfo = start };
        var started = new ManualResetEventSlim();
        first.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("Training a", StringComparison.Ordinal) == true) started.Set(); };
        first.Start();
        first.BeginOutputReadLine();
        first.BeginErrorReadLine();
        try
        {
            Assert.True(started.Wait(TimeSpan.FromMinutes(2)), "the first run never started training");
            var (code, output) = CliProcess.Run(args, timeout: Quickly);
            Assert.True(code == 1, output);
            Assert.Contains($"is in use by another `aevb train` (process {first.Id})", output); // .NET's shared read lock hid the pid before
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            first.WaitForExit();
        }
    }

    [Fact]
    public void AReproduceRunRefusedByItsLockSaysNothingOfResuming()
    {
        using var dir = new TempDir();
        string[] Args(string samples) => ["reproduce", "fig2", "--dataset", "frey", "--latent", "2", "--method", "aevb", "--quick", "--samples", samples,
            "--lr", "0.05", "--no-charts", "--data-dir", TestData.Directory, "--out", dir.Path];
        var (code, output) = CliProcess.Run(Args("1000"), timeout: Quickly);
        Assert.True(code == 0, output);
        var folder = Path.Combine(dir.Path, "fig2", "frey-h200-z2-aevb");
        Assert.True(File.Exists(Path.Combine(folder, FigureRun.CheckpointFile)), "the completed run keeps its final checkpoint to extend from");

        // Asked for more while another process holds the folder: refused, and no line says it resumes (the queue of
        // results/run-long.sh meets this for every run the other lane holds).
        using (Aevb.IO.DirectoryLock.Acquire(folder, "this test"))
        {
            (code, output) = CliProcess.Run(Args("2000"), timeout: Quickly);
            Assert.True(code == 1, output);
            Assert.Contains($"is in use by another run of frey-h200-z2-aevb (process {Environment.ProcessId})", output);
            Assert.DoesNotContain("resuming", output);
        }

        (code, output) = CliProcess.Run(Args("2000"), timeout: Quickly);
        Assert.True(code == 0, output);
        Assert.Contains("[1/1] frey-h200-z2-aevb: 2,000 samples (resuming from its checkpoint at 1,000)", output);
    }

    [Fact]
    public void StaleWorkerProgressFilesAreRemovedOnTheNextRun()
    {
        using var dir = new TempDir();
        // A pid above Linux's default pid_max (4194304) is never a live process.
        var stale = Path.Combine(Path.GetTempPath(), $"aevb-worker-4194999-{Guid.NewGuid():N}.txt");
        File.WriteAllText(stale, "cell 1");
        var (code, output) = CliProcess.Run(["notebook", "run", NotebookWithMarkdown(dir, "# x")], timeout: TimeSpan.FromMinutes(2));
        Assert.True(code == 0, output);
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public void ARunMarkedCompletedWithoutItsRowsIsDetected()
    {
        using var dir = new TempDir();
        var settings = new RunSettings
        {
            Method = RunMethod.Aevb, Dataset = "frey", Hidden = 20, Latent = 2, Samples = 2000, FirstEvaluation = 1000,
            EvaluationsPerDecade = 1, TrainEvaluationSize = 300, TestEvaluationSize = 100, LearningRate = 0.02f,
        };
        var data = RunData.Load("frey", TestData.Directory);
        Assert.Equal(RunOutcome.Completed, new FigureRun(settings, dir.Path, "fig2").Run(data).Outcome);
        var log = dir.File(FigureRun.LogFile);
        File.WriteAllLines(log, File.ReadAllLines(log).Take(2)); // the header and the row at 1000: the row at 2000 is gone
        var run = new FigureRun(settings, dir.Path, "fig2");
        Assert.False(run.IsDone);
        var e = Assert.Throws<InvalidDataException>(() => run.Run(data));
        Assert.Contains(log, e.Message);
        Assert.Contains("ends at 1000", e.Message);
    }
}
