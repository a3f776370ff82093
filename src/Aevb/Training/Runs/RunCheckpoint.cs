using System.Globalization;

namespace Aevb.Training.Runs;

/// <summary>
/// A figure run's <c>checkpoint.safetensors</c> (<see cref="LearnerCheckpoint"/>, with the run's name and the
/// positions of its random streams in the metadata) and the <c>model.safetensors</c> beside it in the format of
/// <c>aevb train</c>.
/// </summary>
internal static class RunCheckpoint
{
    public static void Save(FigureRun run, string directory, RunLearner learner, TrainingCounters counters,
        IReadOnlyDictionary<string, string>? streamState)
    {
        var metadata = new Dictionary<string, string> { ["run"] = run.Settings.Name };
        if (streamState is not null)
            foreach (var (k, v) in streamState) metadata[k] = v;
        LearnerCheckpoint.Save(Path.Combine(directory, FigureRun.CheckpointFile), learner, counters, metadata);
        Checkpoint.Save(Path.Combine(directory, FigureRun.ModelFile), learner.Model,
            new CheckpointInfo(run.Settings.Dataset, counters.Samples),
            new Dictionary<string, string> { ["method"] = run.Settings.Method });
    }

    /// <summary>Restores <paramref name="learner"/> from the run's checkpoint; returns its counters and
    /// metadata.</summary>
    public static (TrainingCounters Counters, IReadOnlyDictionary<string, string> Metadata) Load(
        FigureRun run, RunLearner learner)
    {
        // The counters decide where the run stands: a count past the run's end (or off the minibatch grid) would make
        // a run "completed" that never trained that far.
        var advice = $"; delete {run.Directory} to start over.";
        var (counters, file) = LearnerCheckpoint.Load(run.CheckpointPath, learner, advice, run.Settings.Samples);
        if (counters.Samples % run.Settings.BatchSize != 0)
            throw new InvalidDataException($"{run.CheckpointPath}: metadata 'samples_seen' = {counters.Samples} is not "
                                           + $"a multiple of the batch size {run.Settings.BatchSize}{advice}");
        return (counters, file.Metadata);
    }

    /// <summary>Where the segment that a Ctrl+C checkpoint cut short began (within one checkpoint interval before
    /// it).</summary>
    public static long SegmentStart(FigureRun run, string text, long samples)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var start) && start <= samples
           && samples - start <= run.Settings.CheckpointInterval
            ? start
            : throw new InvalidDataException(
                $"{run.CheckpointPath}: metadata '{MinibatchStream.SegmentStartKey}' = '{text}' "
                                           + $"is not a sample count within the checkpoint interval before {samples}; "
                                           + $"delete {run.Directory} to start over.");
}
