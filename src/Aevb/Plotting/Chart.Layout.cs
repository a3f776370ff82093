using System.Collections.Immutable;

namespace Aevb.Plotting;

// Putting charts together: overlaying on one pair of axes, and arranging in a subplot grid.
public sealed partial class Chart
{
    /// <summary>
    /// Overlays the traces of <paramref name="charts"/> on one pair of axes. Layout settings are
    /// merged left to right: a later chart's title, size, legend or axis setting overrides an
    /// earlier one only where it sets one.
    /// </summary>
    public static Chart Combine(params Chart[] charts) => Combine((IEnumerable<Chart>)charts);

    /// <inheritdoc cref="Combine(Chart[])"/>
    public static Chart Combine(IEnumerable<Chart> charts)
    {
        ArgumentNullException.ThrowIfNull(charts);
        var list = charts.ToList();
        if (list.Count == 0) throw new ArgumentException("Chart.Combine needs at least one chart.", nameof(charts));
        var state = new State();
        for (int i = 0; i < list.Count; i++)
        {
            var c = list[i] ?? throw new ArgumentException($"Chart.Combine: chart #{i + 1} is null.", nameof(charts));
            if (c._state.Grid is not null)
                throw new ArgumentException($"Chart.Combine: chart #{i + 1} is a subplot grid; combine single charts first, then arrange them with Chart.Grid.", nameof(charts));
            var s = c._state;
            state = state with
            {
                Traces = state.Traces.AddRange(s.Traces),
                Title = s.Title ?? state.Title,
                Width = s.Width ?? state.Width,
                Height = s.Height ?? state.Height,
                ShowLegend = s.ShowLegend ?? state.ShowLegend,
                Legend = s.Legend ?? state.Legend,
                XAxes = MergeAxis(state.XAxes, s.XAxes),
                YAxes = MergeAxis(state.YAxes, s.YAxes),
            };
        }
        return new Chart(state);
    }

    private static ImmutableSortedDictionary<int, Axis> MergeAxis(ImmutableSortedDictionary<int, Axis> into, ImmutableSortedDictionary<int, Axis> from) =>
        from.TryGetValue(1, out var axis) ? into.SetItem(1, (into.GetValueOrDefault(1) ?? new Axis()).MergedWith(axis)) : into;

    /// <summary>Arranges <paramref name="charts"/> row by row (top row first) in a <paramref name="rows"/> x <paramref name="columns"/> grid.</summary>
    public static Chart Grid(int rows, int columns, params Chart?[] charts) => Grid(rows, columns, (IEnumerable<Chart?>)charts);

    /// <summary>
    /// Arranges <paramref name="charts"/> row by row (top row first) in a <paramref name="rows"/> x
    /// <paramref name="columns"/> grid of subplots, like plotly's make_subplots. A null chart leaves
    /// its cell empty. Each chart keeps its traces and axis settings; its title becomes the
    /// subplot's title. <paramref name="sharedX"/> links the x axes of each column (zooming one zooms
    /// all) and shows tick labels on the bottom one only; <paramref name="sharedY"/> does the same
    /// for the y axes of each row, labelled on the left. Spacing is a fraction of the figure
    /// (default, as in plotly: 0.2 / columns across, 0.3 / rows down).
    /// </summary>
    public static Chart Grid(int rows, int columns, IEnumerable<Chart?> charts, bool sharedX = false, bool sharedY = false,
        double? horizontalSpacing = null, double? verticalSpacing = null)
    {
        // plotly's make_subplots defaults: room for tick labels, axis titles and subplot titles.
        double hs = horizontalSpacing ?? 0.2 / Math.Max(columns, 1);
        double vs = verticalSpacing ?? 0.3 / Math.Max(rows, 1);
        ArgumentNullException.ThrowIfNull(charts);
        if (rows < 1 || columns < 1)
            throw new ArgumentOutOfRangeException(nameof(rows), $"Chart.Grid: rows and columns must be positive, got {rows}x{columns}.");
        if (hs < 0 || hs * (columns - 1) >= 1 || vs < 0 || vs * (rows - 1) >= 1)
            throw new ArgumentOutOfRangeException(nameof(horizontalSpacing),
                $"Chart.Grid: spacing ({hs}, {vs}) leaves no room for {rows}x{columns} subplots.");
        var list = charts.ToList();
        if (list.Count > rows * columns)
            throw new ArgumentException($"Chart.Grid: {list.Count} charts do not fit a {rows}x{columns} grid.", nameof(charts));
        for (int i = 0; i < list.Count; i++)
            if (list[i] is { _state.Grid: not null })
                throw new ArgumentException($"Chart.Grid: chart #{i + 1} is already a grid; grids do not nest.", nameof(charts));

        double cellW = (1 - hs * (columns - 1)) / columns;
        double cellH = (1 - vs * (rows - 1)) / rows;
        var traces = ImmutableArray.CreateBuilder<Trace>();
        var xAxes = ImmutableSortedDictionary.CreateBuilder<int, Axis>();
        var yAxes = ImmutableSortedDictionary.CreateBuilder<int, Axis>();
        var titles = ImmutableArray.CreateBuilder<SubplotTitle>();
        bool? showLegend = null;
        LegendPosition? legend = null;

        // Axis number of each populated cell, counted in reading order; empty cells get no axes.
        var index = new int?[rows, columns];
        for (int i = 0, n = 0; i < list.Count; i++)
            if (list[i] is not null) index[i / columns, i % columns] = ++n;

        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not { } chart) continue;
            int r = i / columns, c = i % columns, k = index[r, c]!.Value;
            double x0 = c * (cellW + hs), x1 = x0 + cellW;
            double y1 = 1 - r * (cellH + vs), y0 = y1 - cellH;
            var s = chart._state;
            showLegend = s.ShowLegend ?? showLegend;
            legend = s.Legend ?? legend;

