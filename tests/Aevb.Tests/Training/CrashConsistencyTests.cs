using Aevb.Tests.Data;
using Aevb.Training;
using Aevb.Training.Runs;

namespace Aevb.Tests.Training;

/// <summary>
/// Fault injection (issue 20, "Losing work" 1): a real <c>aevb</c> process is killed at each rename(2) it makes in
/// turn (strace's syscall tampering), or writes into a full filesystem, and the next run must resume from the last
/// complete checkpoint, never refuse the folder or mix a model with another save's optimiser state.
/// </summary>
public class CrashConsistencyTests
{
    private static void SkipUnlessStrace()
        => Skip.IfNot(OperatingSystem.IsLinux() && CliProcess.OnPath("strace"), "needs Linux and strace (apt-get install -y strace)");

    private static string[] Train(string dir) =>
        ["train", "--dataset", "frey", "--hidden", "20", "--latent", "2", "--samples", "12000", "--eval-train", "500",
         "--data-dir", TestData.Directory, "--out", dir];

    /// <summary>Evaluations (and saves) at 10,000 and 15,900 samples, with the step-size trials before the first.</summary>
    private static string[] Reproduce(string dir) =>
        ["reproduce", "fig2", "--dataset", "frey", "--latent", "2", "--method", "aevb", "--quick", "--samples", "15900", "--no-charts",
         "--data-dir", TestData.Directory, "--out", dir];

    private static void AssertNoLeftovers(string dir)
    {
        var names = Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ToArray();
        Assert.DoesNotContain(names, n => n!.EndsWith(".tmp", StringComparison.Ordinal) || n is ".pending" or ".commit");
    }

    [SkippableFact]
    public void TrainResumesAfterAKillAtEveryRename()
    {
        SkipUnlessStrace();
        using var work = new TempDir();
        var trace = work.File("renames.txt");
        var (code, output) = CliProcess.Run(Train(work.File("straight")), CliProcess.KillAtRename(0, trace));
        Assert.True(code == 0, output);
        var renames = CliProcess.Renames(trace);
        Assert.True(renames >= 9, $"{renames} renames:\n{File.ReadAllText(trace)}");

        for (var n = 1; n <= renames; n++)
        {
            var dir = work.File($"kill-{n}");
            var (killed, killedOutput) = CliProcess.Run(Train(dir), CliProcess.KillAtRename(n));
            Assert.True(killed != 0, $"rename {n}: the run was not killed\n{killedOutput}");
            var (resumed, resumedOutput) = CliProcess.Run(Train(dir));
            Assert.True(resumed == 0, $"killed at rename {n} of {renames}, the next run failed:\n{resumedOutput}");
            Assert.Equal(12_000, Checkpoint.Load(Path.Combine(dir, "model.safetensors")).Info.SamplesSeen);
            Assert.Equal(12_000, LearnerCheckpoint.SamplesSeen(Path.Combine(dir, LearnerCheckpoint.FileName)));
            Assert.Equal([10_000L, 12_000L], TrainingLog.ReadCsv(Path.Combine(dir, "log.csv")).Entries.Select(e => e.Samples));
            AssertNoLeftovers(dir);
        }
    }

    [SkippableFact]
    public void AFigureRunKilledAtEveryRenameResumesToTheSameNumbers()
    {
        SkipUnlessStrace();
        using var work = new TempDir();
        var trace = work.File("renames.txt");
        var (code, output) = CliProcess.Run(Reproduce(work.File("straight")), CliProcess.KillAtRename(0, trace));
        Assert.True(code == 0, output);
        var renames = CliProcess.Renames(trace);
        var runName = Directory.GetDirectories(Path.Combine(work.File("straight"), "fig2")).Single();
        var expected = RunLog.ReadCsv(Path.Combine(runName, FigureRun.LogFile));
        Assert.Equal([10_000L, 15_900L], expected.Samples);

        for (var n = 1; n <= renames; n++)
        {
            var dir = work.File($"kill-{n}");
            var (killed, killedOutput) = CliProcess.Run(Reproduce(dir), CliProcess.KillAtRename(n));
            Assert.True(killed != 0, $"rename {n}: the run was not killed\n{killedOutput}");
            var (resumed, resumedOutput) = CliProcess.Run(Reproduce(dir));
            Assert.True(resumed == 0, $"killed at rename {n} of {renames}, the next run failed:\n{resumedOutput}");
            var runDir = Path.Combine(dir, "fig2", Path.GetFileName(runName));
            Assert.True(FigureRun.IsCompleted(runDir), resumedOutput);
            var log = RunLog.ReadCsv(Path.Combine(runDir, FigureRun.LogFile));
            Assert.Equal(expected.Samples, log.Samples);
            foreach (var metric in expected.Metrics)
                Assert.True(expected.Column(metric).SequenceEqual(log.Column(metric)), $"killed at rename {n}: {metric} differs\n{resumedOutput}");
            Assert.NotNull(FigureRun.ReadInfo(Path.Combine(runDir, FigureRun.InfoFile))["learning_rate_selection"]);
            AssertNoLeftovers(runDir);
        }
    }

    /// <summary>
    /// A filesystem that fills up during a save: the save fails with one line, the folder keeps the save before it
    /// (nothing half-written left), and the run resumes from that one once there is room.
    /// </summary>
    [SkippableFact]
    public void AFullFilesystemKeepsThePreviousCheckpoint()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs Linux and root to mount a small tmpfs");
        using var work = new TempDir();
        var mount = work.File("small");
        Directory.CreateDirectory(mount);
        // One save of this model (~430 KB: model.safetensors, and checkpoint.safetensors with the parameters again and
        // Adagrad's sums) fits, a second one staged beside it does not.
        var (mounted, mountOutput) = Shell($"mount -t tmpfs -o size=650k tmpfs '{mount}'");
        Skip.If(mounted != 0, $"cannot mount a tmpfs here: {mountOutput}");
        try
        {
            var dir = Path.Combine(mount, "run");
            var first = Train(dir).Select(a => a == "12000" ? "10000" : a).ToArray();
            var (code, output) = CliProcess.Run(first);
            Assert.True(code == 0, output);

            (code, output) = CliProcess.Run(Train(dir)); // to 12,000: its save does not fit
            Assert.True(code == 1, output);
            Assert.Contains(dir, output);
            Assert.DoesNotContain("   at ", output);
            AssertNoLeftovers(dir);
            Assert.Equal(10_000, Checkpoint.Load(Path.Combine(dir, "model.safetensors")).Info.SamplesSeen);
            Assert.Equal(10_000, LearnerCheckpoint.SamplesSeen(Path.Combine(dir, LearnerCheckpoint.FileName)));

            var copy = work.File("copy");
            Directory.CreateDirectory(copy);
            foreach (var f in Directory.GetFiles(dir)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
            (code, output) = CliProcess.Run(Train(copy));
            Assert.True(code == 0, output);
            Assert.Contains("Resuming", output);
            Assert.Equal(12_000, Checkpoint.Load(Path.Combine(copy, "model.safetensors")).Info.SamplesSeen);
        }
        finally
        {
            Shell($"umount '{mount}'");
        }
    }

    private static (int Code, string Output) Shell(string command)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
