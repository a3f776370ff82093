using Aevb.Cli.Commands;
using Aevb.Tests.Data;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

/// <summary>
/// IWAE, registered in the library as one learner file and one <see cref="MethodRegistry"/> entry, runs through the
/// same figure harness as the paper's methods: its option names the folder, run.json records it, and the run learns.
/// </summary>
public class IwaeRunTests
{
    private static async Task<FigureRunResult> RunAsync(string outDir, string k)
    {
        var code = await ReproduceCommand.Create().Parse(["fig2", "--dataset", "frey", "--latent", "2", "--method", "iwae",
            "--k", k, "--quick", "--samples", "20000", "--lr", "0.02", "--out", outDir, "--data-dir", TestData.Directory,
            "--no-charts"]).InvokeAsync();
        Assert.Equal(0, code);
        return Assert.Single(FigureResults.Load(Path.Combine(outDir, "fig2")));
    }

    [Fact]
    public async Task IwaeRunsThroughReproduceNamedByItsKAndLearns()
    {
        using var dir = new TempDir();
        var run = await RunAsync(dir.Path, "5");

        Assert.Equal("frey-h200-z2-iwae-k5", run.Settings.Name);
        Assert.Equal(5, run.Settings.MethodOption("k"));
        var test = run.Log.Column("test_bound");
        Assert.True(test.Length >= 2, $"{test.Length} evaluations");
        Assert.True(test[^1] > test[0] + 10, $"test bound {test[0]:F1} → {test[^1]:F1}");
    }

    [Fact]
    public async Task KChangesTheTraining()
    {
        using var one = new TempDir();
        using var five = new TempDir();
        var k1 = (await RunAsync(one.Path, "1")).Log.Column("train_bound")[^1];
        var k5 = (await RunAsync(five.Path, "5")).Log.Column("train_bound")[^1];
        Assert.NotEqual(k1, k5);
    }
}
