using Aevb.IO;

namespace Aevb.Training.Runs;

/// <summary>
/// A figure run's <c>log.csv</c>: one row per evaluation, the first columns <c>samples</c> (training datapoints
/// processed), <c>train_seconds</c> (time in training steps) and <c>eval_seconds</c> (time in evaluations so far),
/// then the run's metrics (e.g. <c>train_bound,test_bound</c>). Empty cells are NaN (not measured).
/// Written whole and atomically after each evaluation, so a reader never sees half a row.
/// </summary>
public sealed class RunLog
{
    public static readonly string[] FixedColumns = ["samples", "train_seconds", "eval_seconds"];
    private readonly List<(long Samples, double TrainSeconds, double EvalSeconds, double[] Values)> _rows = [];

    public RunLog(IReadOnlyList<string> metrics)
    {
        if (metrics.Count == 0 || metrics.Any(m => m.Length == 0 || m.Contains(',') || FixedColumns.Contains(m)))
            throw new ArgumentException($"Bad metric names: {string.Join(", ", metrics)}.", nameof(metrics));
        Metrics = metrics.ToArray();
    }

    public IReadOnlyList<string> Metrics { get; }

    public int Count => _rows.Count;

    public IEnumerable<long> Samples => _rows.Select(r => r.Samples);

    public long LastSamples => _rows.Count == 0 ? 0 : _rows[^1].Samples;

    public void Add(long samples, double trainSeconds, double evalSeconds, IReadOnlyDictionary<string, double> values)
    {
        if (_rows.Count > 0 && samples <= _rows[^1].Samples)
            throw new ArgumentException($"Log rows must grow in samples: {samples} after {_rows[^1].Samples}.");
        var row = new double[Metrics.Count];
        for (var i = 0; i < row.Length; i++) row[i] = values.TryGetValue(Metrics[i], out var v) ? v : double.NaN;
        _rows.Add((samples, trainSeconds, evalSeconds, row));
    }

    /// <summary>The column <paramref name="metric"/> (or <c>samples</c>, <c>train_seconds</c>, <c>eval_seconds</c>) as doubles.</summary>
    public double[] Column(string metric)
    {
        switch (metric)
        {
            case "samples": return _rows.Select(r => (double)r.Samples).ToArray();
            case "train_seconds": return _rows.Select(r => r.TrainSeconds).ToArray();
            case "eval_seconds": return _rows.Select(r => r.EvalSeconds).ToArray();
        }
        var i = Array.IndexOf((string[])Metrics, metric);
        if (i < 0) throw new KeyNotFoundException($"The log has no column '{metric}' (columns: {string.Join(", ", FixedColumns.Concat(Metrics))}).");
        return _rows.Select(r => r.Values[i]).ToArray();
    }

    /// <summary>Drops rows after <paramref name="samples"/> (resuming from a checkpoint taken there).</summary>
    public void TruncateAfter(long samples) => _rows.RemoveAll(r => r.Samples > samples);

    public string ToCsv() => SampleCsv.Write(FixedColumns.Concat(Metrics),
        _rows.Select(r => (r.Samples, (IEnumerable<double>)[r.TrainSeconds, r.EvalSeconds, .. r.Values])));

    public void WriteCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());

    /// <summary>Reads a <c>log.csv</c>; errors name the file and the line.</summary>
    public static RunLog ReadCsv(string path)
    {
        var (header, rows) = SampleCsv.Read(path, "run log", "`aevb reproduce` writes DIR/<run>/log.csv",
            $"start with '{string.Join(",", FixedColumns)}' followed by metric names",
            h => h.Length > FixedColumns.Length && h.Take(FixedColumns.Length).SequenceEqual(FixedColumns));
        var log = new RunLog(header[FixedColumns.Length..]);
        foreach (var r in rows)
        {
            var metrics = new Dictionary<string, double>();
            for (var k = 0; k < log.Metrics.Count; k++) metrics[log.Metrics[k]] = r.Values[k + 2];
            try
            {
                log.Add(r.Samples, r.Values[0], r.Values[1], metrics);
            }
            catch (ArgumentException e)
            {
                throw SampleCsv.RowError(path, r.Line, e.Message);
            }
        }
        return log;
    }
}
