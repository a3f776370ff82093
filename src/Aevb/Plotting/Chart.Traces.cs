using System.Collections.Immutable;
using System.Numerics;

namespace Aevb.Plotting;

// The trace factories: one chart per call, in the spirit of Plotly.NET's Chart.Line, Chart.Point, ...
// Numeric inputs may be any number type (int, float, double, ...); they are copied, so later
// changes to the caller's arrays do not reach the chart.
public sealed partial class Chart
{
    /// <summary>A line through (x[i], y[i]).</summary>
    public static Chart Line<TX, TY>(IEnumerable<TX> x, IEnumerable<TY> y, string? name = null, string? color = null,
        double? width = null, LineDash? dash = null, bool showMarkers = false)
        where TX : INumberBase<TX> where TY : INumberBase<TY> =>
        new(new[]
        {
            new ScatterTrace(NumericData.ToDoubles(x, nameof(x)), NumericData.ToDoubles(y, nameof(y)))
            {
                Name = name, Color = color, LineWidth = width, Dash = dash,
                Mode = showMarkers ? ScatterMode.LinesAndMarkers : ScatterMode.Lines,
            },
        });

    /// <summary>Points at (x[i], y[i]); <paramref name="colorBy"/> colours each point through <paramref name="colorscale"/>.</summary>
    public static Chart Scatter<TX, TY>(IEnumerable<TX> x, IEnumerable<TY> y, string? name = null, string? color = null,
        double? size = null, IEnumerable<double>? colorBy = null, string? colorscale = null, double? opacity = null)
        where TX : INumberBase<TX> where TY : INumberBase<TY>
    {
        var trace = new ScatterTrace(NumericData.ToDoubles(x, nameof(x)), NumericData.ToDoubles(y, nameof(y)))
        {
            Name = name, Color = color, MarkerSize = size, Mode = ScatterMode.Markers, Colorscale = colorscale, Opacity = opacity,
        };
        if (colorBy is not null)
        {
            var values = NumericData.ToDoubles(colorBy, nameof(colorBy));
            if (values.Length != trace.X.Length)
                throw new ArgumentException($"Chart.Scatter: colorBy has {values.Length} values but there are {trace.X.Length} points.", nameof(colorBy));
            trace = trace with { MarkerValues = values };
        }
        return new(new[] { trace });
    }

    /// <summary>A histogram of <paramref name="values"/>; <paramref name="bins"/> fixes the number of equal bins.</summary>
    public static Chart Histogram<T>(IEnumerable<T> values, string? name = null, int? bins = null,
        HistogramNorm normalization = HistogramNorm.Count, string? color = null, double? opacity = null)
        where T : INumberBase<T>
    {
        if (bins is <= 0) throw new ArgumentOutOfRangeException(nameof(bins), $"Chart.Histogram: bins must be positive, got {bins}.");
        return new(new[]
        {
            new HistogramTrace(NumericData.ToDoubles(values, nameof(values)))
            {
                Name = name, Bins = bins, Normalization = normalization, Color = color, Opacity = opacity,
            },
        });
    }

    /// <summary>A heatmap of <paramref name="z"/> ([row, column]; row 0 at the bottom unless the y axis is reversed).</summary>
    public static Chart Heatmap<T>(T[,] z, IEnumerable<double>? x = null, IEnumerable<double>? y = null, string? name = null,
        string colorscale = "Viridis", bool reverseScale = false, double? zMin = null, double? zMax = null,
        bool showScale = true, string? colorBarTitle = null) where T : INumberBase<T> =>
        HeatmapOf(NumericData.Rows(z, nameof(z)), x, y, name, colorscale, reverseScale, zMin, zMax, showScale, colorBarTitle);

    /// <summary>A heatmap of the rows <paramref name="z"/> (all the same length).</summary>
    public static Chart Heatmap<T>(IEnumerable<IEnumerable<T>> z, IEnumerable<double>? x = null, IEnumerable<double>? y = null, string? name = null,
        string colorscale = "Viridis", bool reverseScale = false, double? zMin = null, double? zMax = null,
        bool showScale = true, string? colorBarTitle = null) where T : INumberBase<T> =>
        HeatmapOf(NumericData.Rows(z, nameof(z)), x, y, name, colorscale, reverseScale, zMin, zMax, showScale, colorBarTitle);

    /// <summary>A heatmap of a row-major buffer of shape [<paramref name="rows"/>, <paramref name="columns"/>] (e.g. one image).</summary>
    public static Chart Heatmap<T>(T[] data, int rows, int columns, string? name = null,
        string colorscale = "Viridis", bool reverseScale = false, double? zMin = null, double? zMax = null,
        bool showScale = true, string? colorBarTitle = null) where T : INumberBase<T> =>
        HeatmapOf(NumericData.Rows<T>(data, rows, columns, nameof(data)), null, null, name, colorscale, reverseScale, zMin, zMax, showScale, colorBarTitle);

    private static Chart HeatmapOf(ImmutableArray<ImmutableArray<double>> z, IEnumerable<double>? x, IEnumerable<double>? y, string? name,
        string colorscale, bool reverseScale, double? zMin, double? zMax, bool showScale, string? colorBarTitle) =>
        new(new[]
        {
            new HeatmapTrace(z, x is null ? null : NumericData.ToDoubles(x, nameof(x)), y is null ? null : NumericData.ToDoubles(y, nameof(y)))
            {
                Name = name, Colorscale = colorscale, ReverseScale = reverseScale, ZMin = zMin, ZMax = zMax,
                ShowScale = showScale, ColorBarTitle = colorBarTitle,
            },
        });

