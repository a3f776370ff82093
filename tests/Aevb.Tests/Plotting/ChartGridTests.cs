using System.Text.Json;
using Aevb.Plotting;

namespace Aevb.Tests.Plotting;

public class ChartGridTests
{
    private static JsonElement Layout(Chart chart) => JsonDocument.Parse(chart.ToJson()).RootElement.GetProperty("layout");
    private static JsonElement Data(Chart chart) => JsonDocument.Parse(chart.ToJson()).RootElement.GetProperty("data");

    private static Chart Panel(string title, int traces = 1) =>
        Chart.Combine(Enumerable.Range(0, traces).Select(i => Chart.Line(new[] { 1, 2, 3 }, new[] { i, i + 1, i + 2 }, name: $"{title}{i}")))
            .WithTitle(title);

    private static (double, double) Domain(JsonElement axis)
    {
        var d = axis.GetProperty("domain");
        return (d[0].GetDouble(), d[1].GetDouble());
    }

    [Fact]
    public void Each_cell_gets_its_own_anchored_axes_and_its_traces_point_at_them()
    {
        var grid = Chart.Grid(2, 2, Panel("a"), Panel("b", 2), Panel("c"), Panel("d"));
        var layout = Layout(grid);
        var data = Data(grid);
        Assert.Equal(5, data.GetArrayLength());
        Assert.Equal((2, 2), grid.GridShape);

        // Cell k uses xaxis k / yaxis k, and each axis is anchored to its partner.
        for (int k = 1; k <= 4; k++)
        {
            string xKey = k == 1 ? "xaxis" : $"xaxis{k}", yKey = k == 1 ? "yaxis" : $"yaxis{k}";
            string xId = k == 1 ? "x" : $"x{k}", yId = k == 1 ? "y" : $"y{k}";
            Assert.Equal(yId, layout.GetProperty(xKey).GetProperty("anchor").GetString());
            Assert.Equal(xId, layout.GetProperty(yKey).GetProperty("anchor").GetString());
        }
        Assert.False(data[0].TryGetProperty("xaxis", out _));           // "x" is plotly's default
        Assert.Equal("x2", data[1].GetProperty("xaxis").GetString());
        Assert.Equal("y2", data[2].GetProperty("yaxis").GetString());
        Assert.Equal("x4", data[4].GetProperty("xaxis").GetString());
    }

    [Fact]
    public void Cells_have_disjoint_domains_in_reading_order()
    {
        var layout = Layout(Chart.Grid(2, 3, Enumerable.Range(0, 6).Select(i => Panel($"p{i}"))));
        var x = Enumerable.Range(1, 6).Select(k => Domain(layout.GetProperty(k == 1 ? "xaxis" : $"xaxis{k}"))).ToArray();
        var y = Enumerable.Range(1, 6).Select(k => Domain(layout.GetProperty(k == 1 ? "yaxis" : $"yaxis{k}"))).ToArray();
        Assert.All(x.Concat(y), d => Assert.True(0 <= d.Item1 && d.Item1 < d.Item2 && d.Item2 <= 1, $"bad domain {d}"));
        // Columns left to right, top row first.
        Assert.True(x[0].Item2 < x[1].Item1 && x[1].Item2 < x[2].Item1);
        Assert.Equal(x[0], x[3]);
        Assert.True(y[3].Item2 < y[0].Item1);
        Assert.Equal(1.0, y[0].Item2);
        Assert.Equal(0.0, y[3].Item1);
    }

    [Fact]
    public void Shared_x_links_each_column_to_its_bottom_axis_and_hides_inner_tick_labels()
    {
        var layout = Layout(Chart.Grid(2, 2, new[] { Panel("a"), Panel("b"), Panel("c"), Panel("d") }, sharedX: true));
        Assert.Equal("x3", layout.GetProperty("xaxis").GetProperty("matches").GetString());
        Assert.Equal("x4", layout.GetProperty("xaxis2").GetProperty("matches").GetString());
        Assert.False(layout.GetProperty("xaxis").GetProperty("showticklabels").GetBoolean());
        Assert.False(layout.GetProperty("xaxis3").TryGetProperty("matches", out _));
        Assert.False(layout.GetProperty("yaxis2").TryGetProperty("matches", out _));
    }

