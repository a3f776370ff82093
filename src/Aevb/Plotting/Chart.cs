using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Aevb.Plotting;

/// <summary>Where the legend sits.</summary>
public enum LegendPosition
{
    /// <summary>Outside the plot, on the right (plotly.js default).</summary>
    Right,
    /// <summary>Horizontal, above the plot.</summary>
    Top,
    /// <summary>Horizontal, below the plot.</summary>
    Bottom,
    /// <summary>Inside the plot, top right corner.</summary>
    InsideTopRight,
    /// <summary>Inside the plot, top left corner.</summary>
    InsideTopLeft,
    /// <summary>Inside the plot, bottom right corner.</summary>
    InsideBottomRight,
    /// <summary>Inside the plot, bottom left corner.</summary>
    InsideBottomLeft,
}

/// <summary>
/// An immutable plotly.js figure: traces plus layout. Build one with the static factories
/// (<see cref="Line{TX,TY}"/>, <see cref="Scatter{TX,TY}"/>, <see cref="Histogram{T}"/>,
/// <see cref="Heatmap{T}(T[,], IEnumerable{double}?, IEnumerable{double}?, string?, string, bool, double?, double?, bool, string?)"/>,
/// <see cref="Contour{T}(T[,], IEnumerable{double}?, IEnumerable{double}?, string?, string, bool, double?, double?, bool, string?, int?, bool, bool)"/>,
/// <see cref="ErrorBand{TX,TY}(IEnumerable{TX}, IEnumerable{TY}, IEnumerable{TY}, IEnumerable{TY}, string?, string?)"/>),
/// overlay with <see cref="Combine(Chart[])"/>, arrange with <see cref="Grid(int, int, Chart[])"/>,
/// and style with the <c>With…</c> methods, each of which returns a new chart (as Plotly.NET's
/// functions do), so a chart shown in a notebook never changes behind its rendered image.
/// </summary>
/// <remarks>
/// Output: <see cref="ToJson"/> (plotly.js data/layout/config), <see cref="ToHtml"/> (a full page),
/// <see cref="ToHtmlFragment"/> (a notebook output), <see cref="SavePng"/> / <see cref="SaveSvg"/>
/// (static images through headless Chromium, see <see cref="ChartRenderer"/>).
/// In notebooks it displays through <see cref="Aevb.Display.ChartFormatterSource"/>.
/// </remarks>
[Aevb.Display.TypeFormatterSource(typeof(Aevb.Display.ChartFormatterSource),
    PreferredMimeTypes = new[] { "text/html", "image/png", "text/plain" })]
