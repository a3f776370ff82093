using System.Text.Json.Nodes;
using Aevb.Tests.Data;
using Aevb.Training;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

/// <summary>
/// Resuming figure runs (issue 20): after Ctrl+C between two checkpoints, from the checkpoints committed under
/// <c>results/</c> (written by the code before checkpoints became one unit), after a kill during the step-size
/// trials, and refusing checkpoints that would resume into nonsense.
/// </summary>
public class FigureRunResumeTests
{
    private static readonly Lazy<RunData> s_mnist = new(() => RunData.Load("mnist", TestData.Directory));
    private static readonly Lazy<RunData> s_frey = new(() => RunData.Load("frey", TestData.Directory));

    private sealed class Callback(Action<RunProgress> action) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => action(value);
    }

    /// <summary>Long enough between reseeds (evaluations at 300, 3000, 30000, 300000) for a Ctrl+C to land between them.</summary>
    private static RunSettings Long(string method) => new()
    {
        Method = method,
        Dataset = "mnist",
        Hidden = 20,
        Latent = 2,
        TrainCount = 500,
        Samples = 300_000,
        FirstEvaluation = 300,
        EvaluationsPerDecade = 1,
        TrainEvaluationSize = 300,
        TestEvaluationSize = 300,
        LearningRate = 0.05f,
    };

    /// <summary>
    /// Issue 20, "Losing work" 3: a Ctrl+C checkpoint lies between two reseed points; the resumed run used to reseed
    /// there, so its later rows differed from an uninterrupted run's (a SIGKILL, which resumes from a reseed point, did not).
    /// </summary>
    [Theory]
    [InlineData(RunMethod.Aevb)]
    [InlineData(RunMethod.WakeSleep)]
    public void ResumedAfterCtrlCBetweenCheckpointsEqualsUninterrupted(string method)
    {
        var settings = Long(method);
        using var straight = new TempDir();
        new FigureRun(settings, straight.Path, "fig2").Run(s_mnist.Value);
        var expected = RunLog.ReadCsv(Path.Combine(straight.Path, FigureRun.LogFile));

        using var broken = new TempDir();
        using var cancel = new CancellationTokenSource();
        // The first half-second status report comes mid-interval (evaluations and checkpoints report as they happen).
        var first = new FigureRun(settings, broken.Path, "fig2").Run(s_mnist.Value,
            new Callback(p => { if (p.Samples > 3000 && !settings.EvaluationPoints().Contains(p.Samples)) cancel.Cancel(); }), cancel.Token);
        Assert.Equal(RunOutcome.Interrupted, first.Outcome);
        Assert.DoesNotContain(first.Samples, settings.EvaluationPoints());

        var second = new FigureRun(settings, broken.Path, "fig2").Run(s_mnist.Value);
        Assert.Equal(RunOutcome.Completed, second.Outcome);
        Assert.Equal(first.Samples, second.ResumedFrom);
        var resumed = RunLog.ReadCsv(Path.Combine(broken.Path, FigureRun.LogFile));
        Assert.Equal(expected.Samples, resumed.Samples);
        foreach (var metric in expected.Metrics)
            Assert.Equal(expected.Column(metric), resumed.Column(metric));
    }

    /// <summary>
    /// The folders committed under results/ were written before checkpoints became one unit: this code resumes them.
    /// A completed Frey Face run (the smallest) is carried 100,000 samples further; the value it reaches was computed
    /// with the code before the change (git f8afaec), so the checkpoint reads back to the same state. The folder is read
    /// as it was committed at 10 M (<see cref="AtTenMillion"/>): the figure runs carry it on to 10⁸, which the reference
    /// values do not follow.
    /// </summary>
    [SkippableFact]
    public void ResumesACheckpointCommittedUnderResults()
    {
        using var dir = new TempDir();
        foreach (var f in new[] { FigureRun.InfoFile, FigureRun.LogFile, FigureRun.CheckpointFile })
            Skip.IfNot(RepoRoot.CopyFromHistory(AtTenMillion, $"results/fig2/frey-h200-z2-aevb/{f}", dir.File(f)),
                $"git history with {AtTenMillion[..7]} is not available here (a shallow clone or an archive)");
        var info = FigureRun.ReadInfo(dir.File(FigureRun.InfoFile));
        var stored = RunSettings.FromJson((JsonObject)info["settings"]!, dir.File(FigureRun.InfoFile));
        var before = RunLog.ReadCsv(dir.File(FigureRun.LogFile));

        var result = new FigureRun(stored with { Samples = stored.Samples + 100_000 }, dir.Path, "fig2").Run(s_frey.Value);
        Assert.Equal(RunOutcome.Completed, result.Outcome);
        Assert.Equal(stored.Samples, result.ResumedFrom);
        var after = RunLog.ReadCsv(dir.File(FigureRun.LogFile));
        Assert.Equal(before.Samples.Append(stored.Samples + 100_000), after.Samples);
        foreach (var metric in before.Metrics)
            Assert.Equal(before.Column(metric), after.Column(metric)[..before.Count]);
        // Relative 1e-5 (0.008 nats here): AVX-512 sums in another order than the AVX2 engine that computed the
        // references and lands within 3e-9 of them; a state read back wrong (Adagrad's sums, the permutation) moves
        // the bound by nats.
        Assert.Equal(ExpectedTrainBoundAfterExtension, after.Column("train_bound")[^1], ExpectedTrainBoundAfterExtension * 1e-5);
        Assert.Equal(ExpectedTestBoundAfterExtension, after.Column("test_bound")[^1], ExpectedTestBoundAfterExtension * 1e-5);
    }

    /// <summary>A revision where results/fig2/frey-h200-z2-aevb was complete at 10 M samples.</summary>
    private const string AtTenMillion = "0ab1dc3d98bf240d00e3966c4a8a99d783526558";

    // From `ResumesACheckpointCommittedUnderResults` run against the code before this change (git f8afaec, AVX2).
    private const double ExpectedTrainBoundAfterExtension = 832.0578874614877;
    private const double ExpectedTestBoundAfterExtension = 825.3503771330181;

    /// <summary>
    /// A run killed after its trials' checkpoint was written but before run.json recorded the choice (possible before
    /// checkpoints were one unit) used to demand deleting the folder; it now runs the (deterministic) trials again.
    /// </summary>
    [Fact]
    public void ACheckpointWithoutARecordedStepSizeRunsTheTrialsAgain()
    {
        var settings = Long(RunMethod.Aevb) with { Samples = 3000, LearningRateCandidates = "0.01,0.05" };
        using var straight = new TempDir();
        new FigureRun(settings, straight.Path, "fig2").Run(s_mnist.Value);
        var expected = RunLog.ReadCsv(Path.Combine(straight.Path, FigureRun.LogFile));

        using var dir = new TempDir();
        File.Copy(Path.Combine(straight.Path, FigureRun.CheckpointFile), dir.File(FigureRun.CheckpointFile));
        var info = FigureRun.ReadInfo(Path.Combine(straight.Path, FigureRun.InfoFile));
        info["status"] = "running";
        info["learning_rate_selection"] = null;
        File.WriteAllText(dir.File(FigureRun.InfoFile), info.ToJsonString());

        var result = new FigureRun(settings, dir.Path, "fig2").Run(s_mnist.Value);
        Assert.Equal(RunOutcome.Completed, result.Outcome);
        var log = RunLog.ReadCsv(dir.File(FigureRun.LogFile));
        Assert.Equal(expected.Column("test_bound"), log.Column("test_bound"));
        Assert.NotNull(FigureRun.ReadInfo(dir.File(FigureRun.InfoFile))["learning_rate_selection"]);
    }

    private static (TempDir Dir, RunSettings Settings) Interrupted()
    {
        var settings = Long(RunMethod.Aevb) with { Samples = 3000, CheckpointInterval = 1000, EvaluationsPerDecade = 4 };
        var dir = new TempDir();
        using var cancel = new CancellationTokenSource();
        new FigureRun(settings, dir.Path, "fig2").Run(s_mnist.Value, new Callback(p => { if (p.Samples >= 1000) cancel.Cancel(); }), cancel.Token);
        return (dir, settings);
    }

    private static void Rewrite(string path, Func<SafeTensorsFile, (IReadOnlyList<SafeTensor>, IReadOnlyDictionary<string, string>)> change)
    {
        var (tensors, metadata) = change(SafeTensors.Read(path));
        SafeTensors.Write(path, tensors, metadata);
    }

    [Fact]
    public void AnOptimizerStateOfNaNIsRefusedNamingTheFile()
    {
        var (dir, settings) = Interrupted();
        using var _ = dir;
        var path = dir.File(FigureRun.CheckpointFile);
        Rewrite(path, f => (f.Tensors.Select(t => t.Name.StartsWith("state.", StringComparison.Ordinal)
            ? t with { Data = Enumerable.Repeat(float.NaN, t.Data.Length).ToArray() } : t).ToList(), f.Metadata));
        var e = Assert.Throws<InvalidDataException>(() => new FigureRun(settings, dir.Path, "fig2").Run(s_mnist.Value));
        Assert.Contains(path, e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void SamplesSeenPastTheRunsEndAreRefused()
    {
        var (dir, settings) = Interrupted();
        using var _ = dir;
        var path = dir.File(FigureRun.CheckpointFile);
        Rewrite(path, f => (f.Tensors, new Dictionary<string, string>(f.Metadata) { ["samples_seen"] = "1000000000000" }));
        var e = Assert.Throws<InvalidDataException>(() => new FigureRun(settings, dir.Path, "fig2").Run(s_mnist.Value));
        Assert.Contains(path, e.Message);
        Assert.Contains("samples_seen", e.Message);
        Assert.False(FigureRun.IsCompleted(dir.Path));
    }
}
