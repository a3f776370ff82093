using Aevb.IO;

namespace Aevb.Training;

/// <summary>One evaluation: the average lower bound per datapoint on the train and test sets after <c>Samples</c>.</summary>
/// <param name="Samples">Training datapoints processed (x axis of Figure 2).</param>
/// <param name="Seconds">Training time so far, evaluations excluded.</param>
/// <param name="TrainBound">Average bound per datapoint on the training set (NaN if not evaluated).</param>
/// <param name="TestBound">Average bound per datapoint on the test set (NaN without a test set).</param>
/// <param name="MinibatchBound">Mean of the training minibatch estimates since the previous entry.</param>
public sealed record TrainingLogEntry(long Samples, double Seconds, double TrainBound, double TestBound, double MinibatchBound);

/// <summary>The evaluations of a run, written as CSV: <c>samples,seconds,train_bound,test_bound,minibatch_bound</c>.</summary>
public sealed class TrainingLog
{
    public const string Header = "samples,seconds,train_bound,test_bound,minibatch_bound";
    private readonly List<TrainingLogEntry> _entries = [];

    public IReadOnlyList<TrainingLogEntry> Entries => _entries;

    public void Add(TrainingLogEntry entry) => _entries.Add(entry);

    public string ToCsv() => SampleCsv.Write(Header.Split(','), _entries.Select(e =>
        (e.Samples, (IEnumerable<double>)[e.Seconds, e.TrainBound, e.TestBound, e.MinibatchBound])));

    /// <summary>Writes the CSV atomically (a reader never sees half a log).</summary>
    public void WriteCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());

    /// <summary>Reads a log written by <see cref="WriteCsv"/>; errors name the file and line.</summary>
    public static TrainingLog ReadCsv(string path)
    {
        var (_, rows) = SampleCsv.Read(path, "training log", "aevb train writes DIR/log.csv", $"be '{Header}'",
            header => string.Join(',', header) == Header);
        var log = new TrainingLog();
        foreach (var (_, samples, v) in rows) log.Add(new TrainingLogEntry(samples, v[0], v[1], v[2], v[3]));
        return log;
    }
}