public sealed partial class Chart
{
    /// <summary>The plotly.js default colour cycle (D3 category10), assigned to traces without a colour.</summary>
    public static IReadOnlyList<string> Palette { get; } = ImmutableArray.Create(
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf");

    private readonly State _state;
    private string? _json;

    private sealed record State
    {
        public ImmutableArray<Trace> Traces { get; init; } = ImmutableArray<Trace>.Empty;
        public string? Title { get; init; }
        public int? Width { get; init; }
        public int? Height { get; init; }
        public bool? ShowLegend { get; init; }
        public LegendPosition? Legend { get; init; }
        public ImmutableSortedDictionary<int, Axis> XAxes { get; init; } = ImmutableSortedDictionary<int, Axis>.Empty;
        public ImmutableSortedDictionary<int, Axis> YAxes { get; init; } = ImmutableSortedDictionary<int, Axis>.Empty;
        public ImmutableArray<SubplotTitle> SubplotTitles { get; init; } = ImmutableArray<SubplotTitle>.Empty;
        public (int Rows, int Columns)? Grid { get; init; }
    }

    private sealed record SubplotTitle(string Text, double X, double Y);

    private Chart(State state) => _state = state;

    /// <summary>A chart holding <paramref name="traces"/> on one pair of axes.</summary>
    public Chart(IEnumerable<Trace> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var list = traces.ToImmutableArray();
        if (list.Any(t => t is null)) throw new ArgumentException("A chart's traces must not be null.", nameof(traces));
        if (list.Any(t => t.XAxisIndex != 1 || t.YAxisIndex != 1))
            throw new ArgumentException("Traces placed on subplot axes belong to a grid; build grids with Chart.Grid.", nameof(traces));
        _state = new State { Traces = list };
    }

    /// <summary>The traces, in drawing order.</summary>
    public IReadOnlyList<Trace> Traces => _state.Traces;
    /// <summary>The chart title, if any.</summary>
    public string? Title => _state.Title;
    /// <summary>Fixed width in pixels, or null for the container's width.</summary>
    public int? Width => _state.Width;
    /// <summary>Fixed height in pixels, or null for the default (500 in pages and images).</summary>
    public int? Height => _state.Height;
    /// <summary>Rows and columns when this chart is a subplot grid.</summary>
    public (int Rows, int Columns)? GridShape => _state.Grid;
    /// <summary>The x axis settings, by subplot (1 for a single chart).</summary>
    public IReadOnlyDictionary<int, Axis> XAxes => _state.XAxes;
    /// <summary>The y axis settings, by subplot (1 for a single chart).</summary>
    public IReadOnlyDictionary<int, Axis> YAxes => _state.YAxes;

    private Chart With(Func<State, State> change) => new(change(_state));

    /// <summary>Sets the title.</summary>
    public Chart WithTitle(string? title) => With(s => s with { Title = title });

    /// <summary>The same chart with no legend entry for any of its traces (e.g. the second panel of a grid, whose curves the first one already lists).</summary>
    public Chart WithoutLegendEntries() => With(s => s with { Traces = s.Traces.Select(t => t with { ShowLegend = false }).ToImmutableArray() });

    /// <summary>Fixes the figure size in pixels (also the default size of exported images).</summary>
    public Chart WithSize(int width, int height)
    {
        if (width < 10 || height < 10)
            throw new ArgumentOutOfRangeException(nameof(width), $"Chart size must be at least 10x10 pixels, got {width}x{height}.");
        return With(s => s with { Width = width, Height = height });
    }

    /// <summary>Shows or hides the legend and places it.</summary>
    public Chart WithLegend(bool show = true, LegendPosition position = LegendPosition.Right) =>
        With(s => s with { ShowLegend = show, Legend = position });

    /// <summary>Styles the x axis (every x axis of a grid); null arguments leave a setting as it is.</summary>
    public Chart WithXAxis(string? title = null, bool? log = null, double? min = null, double? max = null,
        bool? showGrid = null, bool? zeroLine = null, bool? reversed = null, string? tickFormat = null) =>
        WithXAxis(AxisFrom(title, log, min, max, showGrid, zeroLine, reversed, tickFormat));

    /// <summary>Styles the y axis (every y axis of a grid); null arguments leave a setting as it is.</summary>
    public Chart WithYAxis(string? title = null, bool? log = null, double? min = null, double? max = null,
        bool? showGrid = null, bool? zeroLine = null, bool? reversed = null, string? tickFormat = null) =>
        WithYAxis(AxisFrom(title, log, min, max, showGrid, zeroLine, reversed, tickFormat));

    /// <summary>Applies the non-null settings of <paramref name="axis"/> to the x axis (every x axis of a grid).</summary>
    public Chart WithXAxis(Axis axis) => With(s => s with { XAxes = Apply(s.XAxes, axis, 'x') });

    /// <summary>Applies the non-null settings of <paramref name="axis"/> to the y axis (every y axis of a grid).</summary>
    public Chart WithYAxis(Axis axis) => With(s => s with { YAxes = Apply(s.YAxes, axis, 'y') });

    /// <summary>Makes the x axis logarithmic.</summary>
    public Chart WithLogX() => WithXAxis(log: true);

    /// <summary>Makes the y axis logarithmic.</summary>
    public Chart WithLogY() => WithYAxis(log: true);

    private static Axis AxisFrom(string? title, bool? log, double? min, double? max, bool? showGrid, bool? zeroLine, bool? reversed, string? tickFormat) => new()
    {
        Title = title,
        Type = log is null ? null : log.Value ? AxisType.Log : AxisType.Linear,
        Min = min,
        Max = max,
        ShowGrid = showGrid,
        ZeroLine = zeroLine,
        Reversed = reversed,
        TickFormat = tickFormat,
    };

    private ImmutableSortedDictionary<int, Axis> Apply(ImmutableSortedDictionary<int, Axis> axes, Axis change, char letter)
    {
        ArgumentNullException.ThrowIfNull(change);
        var indices = _state.Grid is null ? new[] { 1 } : axes.Keys.ToArray();
        var result = axes;
        foreach (var i in indices)
        {
            var merged = (axes.GetValueOrDefault(i) ?? new Axis()).MergedWith(change);
            merged.Validate(PlotlyJson.AxisKey(letter, i));
            result = result.SetItem(i, merged);
        }
        return result;
    }

    /// <summary>A short description: title, traces, axes (the text/plain form in notebooks).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Chart");
        if (_state.Title is not null) sb.Append(" '").Append(_state.Title).Append('\'');
        if (_state.Grid is { } g) sb.Append(CultureInfo.InvariantCulture, $" ({g.Rows}x{g.Columns} grid)");
        sb.Append(CultureInfo.InvariantCulture, $": {_state.Traces.Length} trace{(_state.Traces.Length == 1 ? "" : "s")}");
        if (_state.Traces.Length > 0)
            sb.Append(" [").Append(string.Join("; ", _state.Traces.Select(t => t.Describe()))).Append(']');
        foreach (var (letter, axes) in new[] { ('x', _state.XAxes), ('y', _state.YAxes) })
        {
            if (axes.TryGetValue(1, out var a) && (a.Title is not null || a.Type == AxisType.Log))
            {
                sb.Append(CultureInfo.InvariantCulture, $"; {letter}:");
                if (a.Type == AxisType.Log) sb.Append(" log");
                if (a.Title is not null) sb.Append(" '").Append(a.Title).Append('\'');
            }
        }
        return sb.ToString();
    }
}
