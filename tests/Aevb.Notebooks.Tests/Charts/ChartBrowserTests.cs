using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using Aevb.Notebooks.Tests.Browser;
using Aevb.Plotting;

namespace Aevb.Notebooks.Tests.Charts;

/// <summary>Charts exported by the library, loaded in real headless Chromium with the local plotly.js.</summary>
[Collection("Chromium")]
public sealed class ChartBrowserTests : IDisposable
{
    private readonly DirectoryInfo _dir;

    public ChartBrowserTests()
    {
        HeadlessChromium.Require();   // fail with the install command rather than somewhere deeper
        _dir = Directory.CreateTempSubdirectory("aevb-browser-");
    }

    public void Dispose()
    {
        try { _dir.Delete(true); } catch (IOException) { }
    }

    private static readonly double[] Samples = Enumerable.Range(0, 30).Select(i => Math.Pow(10, 5 + i * 0.1)).ToArray();

    private static Chart LowerBoundChart()
    {
        var train = Samples.Select(s => -100 - 60 * Math.Exp(-s / 1e6)).ToArray();
        var test = train.Select(v => v - 4).ToArray();
        return Chart.Combine(
                Chart.ErrorBand(Samples, train, train.Select(v => v - 2), train.Select(v => v + 2), name: "train"),
                Chart.Line(Samples, test, name: "test", dash: LineDash.Dash),
                Chart.Scatter(new[] { 1e6, 1e7 }, new[] { -120.0, -110 }, name: "checkpoints", size: 8))
            .WithTitle("Lower bound")
            .WithXAxis("training samples", log: true)
            .WithYAxis("L per datapoint");
    }

    private static JsonElement Only(JsonElement facts)
    {
        Assert.Equal(1, facts.GetProperty("charts").GetArrayLength());
        return facts.GetProperty("charts")[0];
    }

    private static void NoErrors(JsonElement facts) =>
        Assert.True(facts.GetProperty("errors").GetArrayLength() == 0, "page errors: " + facts.GetProperty("errors"));

