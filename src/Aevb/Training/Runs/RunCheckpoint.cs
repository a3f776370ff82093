using System.Globalization;

namespace Aevb.Training.Runs;

/// <summary>Where a run stands: training samples and steps done, and the seconds spent training and
/// evaluating.</summary>
internal readonly record struct RunCounters(long Samples, long Steps, double TrainSeconds, double EvalSeconds);

/// <summary>
/// A figure run's <c>checkpoint.safetensors</c> (parameters as <c>model.*</c>, the learner's state buffers as
/// <c>state.*</c>, counters and stream positions as metadata) and the <c>model.safetensors</c> beside it in the
/// format of <c>aevb train</c>. Loading checks every tensor's size and finiteness and every counter's range, so a
/// damaged file is refused rather than resumed into nonsense.
/// </summary>
internal static class RunCheckpoint
{
    public static void Save(FigureRun run, string directory, RunLearner learner, RunCounters counters,
        IReadOnlyDictionary<string, string>? streamState)
    {
        var tensors = new List<SafeTensor>();
        foreach (var (name, p) in learner.Model.NamedParameters)
            tensors.Add(new SafeTensor("model." + name, [p.Value.Rows, p.Value.Cols], p.Value.Data.ToArray()));
        foreach (var (name, buffer) in learner.StateBuffers())
            tensors.Add(StateTensors.Vector("state." + name, buffer()));
        var metadata = new Dictionary<string, string>
        {
            ["run"] = run.Settings.Name,
            ["samples_seen"] = counters.Samples.ToString(CultureInfo.InvariantCulture),
            ["steps"] = counters.Steps.ToString(CultureInfo.InvariantCulture),
            ["train_seconds"] = counters.TrainSeconds.ToString("R", CultureInfo.InvariantCulture),
            ["eval_seconds"] = counters.EvalSeconds.ToString("R", CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in learner.StateMetadata()) metadata[k] = v;
        if (streamState is not null)
            foreach (var (k, v) in streamState) metadata[k] = v;
        SafeTensors.Write(Path.Combine(directory, FigureRun.CheckpointFile), tensors, metadata);
        Checkpoint.Save(Path.Combine(directory, FigureRun.ModelFile), learner.Model,
            new CheckpointInfo(run.Settings.Dataset, counters.Samples),
            new Dictionary<string, string> { ["method"] = run.Settings.Method });
    }

    /// <summary>Restores <paramref name="learner"/> from the run's checkpoint; returns its counters and
    /// metadata.</summary>
    public static (RunCounters Counters, IReadOnlyDictionary<string, string> Metadata) Load(
        FigureRun run, RunLearner learner)
    {
        var path = run.CheckpointPath;
        var file = SafeTensors.Read(path);
        var advice = $"; delete {run.Directory} to start over.";
        foreach (var (name, p) in learner.Model.NamedParameters)
            StateTensors.Restore(file, path, "model." + name, p.Value.Span, advice);
        foreach (var (name, buffer) in learner.StateBuffers())
            StateTensors.Restore(file, path, "state." + name, buffer(), advice);
        StateTensors.RequireMetadata(file, path, ["samples_seen", "steps", "train_seconds", "eval_seconds"], advice);
        try
        {
            learner.RestoreMetadata(file);
            // The counters decide where the run stands: a count past the run's end (or off the minibatch grid)
            // would make a run "completed" that never trained that far.
            var samples = file.Integer("samples_seen", 0, run.Settings.Samples);
            if (samples % run.Settings.BatchSize != 0)
                throw new InvalidDataException($"{path}: metadata 'samples_seen' = {samples} is not a multiple of "
                                               + $"the batch size {run.Settings.BatchSize}.");
            var counters = new RunCounters(samples, file.Integer("steps"),
                file.Number("train_seconds", 0, TrainerState.MaxSeconds),
                file.Number("eval_seconds", 0, TrainerState.MaxSeconds));
            return (counters, file.Metadata);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{e.Message} Delete {run.Directory} to start over.", e);
        }
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
