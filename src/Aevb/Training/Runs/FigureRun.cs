using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aevb.IO;

namespace Aevb.Training.Runs;

/// <summary>How <see cref="FigureRun.Run"/> ended.</summary>
public enum RunOutcome
{
    /// <summary>Trained to the end in this call (possibly after resuming).</summary>
    Completed,

    /// <summary>The folder already held the completed run: nothing was done.</summary>
    Skipped,

    /// <summary>Cancelled; the folder keeps the last checkpoint, and the next call resumes from it.</summary>
    Interrupted,
}

/// <param name="ResumedFrom">Samples of the checkpoint this call started from (0 for a fresh run).</param>
public sealed record RunResult(RunOutcome Outcome, string Directory, long Samples, long ResumedFrom, double TrainSeconds, double EvalSeconds, TimeSpan Wall);

/// <summary>Progress of a run: sent every half second and after each evaluation.</summary>
public sealed record RunProgress(string Name, long Samples, long TotalSamples, double SamplesPerSecond, double Objective,
    IReadOnlyDictionary<string, double>? Evaluation, bool IsEvaluation);

/// <summary>
/// One curve of a figure: trains one method with fixed <see cref="RunSettings"/> in its own folder, evaluating at
/// log-spaced sample counts, and writes
/// <list type="bullet">
/// <item><c>log.csv</c>: a row per evaluation (<see cref="RunLog"/>);</item>
/// <item><c>run.json</c>: settings, seed, git revision, machine, status, durations and throughput;</item>
/// <item><c>checkpoint.safetensors</c>: parameters, optimiser state, MCEM chains and counters (resume state);</item>
/// <item><c>model.safetensors</c>: the model in the format of <c>aevb train</c> (PyTorch names), for notebooks.</item>
/// </list>
/// Resumable: a completed run is skipped; otherwise the run continues from its last checkpoint, taken at every
/// evaluation point and every <see cref="RunSettings.CheckpointInterval"/> samples. A completed run asked for more
/// <see cref="RunSettings.Samples"/> (and nothing else changed) is extended from its final checkpoint. The minibatch-order and noise
/// streams are re-seeded from (seed, samples) at each of those points, so a resumed run produces the same numbers
/// as one that was never interrupted (each segment starts a fresh shuffle of the training set).
/// </summary>
public sealed class FigureRun
{
    public const string LogFile = "log.csv";
    public const string InfoFile = "run.json";
    public const string CheckpointFile = "checkpoint.safetensors";
    public const string ModelFile = "model.safetensors";

    /// <summary>The sources' revision, read once when this object first writes run.json (the code that trains).</summary>
    private string? _gitRevision;

    public FigureRun(RunSettings settings, string directory, string figure = "")
    {
        settings.Validate();
        Settings = settings;
        Directory = Path.GetFullPath(directory);
        Figure = figure;
    }

    public RunSettings Settings { get; }

    public string Directory { get; }

    /// <summary>The figure this run belongs to (<c>fig2</c>, <c>fig3</c>), recorded in run.json.</summary>
    public string Figure { get; }

    public string LogPath => Path.Combine(Directory, LogFile);

    public string InfoPath => Path.Combine(Directory, InfoFile);

    public string CheckpointPath => Path.Combine(Directory, CheckpointFile);

    /// <summary>Whether <paramref name="directory"/> holds a completed run (run.json with status "completed").</summary>
    public static bool IsCompleted(string directory)
    {
        var path = Path.Combine(directory, InfoFile);
        return File.Exists(path) && ReadInfo(path)["status"]?.GetValue<string>() == "completed";
    }

    /// <summary>Whether this run is already complete with exactly these settings (so <see cref="Run"/> would skip it).</summary>
    public bool IsDone => IsCompleted(Directory) && StoredSettings(ReadInfo(InfoPath), InfoPath) is var stored && CoversSettings(stored)
                          && File.Exists(LogPath) && RunLog.ReadCsv(LogPath).LastSamples >= stored.Samples; // its rows too, not just its status

    /// <summary>A stored run with these settings and at least as many samples answers for these settings.</summary>
    private bool CoversSettings(RunSettings stored) => stored with { Samples = Settings.Samples } == Settings && stored.Samples >= Settings.Samples;

    /// <summary>
    /// The settings in run.json. With step-size candidates, its <c>learning_rate</c> is the one chosen (or, written
    /// by an older version, 0.02 whatever was chosen), not part of what was asked for: it is left out of the comparison.
    /// </summary>
    private RunSettings StoredSettings(JsonObject info, string path)
    {
        var stored = RunSettings.FromJson(info["settings"] as JsonObject ?? throw new InvalidDataException($"{path}: no 'settings' object."), path);
        return stored.LearningRateCandidates is not null && Settings.LearningRateCandidates is not null ? stored with { LearningRate = Settings.LearningRate } : stored;
    }

    /// <summary>The step-size choice (candidates, their scores, the one chosen), recorded in run.json; null when forced.</summary>
    internal JsonObject? Selection { get; set; }

    /// <summary>The builds that trained the run before this call (run.json's record), and the samples this call's
    /// training starts from: run.json's <c>revisions</c> is the one extended by the other.</summary>
    internal (RunRevisions Earlier, long ResumedFrom) Revisions { get; set; } = (RunRevisions.None, 0);

