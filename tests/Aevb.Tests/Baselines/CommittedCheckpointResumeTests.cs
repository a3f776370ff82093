using System.Text.Json.Nodes;
using Aevb.Tests.Data;
using Aevb.Training;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

/// <summary>
/// Issue 17's constraint: every kind of checkpoint committed under <c>results/</c> (AEVB, wake-sleep and MCEM; Figure 2
/// and Figure 3) resumes after the restructuring to the numbers it resumed to before it. Each is copied into a
/// temporary folder, carried 1000 samples (10 steps) further with cheap evaluation settings, and compared with
/// the values the code before the change (git 9eee9c3) computed the same way: the size of the update to the
/// parameters and to the optimiser state, and the evaluation logged at the end. Relative tolerances, because sums
/// run in another order on another ISA.
/// </summary>
public class CommittedCheckpointResumeTests
{
    /// <summary>The revision whose committed checkpoints the references were computed from: the runs under
    /// <c>results/</c> keep growing (hourly commits), so the test reads these files as they were then.</summary>
    private const string Revision = "9eee9c312614d4725d2423f3ba5a6b3408806afe";

    [SkippableTheory]
    [InlineData("fig2/frey-h200-z2-aevb")]
    [InlineData("fig2/frey-h200-z2-wakesleep")]
    [InlineData("fig3/mnist-n1000-h100-z3-aevb")]
    [InlineData("fig3/mnist-n1000-h100-z3-wakesleep")]
    [InlineData("fig3/mnist-n1000-h100-z3-mcem")]
    public void ResumesToTheNumbersOfTheCodeBeforeTheChange(string run)
    {
        using var dir = new TempDir();
        foreach (var f in new[] { FigureRun.InfoFile, FigureRun.LogFile, FigureRun.CheckpointFile })
            Skip.IfNot(RepoRoot.CopyFromHistory(Revision, $"results/{run}/{f}", dir.File(f)),
                $"git history with {Revision[..7]} is not available here (a shallow clone or an archive)");
        var from = SafeTensors.Read(dir.File(FigureRun.CheckpointFile));
        var settings = CheapContinuation(dir.File(FigureRun.InfoFile), from.Integer("samples_seen") + 1000);
        var data = RunData.Load(settings.Dataset, TestData.Directory);

        var result = new FigureRun(settings, dir.Path, run[..4]).Run(data);

        Assert.Equal(RunOutcome.Completed, result.Outcome);
        Assert.Equal(settings.Samples - 1000, result.ResumedFrom);
        var to = SafeTensors.Read(dir.File(FigureRun.CheckpointFile));
        var log = RunLog.ReadCsv(dir.File(FigureRun.LogFile));
        Assert.Equal(settings.Samples, log.LastSamples);
        var expected = Reference[run];
        AssertClose(expected["model.update_norm"], UpdateNorm(from, to, "model."), 1e-3, "model.update_norm");
        AssertClose(expected["state.update_norm"], UpdateNorm(from, to, "state."), 1e-3, "state.update_norm");
        // A standard error over 10 HMC-estimated points moves most between ISAs (one accept/reject decision flips with
        // the last bits: 0.2-0.4% on AVX-512 against these AVX2 references), the estimates themselves within 1e-4.
        foreach (var metric in log.Metrics)
            AssertClose(expected[metric], log.Column(metric)[^1], metric.EndsWith("_se", StringComparison.Ordinal) ? 2e-2 : 1e-4, metric);
    }

    /// <summary>
    /// The run's own run.json, asking for <paramref name="samples"/> and evaluating on a few points only (the
    /// training steps do not depend on the evaluation settings): a run in progress, so it resumes rather than extends.
    /// </summary>
    private static RunSettings CheapContinuation(string infoPath, long samples)
    {
        var info = FigureRun.ReadInfo(infoPath);
        var json = (JsonObject)info["settings"]!;
        json["samples"] = samples;
        json["train_evaluation_size"] = 500;
        json["test_evaluation_size"] = 500;
        json["marginal_points"] = 10;
        json["hmc_warmup"] = 20;
        json["importance_samples"] = 100;
        info["status"] = "running";
        File.WriteAllText(infoPath, info.ToJsonString());
        return RunSettings.FromJson(json, infoPath);
    }

