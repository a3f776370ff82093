using System.Text.Json.Nodes;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

/// <summary>
/// Every run.json committed under <c>results/</c> (Figures 2 and 3 and the ablations) still reads now that
/// <see cref="RunSettings"/> goes through System.Text.Json, and writes back with the same names and values, so the
/// folders keep resuming and an older build still reads what this one writes.
/// </summary>
public class CommittedRunJsonTests
{
    public static TheoryData<string> RunFiles() => new(Files());

    private static List<string> Files()
    {
        var results = Path.Combine(RepoRoot.Find(), "results");
        return Directory.EnumerateFiles(results, FigureRun.InfoFile, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(results, f)).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void ResultsHoldTheFiguresAndAblations()
    {
        var files = Files();
        Assert.True(files.Count >= 40, $"only {files.Count} run.json files under results/");
        foreach (var folder in new[] { "fig2", "fig3", "ablations" })
            Assert.Contains(files, f => f.StartsWith(folder, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RunFiles))]
    public void ReadsAndWritesBackTheSameSettings(string file)
    {
        var path = Path.Combine(RepoRoot.Find(), "results", file);
        var info = FigureRun.ReadInfo(path);
        var stored = (JsonObject)info["settings"]!;

        var settings = RunSettings.FromJson(stored, path);
        settings.Validate();
        Assert.Equal(info["run"]!.GetValue<string>(), settings.Name);
        Assert.Equal(Path.GetFileName(Path.GetDirectoryName(path)), settings.Name);

        var written = settings.ToJson();
        foreach (var (key, value) in stored)
        {
            if (key == "learning_rate" && value is null) continue; // before the step-size choice: the record's default
            Assert.True(JsonNode.DeepEquals(value, written[key]), $"{file}: '{key}' was {value?.ToJsonString()}, is written {written[key]?.ToJsonString()}");
        }
        Assert.Equal(settings, RunSettings.FromJson(written, path));
    }

    [Theory]
    [MemberData(nameof(RunFiles))]
    public void RecordsTheStepSizeTheRunUses(string file)
    {
        // A run that chose its step size by Section 5's trial trains with the chosen one; its settings say so.
        var info = FigureRun.ReadInfo(Path.Combine(RepoRoot.Find(), "results", file));
        if (info["learning_rate_selection"]?["chosen"] is not { } chosen) return;
        Assert.Equal(chosen.GetValue<double>(), info["settings"]!["learning_rate"]!.GetValue<double>());
    }

    [Theory]
    [MemberData(nameof(RunFiles))]
    public void ItsRevisionsWriteBackAsTheyAreAndEveryReplayIsOfACommit(string file)
    {
        // The record of builds (RunRevisions) survives a resume only if this build writes back all of it, the replays
        // of scripts/replay-modified-stretches.py included; a replay counts only from a build of a commit.
        var info = FigureRun.ReadInfo(Path.Combine(RepoRoot.Find(), "results", file));
        if (info[RunRevisions.Key] is not JsonArray stored) return;
        var record = RunRevisions.Read(info);
        Assert.True(JsonNode.DeepEquals(stored, record.ToJson()), $"{file}: revisions written back as {record.ToJson().ToJsonString()}");
        foreach (var stretch in record.Stretches.Where(s => s.Replayed is not null))
        {
            var replay = stretch.Replayed!;
            Assert.True(stretch.Modified, $"{file}: a stretch of a commit ({stretch.Revision}) says it was replayed");
            Assert.Matches("^[0-9a-f]{40}$", replay.Revision);
            Assert.True(replay.LogRows > 0, $"{file}: a replay that compared no log rows");
            Assert.Contains(replay.Checkpoint, new[] { "identical", "none committed", "none compared" });
            Assert.False(string.IsNullOrEmpty(replay.Isa), $"{file}: a replay without its ISA");
        }
    }

    [Fact]
    public void RefusesSettingsThatLackAKeyOrHaveAWrongType()
    {
        var json = new RunSettings { Method = RunMethod.Aevb, Dataset = "mnist", Hidden = 10, Latent = 2, Samples = 1000 }.ToJson();
        var lacking = (JsonObject)json.DeepClone();
        lacking.Remove("seed");
        Assert.Contains("lack 'seed'", Assert.Throws<InvalidDataException>(() => RunSettings.FromJson(lacking, "run.json")).Message);
        var wrong = (JsonObject)json.DeepClone();
        wrong["hidden"] = "ten";
        Assert.Contains("'hidden'", Assert.Throws<InvalidDataException>(() => RunSettings.FromJson(wrong, "run.json")).Message);
        var candidates = (JsonObject)json.DeepClone();
        candidates["learning_rate_candidates"] = new JsonArray(0.01, -1);
        Assert.Contains("learning_rate_candidates", Assert.Throws<InvalidDataException>(() => RunSettings.FromJson(candidates, "run.json")).Message);
    }
}
