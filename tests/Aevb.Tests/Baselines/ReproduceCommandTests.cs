using Aevb.Cli.Commands;
using Aevb.Tests.Data;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

/// <summary><c>aevb reproduce</c> end to end at its quick settings, cut to one evaluation per run by <c>--samples</c>.</summary>
public class ReproduceCommandTests
{
    private static Task<int> Run(params string[] args) => ReproduceCommand.Create().Parse(args).InvokeAsync();

    /// <summary>The chart page with the JSON's \uXXXX escapes (e.g. of &lt;) undone.</summary>
    private static string Html(string path) => System.Text.RegularExpressions.Regex.Unescape(File.ReadAllText(path));

    [Fact]
    public async Task Figure3QuickRunsAllThreeMethodsChartsThemAndSkipsThemTheSecondTime()
    {
        using var dir = new TempDir();
        Assert.Equal(0, await Run("fig3", "--quick", "--samples", "1000", "--ntrain", "1000", "--out", dir.Path, "--data-dir", TestData.Directory));
        var results = FigureResults.Load(Path.Combine(dir.Path, "fig3"));
        Assert.Equal([RunMethod.Aevb, RunMethod.WakeSleep, RunMethod.MonteCarloEm], results.Select(r => r.Settings.Method));
        Assert.All(results, r =>
        {
            Assert.True(r.Completed);
            Assert.Equal([1000L], r.Log.Samples);
            Assert.True(double.IsFinite(r.Log.Column("test_log_px")[0]));
            Assert.True(double.IsFinite(r.Log.Column("test_log_px_fit")[0]));
            Assert.Equal(1000, r.Settings.TrainCount);
        });
        var html = Html(Path.Combine(dir.Path, "fig3", "figure3.html"));
        Assert.Contains("MCEM (test)", html);
        Assert.Contains("N<sub>train</sub> = 1000", html);
        Assert.Contains("importance sampling from the fitted q", Html(Path.Combine(dir.Path, "fig3", "figure3-importance.html")));

        var before = results.Select(r => File.GetLastWriteTimeUtc(Path.Combine(r.Directory, FigureRun.LogFile))).ToArray();
        Assert.Equal(0, await Run("fig3", "--quick", "--samples", "1000", "--ntrain", "1000", "--out", dir.Path, "--data-dir", TestData.Directory));
        Assert.Equal(before, results.Select(r => File.GetLastWriteTimeUtc(Path.Combine(r.Directory, FigureRun.LogFile))));
    }

