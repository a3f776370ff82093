using Aevb.Inference;

namespace Aevb.Plotting;

/// <summary>
/// Log-log charts of an estimator variance against L (notebook 02): one line per estimator in a fixed
/// colour and dash (A solid blue, B dashed orange, score-function dotted green, so lines that coincide stay
/// visible), and a grey reference line <c>∝ 1/L</c>, the slope every Monte Carlo average of L independent
/// samples has.
/// </summary>
public static class EstimatorVarianceChart
{
    /// <summary>
    /// One panel: <paramref name="metric"/> (e.g. <c>r =&gt; r.BoundVariance</c>) against L for every estimator in
    /// <paramref name="results"/>. With <paramref name="showLegend"/> false the traces get no legend entries
    /// (for the second panel of a <see cref="Chart.Grid(int, int, Chart?[])"/> that repeats the first's lines).
    /// </summary>
    public static Chart Create(IEnumerable<EstimatorVarianceResult> results, Func<EstimatorVarianceResult, double> metric,
        string? title = null, string yTitle = "variance", bool showLegend = true)
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

        // The reference starts at the first estimator's value at its smallest L.
        var first = groups[0].OrderBy(r => r.SamplesPerDatapoint).ToArray();
        var l0 = first[0].SamplesPerDatapoint;
        var v0 = metric(first[0]);
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

        return new Chart(traces)
            .WithTitle(title)
            .WithXAxis("L (samples per datapoint)", log: true)
            .WithYAxis(yTitle, log: true);
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