    /// <summary>Trains (or resumes, or skips) the run on <paramref name="data"/> (the full data set; the run takes its subset).</summary>
    /// <param name="started">Called once this call holds the folder and will train, with the samples of the checkpoint
    /// it resumes from (0 for a fresh start): only then is "resuming" true (a folder locked by another process is refused first).</param>
    public RunResult Run(RunData data, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default,
        Action<long>? started = null)
    {
        if (data.Dataset != Settings.Dataset) throw new ArgumentException($"The run is for {Settings.Dataset} but got {data.Dataset} data.");
        data = data.WithTrainCount(Settings.TrainCount);
        System.IO.Directory.CreateDirectory(Directory);
        using var runLock = DirectoryLock.Acquire(Directory, $"another run of {Settings.Name}"); // two processes never share a run folder
        FolderCommit.Recover(Directory); // a crash mid-checkpoint: finish it, or fall back to the one before
        var info = File.Exists(InfoPath) ? ReadInfo(InfoPath) : null;
        if (info is not null && Skip(info) is { } skipped) return skipped;
        return new RunSession(this, data, info, progress, cancellationToken).Run(started);
    }

    /// <summary>
    /// What the folder's run.json says about this call: done already (the result to return), or to be resumed or
    /// extended (null); a run with other settings, or a completed one whose log falls short of it, is refused.
    /// </summary>
    private RunResult? Skip(JsonObject info)
    {
        var s = Settings;
        var stored = StoredSettings(info, InfoPath);
        var diff = stored.Differences(s);
        var extending = diff.Count > 0 && stored with { Samples = s.Samples } == s && s.Samples > stored.Samples;
        var completed = info["status"]?.GetValue<string>() == "completed";
        var covered = completed && CoversSettings(stored); // e.g. a run carried to 1e7 samples asked for 1e6: done, not redone
        if (!completed && CoversSettings(stored) && stored.Samples > s.Samples) return Behind(stored);
        if (diff.Count > 0 && !extending && !covered)
            throw new InvalidOperationException($"{Directory} holds a run with other settings ({string.Join("; ", diff)}). Use another --out folder, or delete this one to start over.");
        if (extending && !File.Exists(CheckpointPath))
            throw new InvalidOperationException($"{Directory} holds a run to {stored.Samples} samples without a checkpoint to extend it from; delete the folder to start over.");
        if (extending || !completed) return null;
        var log = RunLog.ReadCsv(LogPath);
        if (log.LastSamples < stored.Samples) // e.g. log.csv restored from an older copy: the rows are what the run is for
            throw new InvalidDataException($"{InfoPath} says the run completed {stored.Samples} samples, but {LogPath} ends at {log.LastSamples}; restore that log.csv, or delete {Directory} to start over.");
        return new RunResult(RunOutcome.Skipped, Directory, log.LastSamples, log.LastSamples,
            info["training_seconds"]?.GetValue<double>() ?? double.NaN, info["evaluation_seconds"]?.GetValue<double>() ?? double.NaN, TimeSpan.Zero);
    }

    /// <summary>
    /// The folder's run is unfinished and goes further than asked (a run to 1e8 asked for 1e7): its log answers for the
    /// request once it has passed it (skipped); before that it is refused, without the advice to delete that would
    /// throw its samples away.
    /// </summary>
    private RunResult Behind(RunSettings stored)
    {
        var reached = File.Exists(LogPath) ? RunLog.ReadCsv(LogPath).LastSamples : 0;
        if (reached >= Settings.Samples)
            return new RunResult(RunOutcome.Skipped, Directory, reached, reached, double.NaN, double.NaN, TimeSpan.Zero);
        throw new InvalidOperationException($"{Directory} holds an unfinished run to {stored.Samples:N0} samples, evaluated to {reached:N0}: resume it with --samples {stored.Samples} "
            + $"(its log passes {Settings.Samples:N0} on the way), or use another --out folder.");
    }

    internal void WriteInfo(string path, string status, string started, int resumes, TrainingCounters counters)
    {
        var (samples, _, trainSeconds, evalSeconds) = counters;
        var now = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var perSecond = trainSeconds > 0 ? samples / trainSeconds : double.NaN;
        var json = new JsonObject
        {
            ["run"] = Settings.Name,
            ["figure"] = Figure,
            ["method"] = Settings.Method,
            ["status"] = status,
            ["seed"] = Settings.Seed,
            ["settings"] = SettingsJson(),
            ["learning_rate_selection"] = Selection?.DeepClone(),
            ["git_revision"] = _gitRevision ??= RunProvenance.GitRevision(),
            [RunRevisions.Key] = Revisions.Earlier.Continue(_gitRevision, Revisions.ResumedFrom, samples).ToJson(),
            ["machine"] = RunProvenance.Machine(),
            ["started_utc"] = started,
            ["updated_utc"] = now,
            ["finished_utc"] = status == "completed" ? now : null,
            ["resumes"] = resumes,
            ["samples_seen"] = samples,
            ["training_seconds"] = trainSeconds,
            ["evaluation_seconds"] = evalSeconds,
            ["duration_seconds"] = trainSeconds + evalSeconds,
            ["samples_per_second"] = double.IsFinite(perSecond) ? perSecond : null,
            ["minutes_per_million_samples"] = double.IsFinite(perSecond) ? 1e6 / perSecond / 60 : null,
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep '+' in "abc…+dirty" readable
        }) + "\n");
    }

    /// <summary>
    /// The settings as run.json records them: <c>learning_rate</c> is the step size the run actually uses (the chosen
    /// candidate, or null while the choice is still to be made), so a run.json written by an older version (which
    /// recorded the record's default 0.02 whatever was chosen) is corrected the next time the run writes it.
    /// </summary>
    private JsonObject SettingsJson()
    {
        var json = Settings.ToJson();
        if (Settings.LearningRates().Length > 0)
            json["learning_rate"] = Selection?["chosen"] is { } chosen ? chosen.GetValue<float>() : null;
        return json;
    }

    /// <summary>Reads run.json; errors name the file.</summary>
    public static JsonObject ReadInfo(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}); delete its folder to start the run over.", e);
        }
    }
}