    [Fact]
    public async Task Figure2QuickWritesOnePanelPerLatentSize()
    {
        using var dir = new TempDir();
        Assert.Equal(0, await Run("fig2", "--quick", "--samples", "1000", "--latent", "2,3", "--out", dir.Path, "--data-dir", TestData.Directory));
        var results = FigureResults.Load(Path.Combine(dir.Path, "fig2"));
        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.Equal(500, r.Settings.Hidden));
        var html = Html(Path.Combine(dir.Path, "fig2", "figure2.html"));
        Assert.Contains("N<sub>z</sub> = 2", html);
        Assert.Contains("N<sub>z</sub> = 3", html);
        Assert.Contains("Wake-Sleep (train)", html);
    }

    /// <summary>The Frey Face ablation options reach run.json and the model the run trains.</summary>
    [Fact]
    public async Task FreyFaceDecoderAndSplitOptionsAreRunSettings()
    {
        using var dir = new TempDir();
        Assert.Equal(0, await Run("fig2", "--dataset", "frey", "--quick", "--samples", "1000", "--latent", "2",
            "--method", "aevb", "--gaussian-mean", "linear", "--gaussian-variance", "softplus", "--frey-split", "tail",
            "--lr", "0.01",
            "--out", dir.Path, "--data-dir", TestData.Directory));
        var run = Assert.Single(FigureResults.Load(Path.Combine(dir.Path, "fig2")));
        Assert.Equal(global::Aevb.Models.GaussianMean.Linear, run.Settings.GaussianMean);
        Assert.Equal(global::Aevb.Models.GaussianVariance.Softplus, run.Settings.GaussianVariance);
        Assert.Equal(global::Aevb.Data.FreySplit.Tail, run.Settings.FreySplit);
        Assert.True(double.IsFinite(run.Log.Column("test_bound")[^1]));
        Assert.NotEqual(0, await Run("fig2", "--dataset", "frey", "--frey-split", "diagonal", "--out", dir.Path));
        Assert.Contains("--gaussian-variance softplus", ProtocolOptions.Arguments(new FigureProtocol
        {
            GaussianVariance = global::Aevb.Models.GaussianVariance.Softplus,
        }));
        Assert.Contains("--mcem-target-acceptance 0.65", ProtocolOptions.Arguments(new FigureProtocol { McemTargetAcceptance = 0.65f }));
        Assert.NotEqual(0, await Run("fig3", "--mcem-target-acceptance", "1.5", "--out", dir.Path));
    }

    [Fact]
    public async Task MethodOptionRunsOnlyThoseMethodsAndTheChartKeepsTheOthers()
    {
        using var dir = new TempDir();
        Assert.Equal(0, await Run("fig2", "--quick", "--samples", "1000", "--latent", "2", "--out", dir.Path, "--data-dir", TestData.Directory));
        var ws = Path.Combine(dir.Path, "fig2", "mnist-h500-z2-wakesleep", FigureRun.LogFile);
        var wsWritten = File.GetLastWriteTimeUtc(ws);

        // AEVB alone carried on to 2000 samples; wake-sleep untouched but still charted.
        Assert.Equal(0, await Run("fig2", "--quick", "--samples", "2000", "--latent", "2", "--method", "aevb", "--out", dir.Path, "--data-dir", TestData.Directory));
        var results = FigureResults.Load(Path.Combine(dir.Path, "fig2"));
        Assert.Equal(2000L, results.Single(r => r.Settings.Method == RunMethod.Aevb).Log.LastSamples);
        Assert.Equal(1000L, results.Single(r => r.Settings.Method == RunMethod.WakeSleep).Log.LastSamples);
        Assert.Equal(wsWritten, File.GetLastWriteTimeUtc(ws));
        var html = Html(Path.Combine(dir.Path, "fig2", "figure2.html"));
        Assert.Contains("AEVB (train)", html);
        Assert.Contains("Wake-Sleep (train)", html);

        // Asked for fewer samples than it has, the AEVB run is done, not redone or refused.
        var aevb = Path.Combine(dir.Path, "fig2", "mnist-h500-z2-aevb", FigureRun.LogFile);
        var aevbWritten = File.GetLastWriteTimeUtc(aevb);
        Assert.Equal(0, await Run("fig2", "--quick", "--samples", "1000", "--latent", "2", "--out", dir.Path, "--data-dir", TestData.Directory));
        Assert.Equal(aevbWritten, File.GetLastWriteTimeUtc(aevb));

        // Another latent size alone: the chart keeps the N_z = 2 panel.
        Assert.Equal(0, await Run("fig2", "--quick", "--samples", "1000", "--latent", "3", "--method", "aevb", "--out", dir.Path, "--data-dir", TestData.Directory));
        html = Html(Path.Combine(dir.Path, "fig2", "figure2.html"));
        Assert.Contains("N<sub>z</sub> = 2", html);
        Assert.Contains("N<sub>z</sub> = 3", html);
    }

    [Fact]
    public async Task BadArgumentsAndMissingDataFailCleanly()
    {
        using var dir = new TempDir();
        Assert.NotEqual(0, await Run("fig2", "--latent", "3,x", "--out", dir.Path));
        Assert.NotEqual(0, await Run("fig2", "--samples", "0", "--out", dir.Path));
        Assert.NotEqual(0, await Run("fig2", "--dataset", "cifar", "--out", dir.Path));
        Assert.NotEqual(0, await Run("fig2", "--method", "mcem", "--out", dir.Path)); // Figure 2 has no MCEM
        Assert.NotEqual(0, await Run("fig3", "--method", "aevb,em", "--out", dir.Path));
        using var empty = new TempDir();
        Assert.Equal(1, await Run("fig3", "--quick", "--samples", "1000", "--out", dir.Path, "--data-dir", empty.Path));
        // Nothing was trained, so no run folder claims to be complete.
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "fig3")) && Directory.GetDirectories(Path.Combine(dir.Path, "fig3")).Any(FigureRun.IsCompleted));
    }

    [Fact]
    public async Task ListedRunsRunUnderGnuParallelAndChartsOnlyDrawsThem()
    {
        using var dir = new TempDir();
        var args = new[] { "fig2", "--quick", "--samples", "1000", "--latent", "2", "--out", dir.Path, "--data-dir", TestData.Directory, "--lr", "0.05", "--init-std", "0.05" };
        // The listing comes from the command line itself, as a user would run it (a child process: no shared Console).
        var cli = typeof(ReproduceCommand).Assembly.Location;
        var lister = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", [cli, "reproduce", .. args, "--list-runs"])
        {
            RedirectStandardOutput = true,
        })!;
        var listing = await lister.StandardOutput.ReadToEndAsync();
        await lister.WaitForExitAsync();
        Assert.Equal(0, lister.ExitCode);
        var commands = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, commands.Length);
        Assert.All(commands, c => Assert.Contains("--lr 0.05 --init-std 0.05 --no-charts", c));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "fig2")), "--list-runs runs nothing");

        var list = Path.Combine(dir.Path, "runs.txt");
        File.WriteAllText(list, listing);
        var parallel = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("parallel", ["-j", "2", "--halt", "now,fail=1", "-a", list])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start GNU parallel (Debian package 'parallel'; test.sh installs it)");
        var stderr = parallel.StandardError.ReadToEndAsync();
        var stdout = await parallel.StandardOutput.ReadToEndAsync();
        await parallel.WaitForExitAsync();
        Assert.True(parallel.ExitCode == 0, $"parallel exited {parallel.ExitCode}: {stdout}\n{await stderr}");
        Assert.False(File.Exists(Path.Combine(dir.Path, "fig2", "figure2.html")), "per-run commands draw no chart");
        Assert.All(FigureResults.Load(Path.Combine(dir.Path, "fig2")), r => Assert.True(r.Completed && r.Settings.InitStd == 0.05f));

        Assert.Equal(0, await Run([.. args, "--charts-only"]));
        Assert.Contains("Wake-Sleep (train)", Html(Path.Combine(dir.Path, "fig2", "figure2.html")));
    }
}