    private static double UpdateNorm(SafeTensorsFile from, SafeTensorsFile to, string prefix)
    {
        double sum = 0;
        foreach (var t in to.Tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var old = from.Find(t.Name)!.Data;
            for (var i = 0; i < old.Length; i++) sum += Math.Pow(t.Data[i] - (double)old[i], 2);
        }
        return Math.Sqrt(sum);
    }

    private static void AssertClose(double expected, double actual, double relative, string what)
    {
        if (double.IsNaN(expected))
            Assert.True(double.IsNaN(actual), $"{what}: expected empty, got {actual}");
        else
            Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");
    }

    // Computed by this test's first version against the code before issue 17's restructuring (git 9eee9c3, AVX2).
    private static readonly Dictionary<string, Dictionary<string, double>> Reference = new()
    {
        ["fig2/frey-h200-z2-aevb"] = new()
        {
            ["model.update_norm"] = 0.03365145067776103,
            ["state.update_norm"] = 91647035764.77914,
            ["test_bound"] = 825.3676577919408,
            ["train_bound"] = 906.8232338256836,
        },
        ["fig2/frey-h200-z2-wakesleep"] = new()
        {
            ["model.update_norm"] = 0.04740633521204969,
            ["state.update_norm"] = 7037535348.0034275,
            ["test_bound"] = 563.4512682262219,
            ["train_bound"] = 607.0438741846085,
        },
        ["fig3/mnist-n1000-h100-z3-aevb"] = new()
        {
            ["model.update_norm"] = 0.10087863370611315,
            ["state.update_norm"] = 4480510023.656615,
            ["test_bound"] = -186.2249870300293,
            ["test_log_px"] = -139.28074902528058,
            ["test_log_px_fit"] = -137.8038740740469,
            ["test_log_px_is"] = -172.09345384449344,
            ["test_log_px_se"] = 0.11473975028799051,
            ["train_bound"] = -106.15156364440918,
            ["train_log_px"] = -108.18070670388529,
            ["train_log_px_fit"] = -105.91827142445092,
            ["train_log_px_is"] = -106.05414724881273,
            ["train_log_px_se"] = 0.08124806146038674,
        },
        ["fig3/mnist-n1000-h100-z3-mcem"] = new()
        {
            ["model.update_norm"] = 0.3160466959208323,
            ["state.update_norm"] = 22006134.47281875,
            ["test_bound"] = double.NaN,
            ["test_log_px"] = -134.99355452058163,
            ["test_log_px_fit"] = -135.07597454306173,
            ["test_log_px_is"] = double.NaN,
            ["test_log_px_se"] = 0.040068928570729044,
            ["train_bound"] = double.NaN,
            ["train_log_px"] = -98.54024876607284,
            ["train_log_px_fit"] = -98.60692963216252,
            ["train_log_px_is"] = double.NaN,
            ["train_log_px_se"] = 0.03447169093077156,
        },
        ["fig3/mnist-n1000-h100-z3-wakesleep"] = new()
        {
            ["model.update_norm"] = 0.11769234074322996,
            ["state.update_norm"] = 190722817.87293878,
            ["test_bound"] = -151.9112777709961,
            ["test_log_px"] = -135.84759798319936,
            ["test_log_px_fit"] = -135.975716176583,
            ["test_log_px_is"] = -141.99591643899507,
            ["test_log_px_se"] = 0.038564891749659255,
            ["train_bound"] = -120.17613906860352,
            ["train_log_px"] = -114.37685265878308,
            ["train_log_px_fit"] = -114.40484673834524,
            ["train_log_px_is"] = -114.43657490003265,
            ["train_log_px_se"] = 0.028204014546276447,
        },
    };
}
