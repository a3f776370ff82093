using Aevb.Data;
using Aevb.Models;
using System.Text.Json.Nodes;
using Aevb.Tests.Data;
using Aevb.Training;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

public class FigureRunTests
{
    private static readonly Lazy<RunData> s_mnist = new(() => RunData.Load("mnist", TestData.Directory));

    /// <summary>A run small enough for a test: 500 training digits, a 784-20-2 model, 3000 samples.</summary>
    private static RunSettings Tiny(string method, RunEvaluation evaluation = RunEvaluation.MarginalLikelihood) => new()
    {
        Method = method,
        Dataset = "mnist",
        Hidden = 20,
        Latent = 2,
        TrainCount = 500,
        Samples = 3000,
        Evaluation = evaluation,
        FirstEvaluation = 300,
        EvaluationsPerDecade = 4,
        CheckpointInterval = 1000,
        TrainEvaluationSize = 300,
        TestEvaluationSize = 300,
        MarginalPoints = 5,
        HmcSamples = 20,
        HmcChains = 4,
        HmcWarmup = 30,
        ImportanceSamples = 20,
        LearningRate = 0.05f,
    };

    /// <summary>Reports synchronously (unlike <see cref="Progress{T}"/>), so a test can cancel at an exact point.</summary>
    private sealed class Callback(Action<RunProgress> action) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => action(value);
    }

    [Fact]
    public void WritesLogRunInfoAndAModelAndSkipsWhenDone()
    {
        using var dir = new TempDir();
        var settings = Tiny(RunMethod.Aevb, RunEvaluation.LowerBound);
        var run = new FigureRun(settings, dir.Path, "fig2");
        var evaluationReports = new List<long>();
        var result = run.Run(s_mnist.Value, new Callback(p => { if (p.IsEvaluation) evaluationReports.Add(p.Samples); }));
        Assert.Equal(RunOutcome.Completed, result.Outcome);

        var log = RunLog.ReadCsv(run.LogPath);
        Assert.Equal(["train_bound", "test_bound"], log.Metrics);
        // Evaluations at the first multiple of M = 100 at or after each point 10^(k/4) ≥ 300, then at the end:
        // 316 → 400, 562 → 600, 1000, 1778 → 1800, 3000.
        Assert.Equal([400L, 600L, 1000L, 1800L, 3000L], log.Samples);
        // The checkpoint at 2000 is not reported as an evaluation (it would repeat 1800's numbers as 2000's).
        Assert.Equal(log.Samples, evaluationReports);
        var test = log.Column("test_bound");
        Assert.All(test, v => Assert.True(double.IsFinite(v)));
        Assert.True(test[^1] > test[0], $"test bound {test[0]:F1} → {test[^1]:F1}");

        var info = FigureRun.ReadInfo(run.InfoPath);
        Assert.Equal("completed", info["status"]!.GetValue<string>());
        Assert.Equal(3000, info["samples_seen"]!.GetValue<long>());
        Assert.Equal("fig2", info["figure"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(info["git_revision"]!.GetValue<string>()));
        Assert.True(info["machine"]!["cores"]!.GetValue<int>() > 0);
        Assert.True(info["minutes_per_million_samples"]!.GetValue<double>() > 0);
        Assert.Equal(settings, RunSettings.FromJson((JsonObject)info["settings"]!, run.InfoPath));

        var model = Checkpoint.Load(Path.Combine(dir.Path, FigureRun.ModelFile));
        Assert.Equal(3000, model.Info.SamplesSeen);
        Assert.Equal(2, model.Model.LatentSize);

        var again = new FigureRun(settings, dir.Path, "fig2").Run(s_mnist.Value);
        Assert.Equal(RunOutcome.Skipped, again.Outcome);
        Assert.True(FigureRun.IsCompleted(dir.Path));
        Assert.DoesNotContain(dir.Entries(), e => e.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RunMethod.Aevb)]
    [InlineData(RunMethod.WakeSleep)]
    [InlineData(RunMethod.MonteCarloEm)]
    public void AnInterruptedRunResumesToTheSameNumbers(string method)
    {
        var settings = Tiny(method);
        using var straight = new TempDir();
        new FigureRun(settings, straight.Path, "fig3").Run(s_mnist.Value);
        var expected = RunLog.ReadCsv(Path.Combine(straight.Path, FigureRun.LogFile));

        using var broken = new TempDir();
        using var cancel = new CancellationTokenSource();
        // Stop right after the checkpoint at 2000 samples (a checkpoint-interval point, not an evaluation).
        var first = new FigureRun(settings, broken.Path, "fig3").Run(s_mnist.Value,
            new Callback(p => { if (p.Samples >= 2000) cancel.Cancel(); }), cancel.Token);
        Assert.Equal(RunOutcome.Interrupted, first.Outcome);
        Assert.Equal("running", FigureRun.ReadInfo(Path.Combine(broken.Path, FigureRun.InfoFile))["status"]!.GetValue<string>());

        var second = new FigureRun(settings, broken.Path, "fig3").Run(s_mnist.Value);
        Assert.Equal(RunOutcome.Completed, second.Outcome);
        Assert.Equal(2000, second.ResumedFrom);
        var resumed = RunLog.ReadCsv(Path.Combine(broken.Path, FigureRun.LogFile));
        Assert.Equal(expected.Samples, resumed.Samples);
        foreach (var metric in expected.Metrics)
            Assert.Equal(expected.Column(metric), resumed.Column(metric));
        Assert.Equal(1, FigureRun.ReadInfo(Path.Combine(broken.Path, FigureRun.InfoFile))["resumes"]!.GetValue<int>());

        var logPx = expected.Column("test_log_px");
        Assert.All(logPx, v => Assert.True(double.IsFinite(v)));
        Assert.True(logPx[^1] > logPx[0], $"{method}: test log p(x) {logPx[0]:F1} → {logPx[^1]:F1}");
        Assert.Equal(method != RunMethod.MonteCarloEm, expected.Column("test_log_px_is").All(double.IsFinite));
    }

    [Fact]
    public void TwoProcessesNeverShareARunFolder()
    {
        using var dir = new TempDir();
        using (Aevb.IO.DirectoryLock.Acquire(dir.Path, "a test"))
        {
            var e = Assert.Throws<Aevb.IO.DirectoryLockedException>(() => new FigureRun(Tiny(RunMethod.Aevb), dir.Path, "fig3").Run(s_mnist.Value));
            Assert.Contains("in use by", e.Message);
            Assert.False(File.Exists(Path.Combine(dir.Path, FigureRun.InfoFile)));
        }
    }

    [Fact]
    public void ACompletedRunAskedForMoreSamplesIsExtendedToTheSameNumbersAsAStraightRun()
    {
        var settings = Tiny(RunMethod.Aevb, RunEvaluation.LowerBound);
        using var straight = new TempDir();
        new FigureRun(settings, straight.Path).Run(s_mnist.Value);
        var expected = RunLog.ReadCsv(Path.Combine(straight.Path, FigureRun.LogFile));

        // 1000 is on the evaluation grid of the 3000-sample run, so the extended run evaluates at the same points.
        using var dir = new TempDir();
        var shorter = new FigureRun(settings with { Samples = 1000 }, dir.Path);
        Assert.Equal(RunOutcome.Completed, shorter.Run(s_mnist.Value).Outcome);
        var longer = new FigureRun(settings, dir.Path);
        Assert.False(longer.IsDone);
        var result = longer.Run(s_mnist.Value);
        Assert.Equal(RunOutcome.Completed, result.Outcome);
        Assert.Equal(1000, result.ResumedFrom);
        Assert.True(longer.IsDone);
        var extended = RunLog.ReadCsv(Path.Combine(dir.Path, FigureRun.LogFile));
        Assert.Equal(expected.Samples, extended.Samples);
        Assert.Equal(expected.Column("test_bound"), extended.Column("test_bound"));
        // Asking for fewer samples than a completed run has is answered by that run: skipped, nothing truncated.
        var fewer = new FigureRun(settings with { Samples = 2000 }, dir.Path);
        Assert.True(fewer.IsDone);
        Assert.Equal(RunOutcome.Skipped, fewer.Run(s_mnist.Value).Outcome);
        Assert.Equal(expected.Samples, RunLog.ReadCsv(Path.Combine(dir.Path, FigureRun.LogFile)).Samples);
    }

    [Fact]
    public void AnUnfinishedLongerRunAnswersForFewerSamplesOnceItsLogHasPassedThem()
    {
        // A run to 3000 samples stopped at its first evaluation after 1000 (four evaluations per decade from 300).
        var settings = Tiny(RunMethod.Aevb, RunEvaluation.LowerBound);
        using var dir = new TempDir();
        using var cancel = new CancellationTokenSource();
        var first = new FigureRun(settings, dir.Path).Run(s_mnist.Value, new Callback(p => { if (p.IsEvaluation && p.Samples >= 1000) cancel.Cancel(); }), cancel.Token);
        Assert.Equal(RunOutcome.Interrupted, first.Outcome);
        var reached = RunLog.ReadCsv(Path.Combine(dir.Path, FigureRun.LogFile)).LastSamples;
        Assert.InRange(reached, 1000, 2999);

        // Asked for less than its log holds: answered by it, and nothing in the folder changes.
        var before = File.ReadAllBytes(Path.Combine(dir.Path, FigureRun.CheckpointFile));
        var fewer = new FigureRun(settings with { Samples = 1000 }, dir.Path).Run(s_mnist.Value);
        Assert.Equal((RunOutcome.Skipped, reached), (fewer.Outcome, fewer.Samples));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir.Path, FigureRun.CheckpointFile)));
        Assert.Equal("running", FigureRun.ReadInfo(Path.Combine(dir.Path, FigureRun.InfoFile))["status"]!.GetValue<string>());

        // Asked for more than its log holds but less than its target: refused with the way to resume, not "delete it".
        var e = Assert.Throws<InvalidOperationException>(() => new FigureRun(settings with { Samples = 2999 }, dir.Path).Run(s_mnist.Value));
        Assert.Contains("holds an unfinished run to 3,000 samples", e.Message);
        Assert.Contains("--samples 3000", e.Message);
        Assert.DoesNotContain("delete", e.Message);

        // And the run itself resumes to its end.
        Assert.Equal(RunOutcome.Completed, new FigureRun(settings, dir.Path).Run(s_mnist.Value).Outcome);
    }

    [Fact]
    public void RefusesAFolderHoldingOtherSettings()
    {
        using var dir = new TempDir();
        var settings = Tiny(RunMethod.Aevb, RunEvaluation.LowerBound) with { Samples = 500 };
        new FigureRun(settings, dir.Path).Run(s_mnist.Value);
        var e = Assert.Throws<InvalidOperationException>(() => new FigureRun(settings with { LearningRate = 0.1f }, dir.Path).Run(s_mnist.Value));
        Assert.Contains("learning_rate", e.Message);
        Assert.Contains(dir.Path, e.Message);
    }

    [Fact]
    public void ACorruptCheckpointIsReportedWithItsPath()
    {
        using var dir = new TempDir();
        var settings = Tiny(RunMethod.Aevb, RunEvaluation.LowerBound);
        using var cancel = new CancellationTokenSource();
        new FigureRun(settings, dir.Path).Run(s_mnist.Value, new Callback(p => { if (p.IsEvaluation) cancel.Cancel(); }), cancel.Token);
        File.WriteAllBytes(Path.Combine(dir.Path, FigureRun.CheckpointFile), [1, 2, 3]);
        var e = Assert.ThrowsAny<InvalidDataException>(() => new FigureRun(settings, dir.Path).Run(s_mnist.Value));
        Assert.Contains(FigureRun.CheckpointFile, e.Message);
    }

    [Fact]
    public void FigurePlansFollowThePaper()
    {
        var fig2 = FigurePlan.Figure2("mnist", null, null, quick: false, "out");
        Assert.Equal(10, fig2.Count);
        Assert.All(fig2, r => Assert.Equal(500, r.Settings.Hidden));
        Assert.Equal([3, 5, 10, 20, 200], fig2.Select(r => r.Settings.Latent).Distinct());
        Assert.Equal([4], FigurePlan.Figure2("frey", null, null, false, "out").Select(r => r.Settings.Latent).Distinct().Count() is var c ? [c] : []);
        Assert.All(FigurePlan.Figure2("frey", null, null, false, "out"), r => Assert.Equal(200, r.Settings.Hidden));

        var fig3 = FigurePlan.Figure3(null, null, quick: true, "out");
        Assert.Equal(6, fig3.Count);
        Assert.All(fig3, r => Assert.True(r.Settings is { Hidden: 100, Latent: 3, Dataset: "mnist", Evaluation: RunEvaluation.MarginalLikelihood }));
        Assert.Equal([1000, 50000], fig3.Select(r => r.Settings.TrainCount!.Value).Distinct());
        Assert.Equal(6, fig3.Select(r => r.Directory).Distinct().Count());
    }

    [Fact]
    public void TheStepSizeIsChosenOnTheTrainingSetAtTheFirstEvaluationAndRecorded()
    {
        // Section 5: each candidate from the same initialisation up to the first evaluation point; the best
        // training-set bound wins, and the run goes on from that candidate's state.
        var settings = Tiny(RunMethod.Aevb, RunEvaluation.LowerBound) with { LearningRateCandidates = "0.001,0.05" };
        using var dir = new TempDir();
        new FigureRun(settings, dir.Path, "fig2").Run(s_mnist.Value);
        var info = FigureRun.ReadInfo(Path.Combine(dir.Path, FigureRun.InfoFile));
        var selection = (JsonObject)info["learning_rate_selection"]!;
        Assert.Equal(400, selection["trial_samples"]!.GetValue<long>());
        Assert.Equal("train_bound", selection["score"]!.GetValue<string>());
        var candidates = ((JsonArray)selection["candidates"]!).Select(c => (Rate: c!["learning_rate"]!.GetValue<float>(), Score: c["train_bound"]!.GetValue<double>())).ToList();
        Assert.Equal([0.001f, 0.05f], candidates.Select(c => c.Rate));
        var best = candidates.MaxBy(c => c.Score);
        Assert.Equal(best.Rate, selection["chosen"]!.GetValue<float>());
        Assert.Equal(0.05f, best.Rate); // 0.001 barely moves from the initialisation in 4 steps

        // The chosen candidate's run is exactly the run with that step size forced, from its first row on.
        using var forced = new TempDir();
        new FigureRun(settings with { LearningRateCandidates = null, LearningRate = best.Rate }, forced.Path, "fig2").Run(s_mnist.Value);
        var expected = RunLog.ReadCsv(Path.Combine(forced.Path, FigureRun.LogFile));
        var chosen = RunLog.ReadCsv(Path.Combine(dir.Path, FigureRun.LogFile));
        Assert.Equal(expected.Samples, chosen.Samples);
        Assert.Equal(expected.Column("train_bound"), chosen.Column("train_bound"));
        Assert.Equal(best.Score, chosen.Column("train_bound")[0]);
    }

    [Fact]
    public void ARunWithAChosenStepSizeResumesToTheSameNumbers()
    {
        var settings = Tiny(RunMethod.WakeSleep, RunEvaluation.LowerBound) with { LearningRateCandidates = "0.02,0.05" };
        using var straight = new TempDir();
        new FigureRun(settings, straight.Path).Run(s_mnist.Value);
        var expected = RunLog.ReadCsv(Path.Combine(straight.Path, FigureRun.LogFile));

        using var broken = new TempDir();
        using var cancel = new CancellationTokenSource();
        var first = new FigureRun(settings, broken.Path).Run(s_mnist.Value, new Callback(p => { if (p.Samples >= 1000 && p.IsEvaluation) cancel.Cancel(); }), cancel.Token);
        Assert.Equal(RunOutcome.Interrupted, first.Outcome);
        // run.json records the step size the run uses (the chosen one), not the settings' default; one written by an
        // older version (which recorded 0.02 whatever was chosen; 0.5 here, so the check cannot pass by chance) is
        // corrected when the run resumes.
        var infoPath = Path.Combine(broken.Path, FigureRun.InfoFile);
        var info = FigureRun.ReadInfo(infoPath);
        var chosenRate = info["learning_rate_selection"]!["chosen"]!.GetValue<float>();
        Assert.Equal(chosenRate, info["settings"]!["learning_rate"]!.GetValue<float>());
        info["settings"]!["learning_rate"] = 0.5f;
        File.WriteAllText(infoPath, info.ToJsonString());
        new FigureRun(settings, broken.Path).Run(s_mnist.Value);
        Assert.Equal(chosenRate, FigureRun.ReadInfo(infoPath)["settings"]!["learning_rate"]!.GetValue<float>());
        var resumed = RunLog.ReadCsv(Path.Combine(broken.Path, FigureRun.LogFile));
        Assert.Equal(expected.Samples, resumed.Samples);
        Assert.Equal(expected.Column("test_bound"), resumed.Column("test_bound"));
    }

    [Fact]
    public void AnnealingLowersTheStepSizeAsSamplesGrow()
    {
        var settings = Tiny(RunMethod.Aevb, RunEvaluation.LowerBound) with { AnnealSamples = 1000 };
        Assert.Equal(0.05f, settings.AnnealedRate(0.05f, 0));
        Assert.Equal(0.025f, settings.AnnealedRate(0.05f, 1000), 6);
        Assert.Equal(0.05f, (settings with { AnnealSamples = null }).AnnealedRate(0.05f, 1000));
        using var plain = new TempDir();
        using var annealed = new TempDir();
        new FigureRun(settings with { AnnealSamples = null }, plain.Path).Run(s_mnist.Value);
        new FigureRun(settings, annealed.Path).Run(s_mnist.Value);
        Assert.NotEqual(RunLog.ReadCsv(Path.Combine(plain.Path, FigureRun.LogFile)).Column("test_bound")[^1],
            RunLog.ReadCsv(Path.Combine(annealed.Path, FigureRun.LogFile)).Column("test_bound")[^1]);
    }

    [Fact]
    public void LinearEvaluationPointsFollowTheLogSpacedOnes()
    {
        var settings = Tiny(RunMethod.Aevb) with { FirstEvaluation = 100_000, EvaluationsPerDecade = 3, Samples = 10_000_000, LinearEvaluationEvery = 2_000_000 };
        Assert.Equal([100_000L, 215_443, 464_159, 1_000_000, 2_000_000, 4_000_000, 6_000_000, 8_000_000, 10_000_000], settings.EvaluationPoints());
    }

    [Fact]
    public void SettingsRoundTripThroughJsonAndEarlierRunsReadWithTheirOwnValues()
    {
        var settings = Tiny(RunMethod.MonteCarloEm) with
        {
            LearningRateCandidates = RunSettings.PaperLearningRates, AnnealSamples = 5_000_000, HmcLeapfrog = 4, LinearEvaluationEvery = 2_000_000,
            McemLeapfrog = 4, McemWeightUpdates = 1, McemChainStart = McemChainStart.Prior, WakeSleepDreamMeans = true, BinarizeMnist = true,
        };
        Assert.Equal(settings, RunSettings.FromJson(settings.ToJson(), "run.json"));
        var legacy = settings.ToJson();
        foreach (var key in new[] { "learning_rate_candidates", "anneal_samples", "hmc_leapfrog", "linear_evaluation_every", "mcem_leapfrog", "mcem_weight_updates", "mcem_chain_start", "wakesleep_dreams", "mnist_binarization" })
            legacy.Remove(key);
        var read = RunSettings.FromJson(legacy, "run.json");
        Assert.Null(read.LearningRateCandidates);
        Assert.Equal(10, read.HmcLeapfrog); // the estimator's leapfrog steps before they became a setting
        Assert.Equal((10, 5, McemChainStart.Persistent, false, false), (read.McemLeapfrog, read.McemWeightUpdates, read.McemChainStart, read.WakeSleepDreamMeans, read.BinarizeMnist));
    }

    /// <summary>The Frey Face ablations' settings round-trip through run.json as words; runs written before them
    /// read as the sigmoid mean, log σ² and our block split; on MNIST they are refused.</summary>
    [Fact]
    public void FreyFaceDecoderAndSplitSettingsRoundTripAndEarlierRunsReadAsTheProtocol()
    {
        var settings = Tiny(RunMethod.Aevb, RunEvaluation.LowerBound) with
        {
            Dataset = "frey", TrainCount = null, GaussianMean = GaussianMean.Linear,
            GaussianVariance = GaussianVariance.Softplus, FreySplit = FreySplit.Random,
        };
        settings.Validate();
        var json = settings.ToJson();
        Assert.Equal(("linear", "softplus", "random"), (json["gaussian_mean"]!.GetValue<string>(),
            json["gaussian_variance"]!.GetValue<string>(), json["frey_split"]!.GetValue<string>()));
        Assert.Equal(settings, RunSettings.FromJson(json, "run.json"));
        foreach (var key in new[] { "gaussian_mean", "gaussian_variance", "frey_split" }) json.Remove(key);
        var read = RunSettings.FromJson(json, "run.json");
        Assert.Equal((GaussianMean.Sigmoid, GaussianVariance.Logvar, FreySplit.Blocks),
            (read.GaussianMean, read.GaussianVariance, read.FreySplit));
        var mnist = Tiny(RunMethod.Aevb, RunEvaluation.LowerBound);
        var softplus = mnist with { GaussianVariance = GaussianVariance.Softplus };
        Assert.Throws<ArgumentException>(() => softplus.Validate());
        Assert.Throws<ArgumentException>(() => (mnist with { FreySplit = FreySplit.Tail }).Validate());
        // A protocol asking for them changes Frey Face runs only.
        var protocol = new FigureProtocol { GaussianMean = GaussianMean.Linear, FreySplit = FreySplit.Tail };
        Assert.Equal(mnist, protocol.Apply(mnist));
        var frey = protocol.Apply(read);
        Assert.Equal((GaussianMean.Linear, FreySplit.Tail), (frey.GaussianMean, frey.FreySplit));
    }

    [Fact]
    public void BinarizedMnistIsBinaryTheSameForTheSameSeedAndDrawnFromTheIntensities()
    {
        var grey = s_mnist.Value;
        var a = RunData.Load("mnist", TestData.Directory, binarizeSeed: 1);
        var b = RunData.Load("mnist", TestData.Directory, binarizeSeed: 1);
        Assert.All(new[] { a.Train, a.Test }, t => Assert.All(t.Data, v => Assert.True(v is 0f or 1f)));
        Assert.Equal(a.Train.Data, b.Train.Data);
        Assert.NotEqual(a.Train.Data, RunData.Load("mnist", TestData.Directory, binarizeSeed: 2).Train.Data);
        // Each pixel is on with probability equal to its intensity: the means agree to sampling error.
        var meanGrey = grey.Train.Data.Average(v => (double)v);
        var meanBinary = a.Train.Data.Average(v => (double)v);
        Assert.InRange(meanBinary - meanGrey, -0.001, 0.001);
        Assert.Throws<ArgumentException>(() => RunData.Load("frey", TestData.Directory, binarizeSeed: 1));
    }

    [Fact]
    public void McemChainsStartingFromThePriorLearnDifferently()
    {
        var settings = Tiny(RunMethod.MonteCarloEm) with { Samples = 1000 };
        using var persistent = new TempDir();
        using var prior = new TempDir();
        new FigureRun(settings, persistent.Path).Run(s_mnist.Value);
        new FigureRun(settings with { McemChainStart = McemChainStart.Prior }, prior.Path).Run(s_mnist.Value);
        Assert.NotEqual(RunLog.ReadCsv(Path.Combine(persistent.Path, FigureRun.LogFile)).Column("train_log_px")[^1],
            RunLog.ReadCsv(Path.Combine(prior.Path, FigureRun.LogFile)).Column("train_log_px")[^1]);
    }

    [Fact]
    public void McemTargetAcceptanceIsASettingThatOlderRunsReadAsTheProtocols()
    {
        var settings = Tiny(RunMethod.MonteCarloEm) with { Samples = 1000 };
        var json = (settings with { McemTargetAcceptance = 0.65f }).ToJson();
        Assert.Equal(0.65f, json["mcem_target_acceptance"]!.GetValue<float>());
        Assert.Equal(0.65f, RunSettings.FromJson(json, "run.json").McemTargetAcceptance);
        json.Remove("mcem_target_acceptance");
        Assert.Equal(0.9f, RunSettings.FromJson(json, "run.json").McemTargetAcceptance);
        Assert.Throws<ArgumentException>(() => (settings with { McemTargetAcceptance = 1f }).Validate());
        Assert.Equal(0.65f, new FigureProtocol { McemTargetAcceptance = 0.65f }.Apply(settings).McemTargetAcceptance);

        using var protocol = new TempDir();
        using var lower = new TempDir();
        new FigureRun(settings, protocol.Path).Run(s_mnist.Value);
        new FigureRun(settings with { McemTargetAcceptance = 0.65f }, lower.Path).Run(s_mnist.Value);
        Assert.NotEqual(RunLog.ReadCsv(Path.Combine(protocol.Path, FigureRun.LogFile)).Column("train_log_px")[^1],
            RunLog.ReadCsv(Path.Combine(lower.Path, FigureRun.LogFile)).Column("train_log_px")[^1]);
    }

    [Fact]
    public void PaperProtocolIsTheDefaultAndOptionsDepartFromIt()
    {
        var fig3 = FigurePlan.Figure3(null, null, quick: false, "out");
        Assert.All(fig3, r => Assert.True(r.Settings is { MarginalPoints: 1000, HmcSamples: 50, HmcLeapfrog: 4, LearningRateCandidates: RunSettings.PaperLearningRates }));
        Assert.Equal([60_000_000L, 68_000_000L], fig3.Select(r => r.Settings.Samples).Distinct());
        Assert.All(FigurePlan.Figure2("mnist", null, null, false, "out"), r => Assert.Equal("0.01,0.02,0.1", r.Settings.LearningRateCandidates));
        var forced = FigurePlan.Figure2("mnist", [20], null, false, "out", protocol: new FigureProtocol { LearningRate = 0.02f, AnnealSamples = 1000 });
        Assert.All(forced, r => Assert.True(r.Settings is { LearningRateCandidates: null, LearningRate: 0.02f, AnnealSamples: 1000 }));
    }

    [Fact]
    public void ThePaperValuesTableLoadsAndMatchesRuns()
    {
        Assert.True(PaperValues.All.Count >= 50);
        var aevb20 = PaperValues.For(FigurePlan.Figure2("mnist", [20], null, false, "out")[0].Settings).ToList();
        Assert.Contains(aevb20, v => v is { Samples: 100_000_000, Split: "train", Value: -98 });
        Assert.Contains(aevb20, v => v is { Samples: 1_000_000, Split: "test", Value: -124.5 });
        var range = PaperValues.Parse("header\nfig2,mnist,,20,aevb,1000000,both,,-128,-123", "x.csv").Single();
        Assert.Equal("-128…-123", range.Text);
        // Issue 16's corrections: wake-sleep Nz = 3 at 1e8 (train solid −140.3, test dashed −138.9), Frey Face Nz = 10 at 1e7.
        var ws3 = PaperValues.For(FigurePlan.Figure2("mnist", [3], null, false, "out").Single(r => r.Settings.Method == RunMethod.WakeSleep).Settings).ToList();
        Assert.Contains(ws3, v => v is { Samples: 100_000_000, Split: "train", Value: -140.3 });
        Assert.Contains(ws3, v => v is { Samples: 100_000_000, Split: "test", Value: -138.9 });
        var frey10 = PaperValues.For(FigurePlan.Figure2("frey", [10], null, false, "out").Single(r => r.Settings.Method == RunMethod.Aevb).Settings).ToList();
        Assert.Contains(frey10, v => v is { Samples: 10_000_000, Split: "test", Value: 1175 });
        var mcem = PaperValues.For(FigurePlan.Figure3([50000], null, false, "out").Single(r => r.Settings.Method == RunMethod.MonteCarloEm).Settings).ToList();
        Assert.Contains(mcem, v => v is { Samples: 10_000_000, Value: null, High: -160 } && v.Text == "< -160");
        var e = Assert.Throws<InvalidDataException>(() => PaperValues.Parse("header\nfig2,mnist,,3,aevb,1e8,train,abc,,", "x.csv"));
        Assert.Contains("x.csv, line 2", e.Message);
    }
}