    /// <summary>Contours of <paramref name="z"/> ([row, column]) at optional coordinates.</summary>
    public static Chart Contour<T>(T[,] z, IEnumerable<double>? x = null, IEnumerable<double>? y = null, string? name = null,
        string colorscale = "Viridis", bool reverseScale = false, double? zMin = null, double? zMax = null,
        bool showScale = true, string? colorBarTitle = null, int? levels = null, bool showLabels = false, bool filled = true)
        where T : INumberBase<T> =>
        ContourOf(NumericData.Rows(z, nameof(z)), x, y, name, colorscale, reverseScale, zMin, zMax, showScale, colorBarTitle, levels, showLabels, filled);

    /// <summary>Contours of the rows <paramref name="z"/> (all the same length).</summary>
    public static Chart Contour<T>(IEnumerable<IEnumerable<T>> z, IEnumerable<double>? x = null, IEnumerable<double>? y = null, string? name = null,
        string colorscale = "Viridis", bool reverseScale = false, double? zMin = null, double? zMax = null,
        bool showScale = true, string? colorBarTitle = null, int? levels = null, bool showLabels = false, bool filled = true)
        where T : INumberBase<T> =>
        ContourOf(NumericData.Rows(z, nameof(z)), x, y, name, colorscale, reverseScale, zMin, zMax, showScale, colorBarTitle, levels, showLabels, filled);

    private static Chart ContourOf(ImmutableArray<ImmutableArray<double>> z, IEnumerable<double>? x, IEnumerable<double>? y, string? name,
        string colorscale, bool reverseScale, double? zMin, double? zMax, bool showScale, string? colorBarTitle, int? levels, bool showLabels, bool filled)
    {
        if (levels is <= 0) throw new ArgumentOutOfRangeException(nameof(levels), $"Chart.Contour: levels must be positive, got {levels}.");
        return new(new[]
        {
            new ContourTrace(z, x is null ? null : NumericData.ToDoubles(x, nameof(x)), y is null ? null : NumericData.ToDoubles(y, nameof(y)))
            {
                Name = name, Colorscale = colorscale, ReverseScale = reverseScale, ZMin = zMin, ZMax = zMax,
                ShowScale = showScale, ColorBarTitle = colorBarTitle, Levels = levels, ShowLabels = showLabels, Filled = filled,
            },
        });
    }

    /// <summary>
    /// A line <paramref name="y"/> with a shaded band from <paramref name="lower"/> to <paramref name="upper"/>
    /// (e.g. mean ± one standard deviation over seeds). As in plotly, the band is two edge traces,
    /// the upper filled to the lower ('tonexty'), then the line: three traces, one legend entry,
    /// all in one legend group and one colour (the fill at 25% opacity; give a hex or rgb() colour,
    /// as a named colour cannot be made translucent and would shade opaquely).
    /// </summary>
    public static Chart ErrorBand<TX, TY>(IEnumerable<TX> x, IEnumerable<TY> y, IEnumerable<TY> lower, IEnumerable<TY> upper,
        string? name = null, string? color = null)
        where TX : INumberBase<TX> where TY : INumberBase<TY>
    {
        var xs = NumericData.ToDoubles(x, nameof(x));
        var ys = NumericData.ToDoubles(y, nameof(y));
        var lo = NumericData.ToDoubles(lower, nameof(lower));
        var hi = NumericData.ToDoubles(upper, nameof(upper));
        if (ys.Length != xs.Length || lo.Length != xs.Length || hi.Length != xs.Length)
            throw new ArgumentException(
                $"Chart.ErrorBand: x, y, lower and upper must have the same length, got {xs.Length}, {ys.Length}, {lo.Length}, {hi.Length}.");
        return new(BandTraces(xs, ys, lo, hi, name, color));
    }

    /// <summary>A line <paramref name="y"/> with a symmetric band y ± <paramref name="error"/>.</summary>
    public static Chart ErrorBand<TX, TY>(IEnumerable<TX> x, IEnumerable<TY> y, IEnumerable<TY> error, string? name = null, string? color = null)
        where TX : INumberBase<TX> where TY : INumberBase<TY>
    {
        var xs = NumericData.ToDoubles(x, nameof(x));
        var ys = NumericData.ToDoubles(y, nameof(y));
        var err = NumericData.ToDoubles(error, nameof(error));
        if (ys.Length != xs.Length || err.Length != xs.Length)
            throw new ArgumentException($"Chart.ErrorBand: x, y and error must have the same length, got {xs.Length}, {ys.Length}, {err.Length}.");
        var lo = ys.Select((v, i) => v - err[i]).ToImmutableArray();
        var hi = ys.Select((v, i) => v + err[i]).ToImmutableArray();
        return new(BandTraces(xs, ys, lo, hi, name, color));
    }

    private static Trace[] BandTraces(ImmutableArray<double> x, ImmutableArray<double> y, ImmutableArray<double> lower,
        ImmutableArray<double> upper, string? name, string? color)
    {
        var key = new object();
        var group = name ?? "band";
        return
        [
            new ScatterTrace(x, lower)
            {
                Name = name is null ? "lower" : name + " (lower)", Color = color, ColorKey = key, LegendGroup = group,
                ShowLegend = false, LineWidth = 0, SkipHover = true,
            },
            new ScatterTrace(x, upper)
            {
                Name = name is null ? "upper" : name + " (upper)", Color = color, ColorKey = key, LegendGroup = group,
                ShowLegend = false, LineWidth = 0, SkipHover = true, Fill = Fill.ToNextY, FillOpacity = 0.25,
            },
            new ScatterTrace(x, y) { Name = name, Color = color, ColorKey = key, LegendGroup = group },
        ];
    }
}
