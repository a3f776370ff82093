using System.Text.Json.Nodes;
using Aevb.Tests.Data;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

/// <summary>
/// run.json's record of which builds trained which samples (<see cref="RunRevisions"/>): a run resumed by a clean
/// build used to overwrite <c>git_revision</c>, so a stretch trained from uncommitted code ("+dirty") left no trace.
/// </summary>
public class RunRevisionsTests
{
    private static readonly Lazy<RunData> s_mnist = new(() => RunData.Load("mnist", TestData.Directory));

    private sealed class Callback(Action<RunProgress> action) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => action(value);
    }

    private static RunRevisions.Stretch S(string revision, long? from, long to) => new(revision, from, to);

    [Fact]
    public void AResumedRunAddsAStretchAndKeepsTheEarlierOnes()
    {
        var record = RunRevisions.None.Continue("a+dirty", 0, 1_000).Continue("b", 1_000, 5_000);
        Assert.Equal([S("a+dirty", 0, 1_000), S("b", 1_000, 5_000)], record.Stretches);
        Assert.Equal([((long?)0, 1_000L)], record.Modified);
    }

    [Fact]
    public void NeighbouringStretchesFromModifiedTreesAreOneSpan()
    {
        var record = RunRevisions.None.Continue("a+dirty", 0, 1_000).Continue("b+dirty", 1_000, 5_000)
            .Continue("c", 5_000, 6_000).Continue("d+dirty", 6_000, 7_000);
        Assert.Equal([((long?)0, 5_000L), (6_000, 7_000)], record.Modified);
    }

    [Fact]
    public void TheSameBuildCarryingOnExtendsItsStretch()
        => Assert.Equal([S("a", 0, 9_000)], RunRevisions.None.Continue("a", 0, 1_000).Continue("a", 1_000, 9_000).Stretches);

    [Fact]
    public void WhatLayBeyondTheCheckpointIsGoneAndAFreshStartForgetsEverything()
    {
        var record = RunRevisions.None.Continue("a", 0, 1_000).Continue("b", 1_000, 5_000);
        // Resumed from a checkpoint at 3,000 (the stretch to 5,000 was never checkpointed past it).
        Assert.Equal([S("a", 0, 1_000), S("b", 1_000, 3_000), S("c", 3_000, 4_000)], record.Continue("c", 3_000, 4_000).Stretches);
        Assert.Equal([S("c", 0, 2_000)], record.Continue("c", 0, 2_000).Stretches);
        // Written before any training (the session's first run.json): nothing added, nothing lost up to there.
        Assert.Equal([S("a", 0, 1_000), S("b", 1_000, 3_000)], record.Continue("c", 3_000, 3_000).Stretches);
    }

    [Fact]
    public void ARunJsonFromBeforeTheRecordIsOneStretchOfUnknownStart()
    {
        var info = new JsonObject { ["git_revision"] = "a+dirty", ["samples_seen"] = 7_000L };
        Assert.Equal([S("a+dirty", null, 7_000)], RunRevisions.Read(info).Stretches);
        Assert.Equal([S("a+dirty", null, 7_000), S("b", 7_000, 9_000)], RunRevisions.Read(info).Continue("b", 7_000, 9_000).Stretches);
        var record = RunRevisions.Read(info).Continue("b", 7_000, 9_000);
        Assert.Equal(record.Stretches, RunRevisions.Read(new JsonObject { [RunRevisions.Key] = record.ToJson() }).Stretches);
    }

    /// <summary>
    /// End to end: a run interrupted, its run.json turned into one written before the record by a build from uncommitted
    /// code, then resumed by this build to the end: run.json keeps that stretch, and the report's status says so.
    /// </summary>
    [Fact]
    public void AStretchFromUncommittedCodeSurvivesAResumeAndTheStatusNamesIt()
    {
        var settings = new RunSettings
        {
            Method = RunMethod.Aevb, Dataset = "mnist", Hidden = 20, Latent = 2, TrainCount = 500, Samples = 30_000,
            FirstEvaluation = 300, EvaluationsPerDecade = 1, TrainEvaluationSize = 300, TestEvaluationSize = 300,
            LearningRate = 0.05f,
        };
        using var dir = new TempDir();
        using var cancel = new CancellationTokenSource();
        var first = new FigureRun(settings, dir.Path, "fig2").Run(s_mnist.Value,
            new Callback(p => { if (p.Samples >= 3000) cancel.Cancel(); }), cancel.Token);
        Assert.Equal(RunOutcome.Interrupted, first.Outcome);
        var infoPath = Path.Combine(dir.Path, FigureRun.InfoFile);
        var info = FigureRun.ReadInfo(infoPath);
        Assert.Equal(first.Samples, RunRevisions.Read(info).Stretches.Single().To);
        info.Remove(RunRevisions.Key);
        info["git_revision"] = "0123abc+dirty";
        File.WriteAllText(infoPath, info.ToJsonString());

        var second = new FigureRun(settings, dir.Path, "fig2").Run(s_mnist.Value);
        Assert.Equal(RunOutcome.Completed, second.Outcome);
        var stretches = RunRevisions.Read(FigureRun.ReadInfo(infoPath)).Stretches;
        Assert.Equal(2, stretches.Count);
        Assert.Equal(S("0123abc+dirty", null, first.Samples), stretches[0]);
        Assert.Equal((first.Samples, 30_000L), (stretches[1].From!.Value, stretches[1].To));
        var run = new FigureRunResult(settings, RunLog.ReadCsv(Path.Combine(dir.Path, FigureRun.LogFile)), FigureRun.ReadInfo(infoPath), dir.Path);
        // Where the tests themselves run from uncommitted code, this build's stretch joins the earlier one.
        var end = RunProvenance.GitRevision().EndsWith("+dirty", StringComparison.Ordinal) ? 30_000 : first.Samples;
        Assert.Equal($"completed; up to {FigureReport.Count(end)} from uncommitted code", FigureReport.Status(run));
    }

    private static RunRevisions.Replay Replay(string revision) => new(revision, 11, "identical", "AVX-512");

    [Fact]
    public void AReplayedStretchIsNoLongerCountedAsUncommittedCodeAndKeepsItsReplayThroughAResume()
    {
        var info = new JsonObject
        {
            [RunRevisions.Key] = new JsonArray(
                new JsonObject
                {
                    ["git_revision"] = "a+dirty", ["from_samples"] = 0L, ["to_samples"] = 1_000L, ["reconstructed"] = true,
                    ["replayed"] = new JsonObject { ["git_revision"] = "0123456789abcdef", ["log_rows"] = 11, ["checkpoint"] = "identical", ["isa"] = "AVX-512" },
                },
                new JsonObject { ["git_revision"] = "b+dirty", ["from_samples"] = 1_000L, ["to_samples"] = 2_000L }),
        };
        var record = RunRevisions.Read(info);
        Assert.Equal(new RunRevisions.Stretch("a+dirty", 0, 1_000, true, Replay("0123456789abcdef")), record.Stretches[0]);
        Assert.Equal([((long?)1_000, 2_000L)], record.Modified);
        Assert.Equal([((long?)0, 1_000L)], record.Replayed);
        // Written back and resumed by another build: the replay stays with its stretch.
        var resumed = RunRevisions.Read(new JsonObject { [RunRevisions.Key] = record.ToJson() }).Continue("c", 2_000, 3_000);
        Assert.Equal(record.Stretches.Append(S("c", 2_000, 3_000)), resumed.Stretches);
    }

    [Fact]
    public void TheStatusNamesReplayedStretchesApartFromTheOthers()
    {
        var stretches = RunRevisions.None.Continue("a+dirty", 0, 1_000_000).Continue("b+dirty", 1_000_000, 2_000_000)
            .Continue("c", 2_000_000, 5_000_000).Stretches.ToList();
        stretches[0] = stretches[0] with { Replayed = Replay("0123456789abcdef") };
        var info = new JsonObject { ["status"] = "completed", [RunRevisions.Key] = new JsonArray(stretches.Select(s =>
            (JsonNode)new JsonObject { ["git_revision"] = s.Revision, ["from_samples"] = s.From, ["to_samples"] = s.To,
                ["replayed"] = s.Replayed is { } r ? new JsonObject { ["git_revision"] = r.Revision, ["log_rows"] = r.LogRows, ["checkpoint"] = r.Checkpoint, ["isa"] = r.Isa } : null }).ToArray()) };
        var settings = new RunSettings { Method = RunMethod.Aevb, Dataset = "mnist", Hidden = 20, Latent = 2, Samples = 5_000_000 };
        var run = new FigureRunResult(settings, new RunLog(["train_bound", "test_bound"]), info, ".");
        Assert.Equal($"completed; {FigureReport.Count(1_000_000)}–{FigureReport.Count(2_000_000)} from uncommitted code; "
            + $"0–{FigureReport.Count(1_000_000)} from uncommitted code, replayed identically by 0123456", FigureReport.Status(run));
    }
}
