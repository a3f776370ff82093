using System.Globalization;
using System.Text;

namespace Aevb.Training;

/// <summary>
/// The CSV shape both logs share (<see cref="TrainingLog"/> for <c>aevb train</c>, <see cref="Runs.RunLog"/> for
/// figure runs): a header, then one row per evaluation whose first cell is the integer <c>samples</c> and whose other
/// cells are doubles, written round-trip exact, an empty cell meaning NaN (not measured). Reading names the file,
/// the line and the column of what is wrong, because these files are committed and edited by hand.
/// </summary>
internal static class SampleCsv
{
    /// <summary>One data row: its 1-based line in the file, <c>samples</c>, and the cells after it.</summary>
    public readonly record struct Row(int Line, long Samples, double[] Values);

    public static string Write(IEnumerable<string> columns,
        IEnumerable<(long Samples, IEnumerable<double> Values)> rows)
    {
        var sb = new StringBuilder().AppendJoin(',', columns).Append('\n');
        foreach (var (samples, values) in rows)
        {
            sb.Append(samples.ToString(CultureInfo.InvariantCulture));
            foreach (var v in values) sb.Append(',').Append(Format(v));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <param name="path">The file.</param>
    /// <param name="kind">What the file is, for messages ("training log").</param>
    /// <param name="writtenBy">What writes such a file, for the message when it is missing.</param>
    /// <param name="expected">The header rule as a message states it ("be 'samples,…'").</param>
    /// <param name="accepts">Whether a header, split at commas, is one of this kind.</param>
    public static (string[] Header, List<Row> Rows) Read(string path, string kind, string writtenBy, string expected,
        Func<string[], bool> accepts)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such {kind} ({writtenBy}).", path);
        var lines = File.ReadAllLines(path);
        var header = lines.Length == 0 ? [] : lines[0].Trim().Split(',');
        if (!accepts(header)) throw new InvalidDataException($"{path}: not a {kind}; the first line must {expected}.");
        var rows = new List<Row>();
        for (var i = 1; i < lines.Length; i++)
            if (lines[i].Length > 0) rows.Add(ReadRow(path, i + 1, lines[i], header));
        return (header, rows);
    }

    /// <summary>The error for a row that parses but does not fit the log (e.g. samples that do not grow).</summary>
    public static InvalidDataException RowError(string path, int line, string message)
        => new($"{path}: line {line}: {message}");

    private static Row ReadRow(string path, int line, string text, string[] header)
    {
        var f = text.Split(',');
        if (f.Length != header.Length)
            throw RowError(path, line, $"it does not have the {header.Length} columns of the header: '{text}'.");
        if (!long.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var samples))
            throw RowError(path, line, $"column '{header[0]}': '{f[0]}' is not an integer.");
        var values = new double[f.Length - 1];
        for (var k = 1; k < f.Length; k++)
            if (!TryParse(f[k], out values[k - 1]))
                throw RowError(path, line, $"column '{header[k]}': '{f[k]}' is not a number.");
        return new Row(line, samples, values);
    }

    private static string Format(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    private static bool TryParse(string s, out double v)
    {
        if (s.Length == 0) { v = double.NaN; return true; }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v);
    }
}
