using System.Globalization;
using Aevb.Training.Runs;

namespace Aevb.Training;

/// <summary>Where a run stands: training samples and steps done, and the seconds spent training and
/// evaluating.</summary>
public readonly record struct TrainingCounters(long Samples, long Steps, double TrainSeconds, double EvalSeconds);

/// <summary>
/// The one checkpoint format, <c>checkpoint.safetensors</c>, of <c>aevb train</c> folders and figure runs alike: a
/// <see cref="RunLearner"/>'s parameters as <c>model.*</c> (<c>[rows, cols]</c>), its state buffers (optimiser sums,
/// MCEM's chains) as <c>state.*</c>, and in the metadata the <see cref="TrainingCounters"/> (<c>samples_seen</c>,
/// <c>steps</c>, <c>train_seconds</c>, <c>eval_seconds</c>), the learner's own scalars and whatever the caller adds
/// (a figure run's name and stream positions). It is the layout figure runs have written from the start, so every
/// figure checkpoint committed under <c>results/</c> is already one; <c>aevb train</c> folders saved before it
/// (<c>optimizer.safetensors</c>) still read through <see cref="TrainerState"/>. Loading checks every tensor's size
/// and finiteness and every counter's range, so a damaged file is refused rather than resumed into nonsense.
/// </summary>
public static class LearnerCheckpoint
{
    public const string FileName = "checkpoint.safetensors";

    /// <summary>Largest training time a checkpoint may record: a thousand years, far inside <see cref="TimeSpan"/>'s
    /// range.</summary>
    public const double MaxSeconds = 1000 * 365.25 * 86400;

    private static readonly string[] CounterKeys = ["samples_seen", "steps", "train_seconds", "eval_seconds"];

    /// <summary>Writes the checkpoint atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, RunLearner learner, TrainingCounters counters,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = new List<SafeTensor>();
        foreach (var (name, p) in learner.Model.NamedParameters)
            tensors.Add(new SafeTensor("model." + name, [p.Value.Rows, p.Value.Cols], p.Value.Data.ToArray()));
        foreach (var (name, buffer) in learner.StateBuffers())
            tensors.Add(StateTensors.Vector("state." + name, buffer()));
        var meta = new Dictionary<string, string>();
        if (metadata is not null)
            foreach (var (k, v) in metadata) meta[k] = v;
        meta["samples_seen"] = counters.Samples.ToString(CultureInfo.InvariantCulture);
        meta["steps"] = counters.Steps.ToString(CultureInfo.InvariantCulture);
        meta["train_seconds"] = counters.TrainSeconds.ToString("R", CultureInfo.InvariantCulture);
        meta["eval_seconds"] = counters.EvalSeconds.ToString("R", CultureInfo.InvariantCulture);
        foreach (var (k, v) in learner.StateMetadata()) meta[k] = v;
        SafeTensors.Write(path, tensors, meta);
    }

    /// <summary>
    /// Restores <paramref name="learner"/> (parameters, state buffers, its own scalars) from <paramref name="path"/>
    /// and returns the counters, at most <paramref name="maxSamples"/> samples, and the file (for the caller's own
    /// metadata). <paramref name="advice"/> ends every error message (what to do about a damaged file).
    /// </summary>
    public static (TrainingCounters Counters, SafeTensorsFile File) Load(string path, RunLearner learner,
        string advice, long maxSamples = long.MaxValue)
    {
        var file = SafeTensors.Read(path);
        foreach (var (name, p) in learner.Model.NamedParameters)
            StateTensors.Restore(file, path, "model." + name, p.Value.Span, advice);
        foreach (var (name, buffer) in learner.StateBuffers())
            StateTensors.Restore(file, path, "state." + name, buffer(), advice);
        StateTensors.RequireMetadata(file, path, CounterKeys, advice);
        try
        {
            learner.RestoreMetadata(file);
            var counters = new TrainingCounters(file.Integer("samples_seen", 0, maxSamples), file.Integer("steps"),
                file.Number("train_seconds", 0, MaxSeconds), file.Number("eval_seconds", 0, MaxSeconds));
            return (counters, file);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException(e.Message.TrimEnd('.') + advice, e);
        }
    }

    /// <summary>The samples seen that a checkpoint records (to check it belongs with the model beside it).</summary>
    public static long SamplesSeen(string path)
    {
        var file = SafeTensors.Read(path);
        StateTensors.RequireMetadata(file, path, ["samples_seen"], "; not an aevb checkpoint.");
        return file.Integer("samples_seen");
    }
}
