namespace Aevb.Training;

/// <summary>
/// The resume file of <c>aevb train</c> folders saved before there was one checkpoint format:
/// <c>optimizer.safetensors</c>, the optimiser's state (<see cref="Optim.Optimizer.State"/>) as <c>optimizer.*</c>
/// with the samples seen, steps and training time in its metadata. Read only: folders save a
/// <see cref="LearnerCheckpoint"/> now, and the first save after resuming one of these replaces it.
/// </summary>
public static class TrainerState
{
    public const string FileName = "optimizer.safetensors";

    private const string NotAState = "; not an aevb optimizer state.";

    /// <summary>The samples seen recorded in a state file (to check it belongs with the model beside it).</summary>
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
        var counters = new TrainingCounters(file.Integer("samples_seen"), file.Integer("steps"),
            file.Number("training_seconds", 0, LearnerCheckpoint.MaxSeconds), 0);
        trainer.RestoreProgress(counters, log.Entries);
    }
}
