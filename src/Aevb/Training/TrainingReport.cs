using System.Globalization;

namespace Aevb.Training;

/// <summary>The line a notebook prints after a training run: the test bound before and after, and the speed.</summary>
public static class TrainingReport
{
    /// <summary>"Test bound B0 -> B1 after N samples (T s, S samples/s)." for the run so far.</summary>
    public static string Line(Trainer trainer, double before, double after)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var seconds = trainer.TrainingTime.TotalSeconds;
        var speed = seconds > 0 ? trainer.SamplesSeen / seconds : double.NaN;
        return string.Create(CultureInfo.InvariantCulture, $"Test bound {before:F2} -> {after:F2} after " +
            $"{trainer.SamplesSeen:N0} samples ({seconds:F0} s, {speed:N0} samples/s).");
    }
}
