using System.Globalization;
using System.Text;
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

    public string ToCsv()
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var e in _entries)
            sb.Append(e.Samples.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(Format(e.Seconds)).Append(',')
              .Append(Format(e.TrainBound)).Append(',')
              .Append(Format(e.TestBound)).Append(',')
              .Append(Format(e.MinibatchBound)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes the CSV atomically (a reader never sees half a log).</summary>
    public void WriteCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());

    /// <summary>Reads a log written by <see cref="WriteCsv"/>; errors name the file and line.</summary>
    public static TrainingLog ReadCsv(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such training log (aevb train writes DIR/log.csv).", path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim() != Header)
            throw new InvalidDataException($"{path}: not a training log; the first line must be '{Header}'.");
        var log = new TrainingLog();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split(',');
            if (f.Length != 5 || !long.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var samples)
                || !TryParse(f[1], out var seconds) || !TryParse(f[2], out var train) || !TryParse(f[3], out var test) || !TryParse(f[4], out var mb))
                throw new InvalidDataException($"{path}: line {i + 1} is not 'samples,seconds,train_bound,test_bound,minibatch_bound': '{lines[i]}'.");
            log.Add(new TrainingLogEntry(samples, seconds, train, test, mb));
        }
        return log;
    }

    private static string Format(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    private static bool TryParse(string s, out double v)
    {
        if (s.Length == 0) { v = double.NaN; return true; }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v);
    }
}
