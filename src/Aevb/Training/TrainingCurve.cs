using System.Diagnostics;
using System.Globalization;
using Aevb.Plotting;

namespace Aevb.Training;

/// <summary>
/// A training run's curve: the mean minibatch bound per datapoint over each stretch of <c>every</c> training samples,
/// recorded while any training step runs (our engine's <see cref="Trainer.Step"/>, a TorchSharp loop, ...), so runs of
/// different engines or objectives can be drawn on one chart (<see cref="ToChart"/>).
/// </summary>
public sealed class TrainingCurve
{
    private readonly List<long> _samples = [];
    private readonly List<double> _bounds = [];

    /// <summary>An empty curve named <paramref name="name"/> (the legend entry).</summary>
    public TrainingCurve(string name) => Name = name;

    /// <summary>The legend entry.</summary>
    public string Name { get; }
    /// <summary>Training samples seen at the end of each stretch.</summary>
    public IReadOnlyList<long> Samples => _samples;
    /// <summary>Mean minibatch bound per datapoint over each stretch.</summary>
    public IReadOnlyList<double> Bounds => _bounds;
    /// <summary>Wall-clock time of the steps.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>
    /// Runs <paramref name="step"/> (one minibatch of <paramref name="batchSize"/>; it returns the minibatch's mean bound
    /// per datapoint) until <paramref name="count"/> samples, recording the mean over each <paramref name="every"/> samples.
    /// </summary>
    public static TrainingCurve Record(string name, long count, Func<float> step, int batchSize = 100, long every = 1000)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (batchSize <= 0 || every < batchSize) throw new ArgumentOutOfRangeException(nameof(every), "TrainingCurve: need 0 < batchSize <= every.");
        var curve = new TrainingCurve(name);
        var watch = Stopwatch.StartNew();
        double sum = 0;
        int steps = 0;
        for (long seen = 0; seen < count;)
        {
            sum += step();
            steps++;
            seen += batchSize;
            if (seen % every == 0 || seen >= count)
            {
                curve._samples.Add(seen);
                curve._bounds.Add(sum / steps);
                (sum, steps) = (0, 0);
            }
        }
        curve.Elapsed = watch.Elapsed;
        return curve;
    }

    /// <summary>
    /// The curves on one chart, training samples on a log axis as in Figure 2. The y axis shows the climb after the first
    /// stretch (whose mean, dominated by the first steps from 784 log ½ and below, would flatten everything else).
    /// </summary>
    public static Chart ToChart(string title, params TrainingCurve[] curves)
    {
        var later = curves.SelectMany(c => c.Bounds.Skip(1)).Where(double.IsFinite).ToArray();
        var chart = Chart.Combine(curves.Select(c => Chart.Line(c.Samples, c.Bounds, name: c.Name)))
            .WithTitle(title)
            .WithXAxis("training samples", log: true)
            .WithLegend(true, LegendPosition.Bottom)
            .WithSize(800, 420);
        if (later.Length == 0) return chart.WithYAxis("mean minibatch bound per datapoint (nats)");
        double lo = later.Min(), hi = later.Max(), pad = Math.Max(1, 0.05 * (hi - lo));
        return chart.WithYAxis("mean minibatch bound per datapoint (nats)", min: lo - pad, max: hi + pad);
    }

    /// <summary>"name: N samples in T s, last bound B".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {(_samples.Count == 0 ? 0 : _samples[^1]):N0} samples in {Elapsed.TotalSeconds:F0} s, last bound {(_bounds.Count == 0 ? double.NaN : _bounds[^1]):F2}");
}
