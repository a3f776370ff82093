using Aevb.Inference;

namespace Aevb.Plotting;

/// <summary>
/// Log-log charts of an estimator variance against L (notebook 02): one line per estimator in a fixed
/// colour and dash (A solid blue, B dashed orange, score-function dotted green, so lines that coincide stay
/// visible), and a grey dotted guide <c>∝ 1/L</c>, the slope every Monte Carlo average of L independent
/// samples has, drawn at half the first estimator's value so that it does not hide a line of slope −1.
/// Both axes are logarithmic; the y axis spans whole decades (at least two) around the values.
/// </summary>
public static class EstimatorVarianceChart
{
    /// <summary>
    /// One panel: <paramref name="metric"/> (e.g. <c>r =&gt; r.BoundVariance</c>) against L for every estimator in
    /// <paramref name="results"/>. With <paramref name="showLegend"/> false the traces get no legend entries
    /// (for the second panel of a <see cref="Chart.Grid(int, int, Chart?[])"/> that repeats the first's lines).
    /// <paramref name="tickFormat"/> is a d3 format for the y labels; null keeps plotly's (SI prefixes, <c>10µ</c>,
    /// with the steps between decades labelled by their digit), which stays legible on narrow ranges.
    /// </summary>
    public static Chart Create(IEnumerable<EstimatorVarianceResult> results, Func<EstimatorVarianceResult, double> metric,
        string? title = null, string yTitle = "variance", bool showLegend = true, string? tickFormat = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(metric);
        var groups = results.GroupBy(r => r.Estimator).OrderBy(g => g.Key).ToArray();
        if (groups.Length == 0) throw new ArgumentException("No results to plot.", nameof(results));

        var traces = new List<Trace>();
        foreach (var g in groups)
        {
            var rows = g.OrderBy(r => r.SamplesPerDatapoint).ToArray();
            traces.Add(new ScatterTrace([.. rows.Select(r => (double)r.SamplesPerDatapoint)], [.. rows.Select(metric)])
            {
                Name = EstimatorVariance.Name(g.Key),
                Color = ColorOf(g.Key),
                Dash = DashOf(g.Key),
                Mode = ScatterMode.LinesAndMarkers,
                MarkerSize = 7,
                LineWidth = 2.5,
                ShowLegend = showLegend ? null : false,
                LegendGroup = EstimatorVariance.Name(g.Key),
            });
        }

        // The guide starts at half the first estimator's value at its smallest L.
        var first = groups[0].OrderBy(r => r.SamplesPerDatapoint).ToArray();
        var l0 = first[0].SamplesPerDatapoint;
        var v0 = 0.5 * metric(first[0]);
        if (double.IsFinite(v0) && v0 > 0)
        {
            var ls = first.Select(r => (double)r.SamplesPerDatapoint).ToArray();
            traces.Add(new ScatterTrace([.. ls], [.. ls.Select(l => v0 * l0 / l)])
            {
                Name = "∝ 1/L",
                Color = "#999999",
                Dash = LineDash.Dot,
                LineWidth = 1.5,
                ShowLegend = showLegend ? null : false,
                LegendGroup = "reference",
            });
        }

        // Whole decades: plotly then labels the decades (and at most a few steps between them), and panels
        // side by side show slopes at comparable scales.
        var values = traces.OfType<ScatterTrace>().SelectMany(t => t.Y).Where(v => v > 0 && double.IsFinite(v)).ToArray();
        double? min = values.Length == 0 ? null : Math.Pow(10, Math.Floor(Math.Log10(values.Min())));
        double? max = values.Length == 0 ? null : Math.Pow(10, Math.Ceiling(Math.Log10(values.Max())));
        if (min is { } lo && max is { } hi && hi / lo < 100) max = lo * 100; // at least two decades

        return new Chart(traces)
            .WithTitle(title)
            // Starting just below the smallest L keeps plotly from labelling a stray tick at 0.9.
            .WithXAxis("L (samples per datapoint)", log: true,
                min: 0.95 * groups.Min(g => g.Min(r => r.SamplesPerDatapoint)), max: 1.05 * groups.Max(g => g.Max(r => r.SamplesPerDatapoint)))
            .WithYAxis(yTitle, log: true, min: min, max: max, tickFormat: tickFormat);
    }

    /// <summary>The colour of an estimator's line (plotly's first three palette colours).</summary>
    public static string ColorOf(Estimator estimator) => estimator switch
    {
        Estimator.A => Chart.Palette[0],
        Estimator.B => Chart.Palette[1],
        _ => Chart.Palette[2],
    };

    private static LineDash DashOf(Estimator estimator) => estimator switch
    {
        Estimator.A => LineDash.Solid,
        Estimator.B => LineDash.Dash,
        _ => LineDash.Dot,
    };
}