    [Fact]
    public void Shared_y_links_each_row_to_its_left_axis()
    {
        var layout = Layout(Chart.Grid(1, 3, new[] { Panel("a"), Panel("b"), Panel("c") }, sharedY: true));
        Assert.False(layout.GetProperty("yaxis").TryGetProperty("matches", out _));
        Assert.Equal("y", layout.GetProperty("yaxis2").GetProperty("matches").GetString());
        Assert.Equal("y", layout.GetProperty("yaxis3").GetProperty("matches").GetString());
        Assert.False(layout.GetProperty("yaxis3").GetProperty("showticklabels").GetBoolean());
    }

    [Fact]
    public void Shared_axes_take_one_scale_type_and_conflicts_are_rejected()
    {
        // plotly.js ignores 'matches' between a log and a linear axis, so sharing must unify them.
        var layout = Layout(Chart.Grid(1, 2, new[] { Panel("a").WithYAxis(log: true), Panel("b") }, sharedY: true));
        Assert.Equal("log", layout.GetProperty("yaxis2").GetProperty("type").GetString());
        var e = Assert.Throws<ArgumentException>(() =>
            Chart.Grid(2, 1, new[] { Panel("a").WithXAxis(log: true), Panel("b").WithXAxis(log: false) }, sharedX: true));
        Assert.Contains("column 1", e.Message);
        // Without sharing each cell keeps its own type.
        Assert.False(Layout(Chart.Grid(1, 2, Panel("a").WithYAxis(log: true), Panel("b"))).GetProperty("yaxis2").TryGetProperty("type", out _));
    }

    [Fact]
    public void Subplot_titles_become_annotations_and_axis_settings_are_kept_per_cell()
    {
        var grid = Chart.Grid(1, 2, Panel("left").WithXAxis("samples", log: true), Panel("right")).WithTitle("both");
        var layout = Layout(grid);
        var notes = layout.GetProperty("annotations");
        Assert.Equal(new[] { "left", "right" }, notes.EnumerateArray().Select(a => a.GetProperty("text").GetString()));
        Assert.Equal("paper", notes[0].GetProperty("xref").GetString());
        Assert.Equal("log", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("samples", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.False(layout.GetProperty("xaxis2").TryGetProperty("type", out _));
        Assert.Equal("both", layout.GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Axis_styling_a_grid_applies_to_every_cell()
    {
        var layout = Layout(Chart.Grid(1, 2, Panel("a"), Panel("b")).WithYAxis(log: true));
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal("log", layout.GetProperty("yaxis2").GetProperty("type").GetString());
        Assert.Equal("x2", layout.GetProperty("yaxis2").GetProperty("anchor").GetString());
    }

    [Fact]
    public void Empty_cells_are_skipped_and_axes_numbered_consecutively()
    {
        var grid = Chart.Grid(2, 2, null, Panel("b"), Panel("c"));
        var layout = Layout(grid);
        Assert.True(layout.TryGetProperty("xaxis2", out _));
        Assert.False(layout.TryGetProperty("xaxis3", out _));
        var (x0, _) = Domain(layout.GetProperty("xaxis"));
        Assert.True(x0 > 0.4, "the first populated cell is in the second column");
        Assert.Equal("x2", Data(grid)[1].GetProperty("xaxis").GetString());
    }

    [Fact]
    public void Heatmap_colour_bars_sit_beside_their_own_cell()
    {
        var grid = Chart.Grid(1, 2, Chart.Heatmap(new double[2, 2]), Chart.Heatmap(new double[2, 2]));
        var data = Data(grid);
        var layout = Layout(grid);
        double bar0 = data[0].GetProperty("colorbar").GetProperty("x").GetDouble();
        var (_, cell0End) = Domain(layout.GetProperty("xaxis"));
        var (cell1Start, _) = Domain(layout.GetProperty("xaxis2"));
        Assert.InRange(bar0, cell0End, cell1Start);
    }

    [Fact]
    public void Grids_do_not_nest_and_do_not_combine()
    {
        var grid = Chart.Grid(1, 2, Panel("a"), Panel("b"));
        Assert.Contains("grids do not nest", Assert.Throws<ArgumentException>(() => Chart.Grid(1, 1, grid)).Message);
        Assert.Contains("subplot grid", Assert.Throws<ArgumentException>(() => Chart.Combine(grid, Panel("c"))).Message);
        Assert.Throws<ArgumentException>(() => Chart.Grid(1, 1, Panel("a"), Panel("b")));
        Assert.Throws<ArgumentOutOfRangeException>(() => Chart.Grid(0, 1, Panel("a")));
    }
}
