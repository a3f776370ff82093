using System.Globalization;
using Aevb.Training.Runs;

namespace Aevb.Training;

/// <summary>
/// Training progress as plain text, one line per evaluation, for notebooks and logs where a live bar
/// cannot redraw. One printer for both loops: <see cref="Trainer.Train"/> (<see cref="TrainingProgress"/>), e.g.
/// <c>mnist Nz=20  eval at 39,811 samples: train -141.27, test -140.52  (4.1 s, 9,712 samples/s)</c>, and
/// <see cref="FigureRun.Run"/> (<see cref="RunProgress"/>), e.g.
/// <c>  frey-h200-z2-aevb  1,000 samples  test_bound 512.35  (1,234 samples/s)</c>.
/// </summary>
/// <remarks>
/// Writes to <paramref name="writer"/> or, when none is given, to whatever <see cref="Console.Out"/> is at the
/// time of the line (a notebook runner redirects it cell by cell, so it must not be captured up front).
/// Lines are written synchronously on the training thread, unlike <see cref="Progress{T}"/>, which posts
/// them to the thread pool and can print them out of order or after the cell has finished.
/// </remarks>
public sealed class ProgressLines(string? prefix = null, TextWriter? writer = null)
    : IProgress<TrainingProgress>, IProgress<RunProgress>
{
    /// <summary>Evaluation lines written so far.</summary>
    public int LinesWritten { get; private set; }

    public void Report(TrainingProgress value)
    {
        if (value.IsEvaluation && value.Evaluation is { } e) Write(Format(e, value.SamplesPerSecond, prefix));
    }

    public void Report(RunProgress value)
    {
        if (value.IsEvaluation) Write(Format(value, prefix));
    }

    /// <summary>The line for one evaluation (<paramref name="samplesPerSecond"/> ≤ 0 leaves the rate out).</summary>
    public static string Format(TrainingLogEntry e, double samplesPerSecond = 0, string? prefix = null)
    {
        var ic = CultureInfo.InvariantCulture;
        var test = double.IsNaN(e.TestBound) ? "" : string.Format(ic, ", test {0:F2}", e.TestBound);
        var rate = samplesPerSecond > 0 ? string.Format(ic, ", {0:N0} samples/s", samplesPerSecond) : "";
        return string.Format(ic, "{0}eval at {1:N0} samples: train {2:F2}{3}  ({4:F1} s training{5})",
            Head(prefix), e.Samples, e.TrainBound, test, e.Seconds, rate);
    }

    /// <summary>The line for one figure-run evaluation: its metrics, standard errors (<c>*_se</c>) left out.</summary>
    public static string Format(RunProgress p, string? prefix = null)
    {
        var values = p.Evaluation is null ? "" : string.Join("  ", p.Evaluation
            .Where(kv => !kv.Key.EndsWith("_se", StringComparison.Ordinal))
            .Select(kv => $"{kv.Key} {kv.Value.ToString("F2", CultureInfo.InvariantCulture)}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{Head(prefix)}  {p.Name}  {p.Samples,9:N0} samples  {values}  ({p.SamplesPerSecond:N0} samples/s)");
    }

    private static string Head(string? prefix) => string.IsNullOrEmpty(prefix) ? "" : prefix + "  ";

    private void Write(string line)
    {
        var w = writer ?? Console.Out;
        w.WriteLine(line);
        // A figure run's writer may be a file a notebook tails while the run goes on.
        w.Flush();
        LinesWritten++;
    }
}
