using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aevb.Data;
using Aevb.IO;
using Aevb.Models;

namespace Aevb.Training;

/// <summary>
/// The folder of an <c>aevb train</c> run: <c>model.safetensors</c>, <c>checkpoint.safetensors</c> (the one
/// checkpoint format, <see cref="LearnerCheckpoint"/>, as figure runs write it), <c>config.json</c> and
/// <c>log.csv</c>, saved together (<see cref="FolderCommit"/>) and resumed together. A folder saved before that
/// format, with <c>optimizer.safetensors</c> (<see cref="TrainerState"/>) in its place, still resumes. The command
/// line only parses options; what a resumable folder is, and when one is refused, lives here.
/// </summary>
public sealed class TrainingFolder(string directory)
{
    public string Directory { get; } = directory;

    public string ModelPath => Path.Combine(Directory, "model.safetensors");

    public string LogPath => Path.Combine(Directory, "log.csv");

    public string ConfigPath => Path.Combine(Directory, "config.json");

    public string CheckpointPath => Path.Combine(Directory, LearnerCheckpoint.FileName);

    /// <summary>Where folders saved before the one checkpoint format kept the optimizer state.</summary>
    public string OldStatePath => Path.Combine(Directory, TrainerState.FileName);

    /// <summary>The resume file this folder holds: the checkpoint, or an older folder's optimizer state.</summary>
    public string StatePath
        => File.Exists(CheckpointPath) || !File.Exists(OldStatePath) ? CheckpointPath : OldStatePath;

    /// <summary>The run's files that exist already.</summary>
    public IReadOnlyList<string> ExistingFiles()
        => new[] { ModelPath, CheckpointPath, OldStatePath, LogPath, ConfigPath }.Where(File.Exists).ToList();

    /// <summary>
    /// Model, optimizer state, log and config replace the previous ones together or not at all: a crash or a full
    /// disk at any instant leaves a folder that resumes, from this save or the one before. An older folder's
    /// <c>optimizer.safetensors</c> goes only once the new checkpoint is in (until then it is the one to resume from).
    /// </summary>
    public void Save(Trainer trainer, string dataset, IReadOnlyDictionary<string, string>? extra)
    {
        FolderCommit.Write(Directory, staging =>
        {
            trainer.Log.WriteCsv(Path.Combine(staging, Path.GetFileName(LogPath)));
            var info = new CheckpointInfo(dataset, trainer.SamplesSeen);
            Checkpoint.Save(Path.Combine(staging, Path.GetFileName(ModelPath)), trainer.Model, info, extra);
            LearnerCheckpoint.Save(Path.Combine(staging, LearnerCheckpoint.FileName), trainer.Learner,
                trainer.Counters, extra);
            var config = Path.Combine(staging, Path.GetFileName(ConfigPath));
            Checkpoint.WriteConfig(config, trainer.Model, info, trainer.Options, extra);
        });
        File.Delete(OldStatePath);
    }