            foreach (var t in s.Traces)
            {
                var placed = t with { XAxisIndex = k, YAxisIndex = k };
                // Colour bars default to the figure's right edge, where they would pile up.
                if (placed is MatrixTrace)
                    placed = placed with { ColorBar = (Math.Min(x1 + 0.01, 1.02), (y0 + y1) / 2, cellH) };
                traces.Add(placed);
            }

            var xa = (s.XAxes.GetValueOrDefault(1) ?? new Axis()) with { Domain = (x0, x1), Anchor = k };
            var ya = (s.YAxes.GetValueOrDefault(1) ?? new Axis()) with { Domain = (y0, y1), Anchor = k };
            if (sharedX && BottomOfColumn(index, c) is { } bottom)
            {
                if (bottom != k) xa = xa with { Matches = bottom, ShowTickLabels = false };
            }
            if (sharedY && LeftOfRow(index, r) is { } left)
            {
                if (left != k) ya = ya with { Matches = left, ShowTickLabels = false };
            }
            xAxes[k] = xa;
            yAxes[k] = ya;
            if (s.Title is not null) titles.Add(new SubplotTitle(s.Title, (x0 + x1) / 2, y1));
        }

        // plotly.js silently drops 'matches' between axes of different types, so a shared axis
        // takes the type set on any member of its column (x) or row (y).
        if (sharedX)
            for (int c = 0; c < columns; c++)
                UnifyType(xAxes, Enumerable.Range(0, rows).Select(r => index[r, c]), $"column {c + 1}", 'x');
        if (sharedY)
            for (int r = 0; r < rows; r++)
                UnifyType(yAxes, Enumerable.Range(0, columns).Select(c => index[r, c]), $"row {r + 1}", 'y');

        return new Chart(new State
        {
            Traces = traces.ToImmutable(),
            XAxes = xAxes.ToImmutable(),
            YAxes = yAxes.ToImmutable(),
            SubplotTitles = titles.ToImmutable(),
            Grid = (rows, columns),
            ShowLegend = showLegend,
            Legend = legend,
        });
    }

    private static void UnifyType(ImmutableSortedDictionary<int, Axis>.Builder axes, IEnumerable<int?> members, string where, char letter)
    {
        var ks = members.OfType<int>().ToList();
        var types = ks.Select(k => axes[k].Type).Where(t => t is not null and not AxisType.Auto).Distinct().ToList();
        if (types.Count > 1)
            throw new ArgumentException($"Chart.Grid: the shared {letter} axes of {where} mix {string.Join(" and ", types).ToLowerInvariant()} scales; give them one type.");
        if (types.Count == 1)
            foreach (var k in ks) axes[k] = axes[k] with { Type = types[0] };
    }

    private static int? BottomOfColumn(int?[,] index, int column)
    {
        for (int r = index.GetLength(0) - 1; r >= 0; r--)
            if (index[r, column] is { } k) return k;
        return null;
    }

    private static int? LeftOfRow(int?[,] index, int row)
    {
        for (int c = 0; c < index.GetLength(1); c++)
            if (index[row, c] is { } k) return k;
        return null;
    }
}
