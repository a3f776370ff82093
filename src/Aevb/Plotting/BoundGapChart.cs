namespace Aevb.Plotting;

/// <summary>
/// One column of notebook 01's figure of eq. 1 as <c>q</c> moves along one setting (its mean or its standard
/// deviation): on top <c>log p(x)</c> and the bound <c>L</c>, below the gap <c>KL(q ‖ p(z|x))</c> with markers at
/// <c>log p(x) − L</c>, which must sit on it; a dotted line marks where <c>q</c> is the true posterior.
/// </summary>
public static class BoundGapChart
{
    private const string LogPxColor = "#1f77b4", BoundColor = "#ff7f0e", PosteriorColor = "#2ca02c";
    private const string GapColor = "#d62728", MarkColor = "#9467bd";

    /// <summary>
    /// The two panels for the settings <paramref name="at"/>. <paramref name="gapMax"/> sets the height of the
    /// posterior line, so that columns drawn side by side share it; with <paramref name="legend"/> false the column
    /// adds no legend entries (the first column of a grid lists the curves once).
    /// </summary>
    public static (Chart Top, Chart Bottom) Column(double[] at, Func<double, double> bound, Func<double, double> gap,
        double logPx, double posterior, double gapMax, bool legend)
    {
        ArgumentNullException.ThrowIfNull(at);
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(gap);
        Chart Shown(Chart c) => legend ? c : c.WithoutLegendEntries();
        var atPosterior = new[] { posterior, posterior };
        var marks = at.Where((_, i) => i % 6 == 0).ToArray();   // every 6th setting: markers a line can be seen through
        var top = Chart.Combine(
            Shown(Chart.Line(at, at.Select(_ => logPx), name: "log p(x)", color: LogPxColor)),
            Shown(Chart.Line(at, at.Select(bound), name: "bound L", color: BoundColor)),
            Shown(Chart.Line(atPosterior, new[] { logPx - gapMax, logPx + 0.5 }, name: "q = p(z|x)",
                color: PosteriorColor, dash: LineDash.Dot)));
        var bottom = Chart.Combine(
            Shown(Chart.Line(at, at.Select(gap), name: "gap KL(q ‖ p(z|x))", color: GapColor)),
            Shown(Chart.Scatter(marks, marks.Select(a => logPx - bound(a)), name: "log p(x) − L", color: MarkColor,
                size: 6)),
            Chart.Line(atPosterior, new[] { 0, gapMax }, name: "q = p(z|x)", color: PosteriorColor, dash: LineDash.Dot)
                .WithoutLegendEntries());
        return (top, bottom);
    }
}
