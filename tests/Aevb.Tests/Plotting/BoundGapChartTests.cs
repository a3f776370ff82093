using Aevb.Plotting;

namespace Aevb.Tests.Plotting;

public class BoundGapChartTests
{
    private static readonly double[] At = Enumerable.Range(0, 13).Select(i => 0.25 * i).ToArray();

    private static (Chart Top, Chart Bottom) Column(bool legend)
        => BoundGapChart.Column(At, a => -5 - (a - 1) * (a - 1), a => (a - 1) * (a - 1), logPx: -5, posterior: 1,
            gapMax: 4, legend);

    [Fact]
    public void TopHoldsLogPxTheBoundAndThePosteriorLine()
    {
        var top = Column(legend: true).Top;
        Assert.Equal(["log p(x)", "bound L", "q = p(z|x)"], top.Traces.Select(t => t.Name));
        var bound = (ScatterTrace)top.Traces[1];
        Assert.Equal(-5 - 0.0625, bound.Y[3], 12);   // a = 0.75
        var posterior = (ScatterTrace)top.Traces[2];
        Assert.Equal(new[] { 1.0, 1.0 }, posterior.X.ToArray());
        Assert.Equal(new[] { -9.0, -4.5 }, posterior.Y.ToArray());     // from log p(x) − gapMax to just above log p(x)
    }

    [Fact]
    public void BottomMarksLogPxMinusTheBoundOnTheGapEverySixthSetting()
    {
        var bottom = Column(legend: true).Bottom;
        Assert.Equal(["gap KL(q ‖ p(z|x))", "log p(x) − L", "q = p(z|x)"], bottom.Traces.Select(t => t.Name));
        var marks = (ScatterTrace)bottom.Traces[1];
        Assert.Equal(new[] { 0.0, 1.5, 3.0 }, marks.X.ToArray());
        Assert.Equal(new[] { 1.0, 0.25, 4.0 }, marks.Y.ToArray());     // log p(x) − L = (a − 1)², the gap itself
        Assert.Equal(false, bottom.Traces[2].ShowLegend);   // the posterior line is listed once, on top
    }

    [Fact]
    public void AColumnWithoutLegendAddsNoEntries()
    {
        var (top, bottom) = Column(legend: false);
        Assert.All(top.Traces.Concat(bottom.Traces), t => Assert.Equal(false, t.ShowLegend));
        var (shownTop, _) = Column(legend: true);
        Assert.All(shownTop.Traces, t => Assert.Null(t.ShowLegend));
    }
}