    [Fact]
    public void Exported_page_draws_every_trace_the_log_axis_and_one_legend_entry_per_series()
    {
        var facts = HeadlessChromium.Probe(LowerBoundChart().ToHtml(PlotlyJsSource.Inline), _dir.FullName);
        NoErrors(facts);
        Assert.Equal(PlotlyJs.Version, facts.GetProperty("plotly").GetString());
        var chart = Only(facts);
        Assert.Equal("rendered", chart.GetProperty("status").GetString());
        Assert.Equal(5, chart.GetProperty("dataTraces").GetInt32());          // band = 2 edges + line, test, points
        Assert.Equal(5, chart.GetProperty("scatterTraces").GetInt32());       // each drawn as an SVG trace group
        Assert.Equal(3, chart.GetProperty("legendEntries").GetInt32());       // band edges have no entry
        Assert.Equal(new[] { "train", "test", "checkpoints" },
            chart.GetProperty("legendTexts").EnumerateArray().Select(t => t.GetString()));
        var axes = chart.GetProperty("axes");
        Assert.Equal("log", axes.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("linear", axes.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal("training samples", axes.GetProperty("xaxis").GetProperty("title").GetString());
        Assert.True(axes.GetProperty("xaxis").GetProperty("ticks").GetInt32() > 2, "the log axis has tick labels");
        Assert.Equal("Lower bound", chart.GetProperty("title").GetString());
    }

    [Fact]
    public void Figure_pages_draw_offline_with_the_shared_plotly_copy_or_inlined()
    {
        // Issue 20: runs/fig2/… pages reference one runs/plotly.min.js (copied from node_modules), not the CDN, not 4.8 MB each.
        var root = Path.Combine(_dir.FullName, "runs");
        var shared = ChartPages.Save(LowerBoundChart(), Path.Combine(root, "fig2", "figure2-mnist.html"), root, searchLimit: _dir.FullName);
        Assert.Equal(ChartPageScript.SharedCopy, shared.Script);
        Assert.True(new FileInfo(shared.Path).Length < 100_000);
        Assert.Contains("data-aevb-status=\"rendered\"", HeadlessChromium.DumpDom(shared.Path));

        var inlined = ChartPages.Save(LowerBoundChart(), Path.Combine(_dir.FullName, "alone", "f.html"), Path.Combine(_dir.FullName, "alone"), inline: true);
        Assert.Equal(ChartPageScript.Inlined, inlined.Script);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "alone", ChartPages.SharedFileName)));
        Assert.Contains("data-aevb-status=\"rendered\"", HeadlessChromium.DumpDom(inlined.Path));
    }

    [Fact]
    public void Grid_page_draws_each_subplot_on_its_own_anchored_axes()
    {
        var rnd = new Random(7);
        var z = new double[12, 16];
        for (int i = 0; i < 12; i++) for (int j = 0; j < 16; j++) z[i, j] = Math.Sin(i / 2.0) + Math.Cos(j / 3.0);
        var rows = Enumerable.Range(0, 12).Select(i => Math.Pow(2, i)).ToArray();
        var grid = Chart.Grid(2, 2, new[]
            {
                LowerBoundChart().WithTitle("bound"),
                Chart.Combine(Chart.Histogram(Enumerable.Range(0, 500).Select(_ => rnd.NextDouble()), name: "A", bins: 10),
                              Chart.Histogram(Enumerable.Range(0, 500).Select(_ => rnd.NextDouble() * 2), name: "B", bins: 10)).WithTitle("estimators"),
                Chart.Heatmap(z, y: rows).WithTitle("heatmap").WithYAxis(log: true),
                Chart.Contour(z, y: rows, showLabels: true).WithTitle("contour"),   // shares the log y axis
            }, sharedX: false, sharedY: true)
            .WithTitle("Grid").WithSize(900, 700);
        var facts = HeadlessChromium.Probe(grid.ToHtml(PlotlyJsSource.Inline), _dir.FullName);
        NoErrors(facts);
        var chart = Only(facts);
        Assert.Equal("rendered", chart.GetProperty("status").GetString());
        Assert.Equal(9, chart.GetProperty("dataTraces").GetInt32());
        Assert.Equal(5, chart.GetProperty("scatterTraces").GetInt32());
        Assert.Equal(2, chart.GetProperty("barTraces").GetInt32());
        Assert.True(chart.GetProperty("heatmaps").GetInt32() >= 1, "heatmap drawn");
        Assert.True(chart.GetProperty("contours").GetInt32() >= 1, "contour drawn");
        Assert.Equal(5, chart.GetProperty("legendEntries").GetInt32());   // train, test, checkpoints, A, B
        Assert.Equal("900", chart.GetProperty("svgWidth").GetString());

        var axes = chart.GetProperty("axes");
        for (int k = 1; k <= 4; k++)
        {
            var x = axes.GetProperty(k == 1 ? "xaxis" : $"xaxis{k}");
            var y = axes.GetProperty(k == 1 ? "yaxis" : $"yaxis{k}");
            Assert.Equal(k == 1 ? "y" : $"y{k}", x.GetProperty("anchor").GetString());
            Assert.Equal(k == 1 ? "x" : $"x{k}", y.GetProperty("anchor").GetString());
        }
        Assert.Equal("log", axes.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("linear", axes.GetProperty("xaxis2").GetProperty("type").GetString());
        Assert.Equal("log", axes.GetProperty("yaxis3").GetProperty("type").GetString());
        Assert.Equal("log", axes.GetProperty("yaxis4").GetProperty("type").GetString());
        Assert.Equal("y", axes.GetProperty("yaxis2").GetProperty("matches").GetString());   // shared y along row 1
        Assert.Equal("y3", axes.GetProperty("yaxis4").GetProperty("matches").GetString());  // and row 2
        var d1 = axes.GetProperty("xaxis").GetProperty("domain");
        var d2 = axes.GetProperty("xaxis2").GetProperty("domain");
        Assert.True(d1[1].GetDouble() < d2[0].GetDouble(), "columns do not overlap");
    }

    [Fact]
    public void Notebook_fragments_load_plotly_once_and_draw_repeated_charts()
    {
        // A notebook page without plotly.js: the first fragment loads it (here from the local
        // file instead of the CDN, as there is no network), the others wait for it.
        var local = new Uri(PlotlyJs.FindLocal()).AbsoluteUri;
        string Fragment(Chart c) => c.ToHtmlFragment().Replace(PlotlyJs.CdnUrl, local);
        var a = LowerBoundChart();
        var b = Chart.Histogram(new[] { 1, 2, 2, 3, 3, 3 }, name: "h");
        var page = $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{Fragment(a)}\n<p>text between outputs</p>\n{Fragment(b)}\n{Fragment(a)}\n</body></html>";
        var facts = HeadlessChromium.Probe(page, _dir.FullName);
        NoErrors(facts);
        var charts = facts.GetProperty("charts").EnumerateArray().ToArray();
        Assert.Equal(3, charts.Length);
        Assert.All(charts, c => Assert.Equal("rendered", c.GetProperty("status").GetString()));
        Assert.Equal(5, charts[0].GetProperty("scatterTraces").GetInt32());
        Assert.Equal(1, charts[1].GetProperty("barTraces").GetInt32());
        Assert.Equal(5, charts[2].GetProperty("scatterTraces").GetInt32());   // the same chart twice: both drawn
        Assert.Equal("log", charts[2].GetProperty("axes").GetProperty("xaxis").GetProperty("type").GetString());
    }

    [Fact]
    public void Png_export_is_a_valid_png_of_the_requested_size_and_not_blank()
    {
        var chart = LowerBoundChart();
        var path = Path.Combine(_dir.FullName, "bound.png");
        chart.SavePng(path, 640, 360);
        var image = Png.Read(path);     // checks signature and every chunk CRC
        Assert.Equal((640, 360), (image.Width, image.Height));

        var colours = new HashSet<(byte, byte, byte, byte)>();
        int nonWhite = 0, traceBlue = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                var p = image.GetRgba(x, y);
                colours.Add(p);
                if (p.R < 240 || p.G < 240 || p.B < 240) nonWhite++;
                if (Math.Abs(p.R - 0x1f) < 12 && Math.Abs(p.G - 0x77) < 12 && Math.Abs(p.B - 0xb4) < 12) traceBlue++;
            }
        Assert.True(colours.Count > 20, $"only {colours.Count} distinct colours: blank image?");
        double inked = nonWhite / (double)(image.Width * image.Height);
        Assert.InRange(inked, 0.01, 0.6);
        Assert.True(traceBlue > 100, $"the first trace's colour (#1f77b4) covers only {traceBlue} pixels");

        var doubled = Png.Decode(chart.ToPng(320, 200, scale: 2));
        Assert.Equal((640, 400), (doubled.Width, doubled.Height));
    }

    [Fact]
    public void Svg_export_is_an_svg_document_of_the_requested_size()
    {
        var path = Path.Combine(_dir.FullName, "bound.svg");
        LowerBoundChart().SaveSvg(path, 500, 300);
        var svg = XDocument.Load(path).Root!;
        Assert.Equal("svg", svg.Name.LocalName);
        Assert.Equal("500", svg.Attribute("width")?.Value);
        Assert.Equal("300", svg.Attribute("height")?.Value);
        Assert.Contains(svg.Descendants().Where(e => e.Name.LocalName == "text"), t => t.Value == "Lower bound");
    }

    [Fact]
    public void Png_formatter_found_by_convention_renders_the_chart_at_its_size()
    {
        var chart = LowerBoundChart().WithSize(600, 400);
        var attribute = typeof(Chart).GetCustomAttributes(true).Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        var sourceType = (Type)attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute)!;
        var formatters = ((IEnumerable<object>)sourceType.GetMethod("CreateTypeFormatters")!.Invoke(Activator.CreateInstance(sourceType), null)!).ToList();
        string Format(string mime)
        {
            var f = formatters.Single(f => (string)f.GetType().GetProperty("MimeType")!.GetValue(f)! == mime);
            var writer = new StringWriter();
            var ok = (bool)f.GetType().GetMethod("Format", BindingFlags.Public | BindingFlags.Instance, [typeof(object), typeof(TextWriter)])!
                .Invoke(f, [chart, writer])!;
            Assert.True(ok, mime + " formatter declined");
            return writer.ToString();
        }
        var image = Png.Decode(Convert.FromBase64String(Format("image/png")));
        Assert.Equal((600, 400), (image.Width, image.Height));
        Assert.DoesNotContain("no static image", Format("text/plain"));
    }
}
