using System.Globalization;

namespace Aevb.Training;

/// <summary>
/// What <c>aevb train</c> saves beside <c>model.safetensors</c> so an interrupted run can be resumed: the optimiser's
/// state (<see cref="Optim.Optimizer.State"/>) as <c>optimizer.safetensors</c>, with the samples seen, steps and
/// training time in its metadata. The model file stays a plain PyTorch-loadable state dict.
/// </summary>
public static class TrainerState
{
    public const string FileName = "optimizer.safetensors";

    /// <summary>Largest training time a state file may record: a thousand years, far inside <see cref="TimeSpan"/>'s range.</summary>
    public const double MaxSeconds = 1000 * 365.25 * 86400;

    /// <summary>Writes the optimiser state of <paramref name="trainer"/> atomically.</summary>
    public static void Save(string path, Trainer trainer)
    {
        var tensors = trainer.Optimizer.State().Select(s => new SafeTensor("optimizer." + s.Name, [s.Values.Length], s.Values)).ToArray();
        var metadata = new Dictionary<string, string>
        {
            ["optimizer"] = trainer.Options.Optimizer.ToString().ToLowerInvariant(),
            ["samples_seen"] = trainer.SamplesSeen.ToString(CultureInfo.InvariantCulture),
            ["steps"] = trainer.Steps.ToString(CultureInfo.InvariantCulture),
            ["training_seconds"] = trainer.TrainingTime.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
        };
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>The samples seen recorded in a state file (to check it belongs with the model beside it).</summary>
    public static long SamplesSeen(string path)
    {
        var file = SafeTensors.Read(path);
        if (!file.Metadata.ContainsKey("samples_seen")) throw new InvalidDataException($"{path}: metadata lacks 'samples_seen'; not an aevb optimizer state.");
        return file.Integer("samples_seen");
    }

    /// <summary>
    /// Restores the optimiser state from <paramref name="path"/> into <paramref name="trainer"/> (whose model already holds
    /// the saved weights) and its counters and <paramref name="log"/>. Errors name the file.
    /// </summary>
    public static void Restore(string path, Trainer trainer, TrainingLog log)
    {
        var file = SafeTensors.Read(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{path}: metadata lacks '{key}'; not an aevb optimizer state.");
        var kind = trainer.Options.Optimizer.ToString().ToLowerInvariant();
        if (Meta("optimizer") != kind)
            throw new InvalidDataException($"{path}: saved with the {Meta("optimizer")} optimizer, this run uses {kind}.");
        foreach (var (name, values) in trainer.Optimizer.State())
        {
            var t = file.Find("optimizer." + name) ?? throw new InvalidDataException($"{path}: tensor 'optimizer.{name}' is missing.");
            if (t.Data.Length != values.Length)
                throw new InvalidDataException($"{path}: tensor 'optimizer.{name}' has {t.Data.Length} values, the model needs {values.Length}.");
            // NaN sums would train on silently (every update NaN) and the run would then blame its step size.
            var bad = Array.FindIndex(t.Data, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new InvalidDataException($"{path}: tensor 'optimizer.{name}' holds {t.Data[bad]} at index {bad}, not a finite number; the optimizer state is damaged.");
            t.Data.AsSpan().CopyTo(values);
        }
        // A missing key first (the file is not what it should be), then each value through the typed, range-checked readers.
        foreach (var key in new[] { "samples_seen", "steps", "training_seconds" }) Meta(key);
        trainer.RestoreProgress(file.Integer("samples_seen"), file.Integer("steps"),
            TimeSpan.FromSeconds(file.Number("training_seconds", 0, MaxSeconds)), log.Entries);
    }
}
