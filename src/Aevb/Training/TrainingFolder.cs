using System.Text.Json;
using System.Text.Json.Nodes;
using Aevb.Data;
using Aevb.IO;
using Aevb.Models;

namespace Aevb.Training;

/// <summary>
/// The folder of an <c>aevb train</c> run: <c>model.safetensors</c>, the optimizer state, <c>config.json</c> and
/// <c>log.csv</c>, saved together (<see cref="FolderCommit"/>) and resumed together. The command line only parses
/// options; what a resumable folder is, and when one is refused, lives here.
/// </summary>
public sealed class TrainingFolder(string directory)
{
    public string Directory { get; } = directory;

    public string ModelPath => Path.Combine(Directory, "model.safetensors");

    public string LogPath => Path.Combine(Directory, "log.csv");

    public string ConfigPath => Path.Combine(Directory, "config.json");

    public string StatePath => Path.Combine(Directory, TrainerState.FileName);

    /// <summary>The run's files that exist already.</summary>
    public IReadOnlyList<string> ExistingFiles()
        => new[] { ModelPath, StatePath, LogPath, ConfigPath }.Where(File.Exists).ToList();

    /// <summary>
    /// Model, optimizer state, log and config replace the previous ones together or not at all: a crash or a full
    /// disk at any instant leaves a folder that resumes, from this save or the one before.
    /// </summary>
    public void Save(Trainer trainer, string dataset, IReadOnlyDictionary<string, string>? extra)
        => FolderCommit.Write(Directory, staging =>
        {
            trainer.Log.WriteCsv(Path.Combine(staging, Path.GetFileName(LogPath)));
            var info = new CheckpointInfo(dataset, trainer.SamplesSeen);
            Checkpoint.Save(Path.Combine(staging, Path.GetFileName(ModelPath)), trainer.Model, info, extra);
            TrainerState.Save(Path.Combine(staging, Path.GetFileName(StatePath)), trainer);
            var config = Path.Combine(staging, Path.GetFileName(ConfigPath));
            Checkpoint.WriteConfig(config, trainer.Model, info, trainer.Options, extra);
        });

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
        var stateSamples = TrainerState.SamplesSeen(StatePath);
        if (stateSamples != loaded.Info.SamplesSeen)
            throw new InvalidDataException(Refuse(
                $"the optimizer state is at {stateSamples:N0} samples but the model at {loaded.Info.SamplesSeen:N0}"));
        var log = TrainingLog.ReadCsv(LogPath);
        var trainer = new Trainer(loaded.Model, train, test, options);
        TrainerState.Restore(StatePath, trainer, log);
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
