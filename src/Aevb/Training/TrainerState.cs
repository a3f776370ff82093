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
        var tensors = trainer.Optimizer.State()
            .Select(s => StateTensors.Vector("optimizer." + s.Name, s.Values)).ToArray();
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
    private const string NotAState = "; not an aevb optimizer state.";

    public static long SamplesSeen(string path)
    {
        var file = SafeTensors.Read(path);
        StateTensors.RequireMetadata(file, path, ["samples_seen"], NotAState);
        return file.Integer("samples_seen");
    }

    /// <summary>
    /// Restores the optimiser state from <paramref name="path"/> into <paramref name="trainer"/> (whose model already holds
    /// the saved weights) and its counters and <paramref name="log"/>. Errors name the file.
    /// </summary>
    public static void Restore(string path, Trainer trainer, TrainingLog log)
    {
        var file = SafeTensors.Read(path);
        StateTensors.RequireMetadata(file, path, ["optimizer", "samples_seen", "steps", "training_seconds"], NotAState);
        var kind = trainer.Options.Optimizer.ToString().ToLowerInvariant();
        if (file.Text("optimizer") != kind)
            throw new InvalidDataException(
                $"{path}: saved with the {file.Text("optimizer")} optimizer, this run uses {kind}.");
        foreach (var (name, values) in trainer.Optimizer.State())
            StateTensors.Restore(file, path, "optimizer." + name, values, "; the optimizer state is damaged.");
        trainer.RestoreProgress(file.Integer("samples_seen"), file.Integer("steps"),
            TimeSpan.FromSeconds(file.Number("training_seconds", 0, MaxSeconds)), log.Entries);
    }
}