    /// <summary>
    /// Opens the folder for training and holds its lock (<see cref="TrainingStart.Lock"/>): finishes a save a crash
    /// cut short, refuses a figure run's folder, deletes an earlier run when <paramref name="force"/>, then resumes
    /// the run saved here (<see cref="Resume"/>) or starts a new one.
    /// </summary>
    public TrainingStart Open(string dataset, VaeConfig config, TrainerOptions options, Binarization binarization,
        Dataset train, Dataset test, bool force)
    {
        var folderLock = DirectoryLock.Acquire(Directory, "another `aevb train`");
        try
        {
            FolderCommit.Recover(Directory); // a crash mid-save: finish that save, or fall back to the one before
            RefuseFigureRun();
            var existing = ExistingFiles().ToList();
            if (existing.Count > 0 && force)
                foreach (var f in existing) File.Delete(f);
            var deleted = force ? existing : [];
            var trainer = existing.Count > 0 && !force
                ? Resume(dataset, config, options, Metadata(binarization, options), train, test)
                : new Trainer(Trainer.CreateModel(config, options), train, test, options);
            return new TrainingStart(trainer, folderLock, Resumed: existing.Count > 0 && !force, deleted);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Trains to <paramref name="totalSamples"/>, saving everything at each evaluation (so the log's last row is the
    /// saved model) and at the end.
    /// </summary>
    public TrainingResult Train(Trainer trainer, string dataset, Binarization binarization, long totalSamples,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var metadata = Metadata(binarization, trainer.Options);
        return trainer.Train(totalSamples, progress, cancellationToken, () => Save(trainer, dataset, metadata));
    }

    /// <summary>
    /// After a cancelled <see cref="Train"/>: evaluates at the interruption point (the log's last row must be the
    /// saved model) unless the log has that row, then saves. <paramref name="evaluating"/> is told first, since an
    /// evaluation on a whole data set takes a while.
    /// </summary>
    public void SaveInterrupted(Trainer trainer, string dataset, Binarization binarization, Action? evaluating = null)
    {
        if (trainer.Log.Entries.Count == 0 || trainer.Log.Entries[^1].Samples != trainer.SamplesSeen)
        {
            evaluating?.Invoke();
            trainer.Evaluate();
        }
        Save(trainer, dataset, Metadata(binarization, trainer.Options));
    }

    /// <summary>What a binarized run records beside its settings (the binarization and its seed).</summary>
    public static Dictionary<string, string>? Metadata(Binarization binarization, TrainerOptions options)
        => binarization == Binarization.None ? null : new Dictionary<string, string>
        {
            ["binarization"] = binarization.ToString().ToLowerInvariant(),
            ["binarization_seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
        };

    /// <summary>
    /// A figure run's folder (run.json of <c>aevb reproduce</c>) is never trained into, and so never deleted by
    /// --force: that would throw away a run that may have taken days.
    /// </summary>
    private void RefuseFigureRun()
    {
        if (File.Exists(Path.Combine(Directory, Runs.FigureRun.InfoFile)))
            throw new InvalidDataException($"{Path.GetFullPath(Directory)} holds a figure run of `aevb reproduce` "
                                           + $"({Runs.FigureRun.InfoFile}); `aevb train` neither trains into nor "
                                           + "deletes it, even with --force: choose another --out folder.");
    }

    /// <summary>
    /// The trainer continuing the run saved here, or an <see cref="InvalidDataException"/> saying why it cannot be
    /// resumed (other settings, no optimizer state, files that do not belong together) and what to do.
    /// </summary>
    public Trainer Resume(string dataset, VaeConfig config, TrainerOptions options,
        IReadOnlyDictionary<string, string>? extra, Dataset train, Dataset test)
    {
        var full = Path.GetFullPath(Directory);
        string Refuse(string why) => $"{full} holds an earlier run that cannot be resumed: {why}. Nothing was changed. "
                                     + "Pass --force to delete it and start over, or choose another --out folder.";
        foreach (var f in new[] { ModelPath, StatePath, LogPath, ConfigPath })
            if (!File.Exists(f)) throw new InvalidDataException(Refuse($"{Path.GetFileName(f)} is missing"));
        if (SettingsDifferences(dataset, config, options, extra, Refuse) is { Count: > 0 } differences)
            throw new InvalidDataException(Refuse($"its settings differ ({string.Join("; ", differences.Take(4))})"));

        var loaded = Checkpoint.Load(ModelPath);
        if (loaded.Model.Config != config)
            throw new InvalidDataException(Refuse($"the model is {loaded.Model.Config}, this command trains {config}"));
        var old = StatePath == OldStatePath;
        var stateSamples = old ? TrainerState.SamplesSeen(StatePath) : LearnerCheckpoint.SamplesSeen(StatePath);
        if (stateSamples != loaded.Info.SamplesSeen)
            throw new InvalidDataException(Refuse(
                $"the optimizer state is at {stateSamples:N0} samples but the model at {loaded.Info.SamplesSeen:N0}"));
        var log = TrainingLog.ReadCsv(LogPath);
        var trainer = new Trainer(loaded.Model, train, test, options);
        if (old)
        {
            TrainerState.Restore(StatePath, trainer, log);
            return trainer;
        }
        var (counters, _) = LearnerCheckpoint.Load(StatePath, trainer.Learner, "; the checkpoint is damaged.");
        trainer.RestoreProgress(counters, log.Entries);
        return trainer;
    }

    /// <summary>The settings must be the ones this run would write: config.json against a fresh one.</summary>
    private List<string> SettingsDifferences(string dataset, VaeConfig config, TrainerOptions options,
        IReadOnlyDictionary<string, string>? extra, Func<string, string> refuse)
    {
        var probe = Path.Combine(Path.GetTempPath(), $"aevb-config-{Guid.NewGuid():N}.json");
        try
        {
            Checkpoint.WriteConfig(probe, new Vae(config), new CheckpointInfo(dataset, 0), options, extra);
            var wanted = JsonNode.Parse(File.ReadAllText(probe))!.AsObject();
            var stored = JsonNode.Parse(File.ReadAllText(ConfigPath)) as JsonObject
                         ?? throw new InvalidDataException(refuse($"{ConfigPath} is not a JSON object"));
            wanted.Remove("samples_seen");
            stored.Remove("samples_seen");
            return Differences(wanted, stored, "").ToList();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(refuse($"{ConfigPath} is not valid JSON ({e.Message})"));
        }
        finally
        {
            try { File.Delete(probe); } catch (IOException) { }
        }
    }

    private static IEnumerable<string> Differences(JsonObject wanted, JsonObject stored, string prefix)
    {
        foreach (var key in wanted.Select(kv => kv.Key).Union(stored.Select(kv => kv.Key)))
        {
            var a = wanted[key];
            var b = stored[key];
            if (a is JsonObject ao && b is JsonObject bo)
            {
                foreach (var d in Differences(ao, bo, prefix + key + ".")) yield return d;
            }
            else if (a?.ToJsonString() != b?.ToJsonString())
            {
                yield return $"{prefix}{key}: {b?.ToJsonString() ?? "none"} there, {a?.ToJsonString() ?? "none"} now";
            }
        }
    }
}

/// <summary>A training run opened in its folder: the trainer (new or resumed) and the folder's lock, held until
/// disposed.</summary>
/// <param name="Deleted">The earlier run's files that --force deleted.</param>
public sealed record TrainingStart(Trainer Trainer, IDisposable Lock, bool Resumed, IReadOnlyList<string> Deleted)
    : IDisposable
{
    public void Dispose() => Lock.Dispose();
}
