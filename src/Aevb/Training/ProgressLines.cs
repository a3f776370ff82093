using System.Globalization;

namespace Aevb.Training;

/// <summary>
/// Training progress as plain text, one line per evaluation, for notebooks and logs where a live bar
/// cannot redraw: e.g. <c>mnist Nz=20  eval at 39,811 samples: train -141.27, test -140.52  (4.1 s, 9,712 samples/s)</c>.
/// Pass it to <see cref="Trainer.Train"/>.
/// </summary>
/// <remarks>
/// Writes to <paramref name="writer"/> or, when none is given, to whatever <see cref="Console.Out"/> is at the
/// time of the line (a notebook runner redirects it cell by cell, so it must not be captured up front).
/// Lines are written synchronously on the training thread, unlike <see cref="Progress{T}"/>, which posts
/// them to the thread pool and can print them out of order or after the cell has finished.
/// </remarks>
public sealed class ProgressLines(string? prefix = null, TextWriter? writer = null) : IProgress<TrainingProgress>
{
    /// <summary>Evaluation lines written so far.</summary>
    public int LinesWritten { get; private set; }

    public void Report(TrainingProgress value)
    {
        if (!value.IsEvaluation || value.Evaluation is not { } e) return;
        (writer ?? Console.Out).WriteLine(Format(e, value.SamplesPerSecond, prefix));
        LinesWritten++;
    }

    /// <summary>The line for one evaluation (<paramref name="samplesPerSecond"/> ≤ 0 leaves the rate out).</summary>
    public static string Format(TrainingLogEntry e, double samplesPerSecond = 0, string? prefix = null)
    {
        var ic = CultureInfo.InvariantCulture;
        var head = string.IsNullOrEmpty(prefix) ? "" : prefix + "  ";
        var test = double.IsNaN(e.TestBound) ? "" : string.Format(ic, ", test {0:F2}", e.TestBound);
        var rate = samplesPerSecond > 0 ? string.Format(ic, ", {0:N0} samples/s", samplesPerSecond) : "";
        return string.Format(ic, "{0}eval at {1:N0} samples: train {2:F2}{3}  ({4:F1} s training{5})",
            head, e.Samples, e.TrainBound, test, e.Seconds, rate);
    }
}
