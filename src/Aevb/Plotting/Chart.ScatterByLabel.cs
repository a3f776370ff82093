using System.Numerics;
using Aevb.Tensors;

namespace Aevb.Plotting;

// Points coloured by a class label, one trace (and one legend entry) per label: e.g. MNIST test
// digits at their posterior means in a 2-D latent space.
public sealed partial class Chart
{
    /// <summary>
    /// Points (x[i], y[i]) coloured by <paramref name="labels"/>[i]: one marker trace per distinct label, in
    /// ascending label order, named by the label and coloured from <see cref="Palette"/> in that order
    /// (so the ten MNIST digits get the ten palette colours, and the legend toggles a digit on and off).
    /// </summary>
    public static Chart ScatterByLabel<TX, TY, TLabel>(IEnumerable<TX> x, IEnumerable<TY> y, IEnumerable<TLabel> labels,
        double? size = null, double? opacity = null)
        where TX : INumberBase<TX> where TY : INumberBase<TY> where TLabel : notnull
    {
        var xs = NumericData.ToDoubles(x, nameof(x));
        var ys = NumericData.ToDoubles(y, nameof(y));
        ArgumentNullException.ThrowIfNull(labels);
        var ls = labels.ToArray();
        if (xs.Length != ys.Length || ls.Length != xs.Length)
            throw new ArgumentException($"Chart.ScatterByLabel: {xs.Length} x values, {ys.Length} y values and {ls.Length} labels; give one of each per point.", nameof(labels));
        if (ls.Length == 0) throw new ArgumentException("Chart.ScatterByLabel: there are no points.", nameof(labels));

        var groups = Enumerable.Range(0, ls.Length).GroupBy(i => ls[i]).OrderBy(g => g.Key, Comparer<TLabel>.Default).ToArray();
        var charts = groups.Select((g, k) => Scatter(g.Select(i => xs[i]), g.Select(i => ys[i]),
            name: g.Key.ToString(), color: Palette[k % Palette.Count], size: size, opacity: opacity));
        return Combine(charts).WithLegend(true);
    }

    /// <summary>
    /// <see cref="ScatterByLabel{TX,TY,TLabel}"/> of the first two columns of <paramref name="points"/>
    /// (<c>[N, ≥2]</c>, e.g. the posterior means from <c>Vae.Encode</c>), axes titled z₁ and z₂.
    /// </summary>
    public static Chart ScatterByLabel<TLabel>(Tensor points, IEnumerable<TLabel> labels, double? size = null, double? opacity = null)
        where TLabel : notnull
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Cols < 2)
            throw new ArgumentException($"Chart.ScatterByLabel: the points have {points.Cols} column(s); a 2-D scatter needs at least 2.", nameof(points));
        var n = points.Rows;
        var x = new float[n];
        var y = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = points[i, 0];
            y[i] = points[i, 1];
        }
        return ScatterByLabel(x, y, labels, size, opacity).WithXAxis("z₁").WithYAxis("z₂");
    }
}
