using Aevb.Training;

namespace Aevb.Plotting;

/// <summary>
/// Learning curves in the style of the paper's Figure 2: the average lower bound per datapoint on the
/// training set (solid) and the test set (dashed) against the number of training samples evaluated,
/// on a logarithmic x axis, from a <see cref="TrainingLog"/>.
/// </summary>
public static class BoundCurves
{
    /// <summary>Train (solid) and test (dashed) curves of one run, in one colour; <paramref name="name"/> prefixes the legend entries.</summary>
    public static Chart FromLog(TrainingLog log, string? name = null, string? color = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (log.Entries.Count == 0) throw new ArgumentException("BoundCurves: the training log has no evaluations yet.", nameof(log));
        color ??= Chart.Palette[0];
        var prefix = string.IsNullOrEmpty(name) ? "" : name + ", ";
        var samples = log.Entries.Select(e => e.Samples).ToArray();
        var parts = new List<Chart>
        {
            Chart.Line(samples, log.Entries.Select(e => e.TrainBound), name: prefix + "train", color: color, showMarkers: true),
        };
        // A run without a test set logs NaN test bounds; draw no empty test curve then.
        if (log.Entries.Any(e => !double.IsNaN(e.TestBound)))
            parts.Add(Chart.Line(samples, log.Entries.Select(e => e.TestBound), name: prefix + "test", color: color, dash: LineDash.Dash, showMarkers: true));
        return Axes(Chart.Combine(parts));
    }

    /// <summary>Several runs on one pair of axes, each in its own palette colour (e.g. one per latent size).</summary>
    public static Chart FromLogs(IEnumerable<(string Name, TrainingLog Log)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var list = runs.ToList();
        if (list.Count == 0) throw new ArgumentException("BoundCurves: there are no runs.", nameof(runs));
        return Chart.Combine(list.Select((r, k) => FromLog(r.Log, r.Name, Chart.Palette[k % Chart.Palette.Count])));
    }

    private static Chart Axes(Chart chart) => chart
        .WithXAxis("training samples evaluated", log: true)
        .WithYAxis("average lower bound per datapoint (nats)")
        .WithLegend(true, LegendPosition.InsideBottomRight);
}
