using System.Text.Json;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Export;
using Aevb.Notebooks.Running;
using Aevb.Notebooks.Tests.Browser;
using Aevb.Plotting;

namespace Aevb.Notebooks.Tests.Export;

/// <summary>
/// A sample notebook (markdown with LaTeX, a chart, an image grid) executed once by the runner,
/// shared by the tests that export it and open the page in headless Chromium.
/// </summary>
public sealed class ExecutedSampleNotebook : IAsyncLifetime
{
    private readonly TempNotebookDir _dir = new();

    public string Dir => _dir.Dir;

    public Notebook Notebook { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var dll = Path.GetRelativePath(_dir.Dir, Path.Combine(AppContext.BaseDirectory, "Aevb.dll")).Replace('\\', '/');
        var path = _dir.Write("sample.ipynb",
            "md:# Exported sample\n\nThe bound $\\mathcal{L}(\\theta, \\phi; x) = -D_{KL}(q_\\phi(z|x) \\| p_\\theta(z)) + \\mathbb{E}_{q_\\phi(z|x)}[\\log p_\\theta(x|z)]$ " +
            "is below the evidence:\n\n$$\\log p_\\theta(x) \\ge \\mathcal{L}(\\theta, \\phi; x)$$",
            $"#r \"{dll}\"\nusing Aevb.Plotting;",
            "var samples = Enumerable.Range(0, 25).Select(i => Math.Pow(10, 4 + i * 0.15)).ToArray();\n" +
            "var train = samples.Select(s => -160 + 50 * (1 - Math.Exp(-s / 3e5))).ToArray();\n" +
            "var test = train.Select(v => v - 3).ToArray();\n" +
            "display(Chart.Combine(Chart.Line(samples, train, name: \"train\"), Chart.Line(samples, test, name: \"test\"))\n" +
            "    .WithTitle(\"Lower bound\").WithXAxis(\"training samples\", log: true).WithYAxis(\"L per datapoint\"));\n" +
            "var images = Enumerable.Range(0, 8).Select(k => Enumerable.Range(0, 28 * 28).Select(p => (float)((p % 28 + p / 28 + k) % 10 / 9.0)).ToArray()).ToArray();\n" +
            "new ImageGrid(images, 28, 28, columns: 4, title: \"samples\")",
            "md:## Notes\n\nEach $z^{(l)} = \\mu + \\sigma \\odot \\epsilon^{(l)}$ is a sample, and the estimator is\n" +
            "$$\\begin{aligned}\n\\tilde{\\mathcal{L}}(\\theta, \\phi; x) &= -D_{KL}(q_\\phi(z|x) \\| p_\\theta(z)) \\\\\n" +
            "&\\quad + \\frac{1}{L} \\sum_{l=1}^{L} \\log p_\\theta(x|z^{(l)})\n\\end{aligned}$$\nwith $L = 1$ in practice.");
        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions { EchoOutput = false, Progress = null });
        Assert.True(result.Succeeded, "the sample notebook failed: " + string.Join("\n", result.Cells.Select(c => c.Error?.EValue)));
        Notebook = Notebook.Load(path);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Executed notebooks exported to HTML and opened in real headless Chromium without a network:
/// charts draw, math is typeset and images show with nothing fetched from outside the page.
/// In the runner's collection: the runner changes the console and working directory.
/// </summary>
[Collection("runner")]
public sealed class ExportBrowserTests : IClassFixture<ExecutedSampleNotebook>
{
    private readonly ExecutedSampleNotebook _sample;

    public ExportBrowserTests(ExecutedSampleNotebook sample)
    {
        HeadlessChromium.Require();       // fail with the install command rather than somewhere deeper
        HeadlessChromium.RequireKatex();
        _sample = sample;
    }

    /// <summary>What the page shows besides its charts, read when everything has settled.</summary>
    private const string PageFacts = """
        (function () {
          function count(sel) { return document.querySelectorAll(sel).length; }
          var fonts = [];
          if (document.fonts) document.fonts.forEach(function (f) { if (/KaTeX/.test(f.family)) fonts.push({ family: f.family.replace(/["']/g, ''), status: f.status }); });
          var fetched = performance.getEntriesByType('resource').map(function (r) { return r.name; });
          var linked = Array.prototype.map.call(document.querySelectorAll('script[src], link[href], img[src], iframe[src]'), function (e) { return e.src || e.href; });
          var grid = document.querySelector('figure.aevb-image-grid img');
          var rich = document.querySelector('.output.rich');
          return {
            katex: count('.katex'), katexDisplay: count('.katex-display'), katexErrors: count('.katex-error'),
            mathText: Array.prototype.map.call(document.querySelectorAll('.markdown .math'), function (m) { return m.textContent; }).join(' | '),
            fonts: fonts,
            external: fetched.concat(linked).filter(function (u) { return !/^(data|file|blob|about):/.test(u); }),
            mainSvgs: count('.aevb-chart .main-svg'),
            gridImage: grid ? { complete: grid.complete, naturalWidth: grid.naturalWidth, width: grid.width } : null,
            noscripts: count('noscript.fallback'),
            richImages: rich ? Array.prototype.map.call(rich.querySelectorAll('img'), function (i) { return [i.complete, i.naturalWidth, i.naturalHeight]; }) : null
          };
        })()
        """;

    private string Write(HtmlExportResult page, string name)
    {
        var path = Path.Combine(_sample.Dir, name);
        File.WriteAllText(path, page.Html);
        return path;
    }

    [Fact]
    public void Executed_notebook_exported_offline_draws_its_chart_typesets_math_and_shows_the_image_grid_without_errors()
    {
        // The runner stored the chart as interactive HTML and as a static PNG (Chromium is here).
        var chartOutput = _sample.Notebook.Cells[2].Outputs.OfType<System.Text.Json.Nodes.JsonObject>()
            .Single(o => NotebookOutputs.ReadData(o).ContainsKey("text/html") && NotebookOutputs.ReadData(o)["text/html"].Contains("aevb-chart"));
        Assert.True(NotebookOutputs.ReadData(chartOutput).ContainsKey("image/png"), "the runner should store the chart's static image");

        var page = HtmlExporter.Export(_sample.Notebook, new HtmlExportOptions { Assets = HtmlAssets.Inline });
        Assert.True(page.SelfContained && page.PlotlyInlined && page.KatexInlined, "offline export inlines plotly.js and KaTeX");
        Assert.Empty(page.Notes);
        var head = page.Html[..page.Html.IndexOf("</head>", StringComparison.Ordinal)];
        Assert.Contains("/* plotly.js from the npm package", head);
        Assert.Equal(1, Occurrences(page.Html, "/* plotly.js from the npm package"));   // once, however many charts

        var facts = HeadlessChromium.Probe(page.Html, _sample.Dir, PageFacts);
        Assert.True(facts.GetProperty("errors").GetArrayLength() == 0, "page errors: " + facts.GetProperty("errors"));
        Assert.Equal(PlotlyJs.Version, facts.GetProperty("plotly").GetString());

        var chart = Assert.Single(facts.GetProperty("charts").EnumerateArray());
        Assert.Equal("rendered", chart.GetProperty("status").GetString());
        Assert.Equal(2, chart.GetProperty("dataTraces").GetInt32());
        Assert.Equal(2, chart.GetProperty("scatterTraces").GetInt32());
        Assert.Equal(new[] { "train", "test" }, chart.GetProperty("legendTexts").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("log", chart.GetProperty("axes").GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("Lower bound", chart.GetProperty("title").GetString());

        var extra = facts.GetProperty("extra");
        Assert.True(extra.GetProperty("mainSvgs").GetInt32() >= 1, "plotly drew no .main-svg");
        Assert.Equal(1, extra.GetProperty("noscripts").GetInt32());     // the chart's PNG, for readers without scripts
        // Math: three inline formulas and two display formulas (one an aligned $$ block over several
        // lines inside a paragraph), typeset without errors, in KaTeX's fonts.
        Assert.Equal(5, extra.GetProperty("katex").GetInt32());
        Assert.Equal(2, extra.GetProperty("katexDisplay").GetInt32());
        Assert.Equal(0, extra.GetProperty("katexErrors").GetInt32());
        var fonts = extra.GetProperty("fonts").EnumerateArray().Select(f => (Family: f.GetProperty("family").GetString()!, Status: f.GetProperty("status").GetString()!)).ToList();
        Assert.Contains(fonts, f => f is { Family: "KaTeX_Main", Status: "loaded" });
        Assert.Contains(fonts, f => f is { Family: "KaTeX_Math", Status: "loaded" });
        Assert.DoesNotContain(fonts, f => f.Status == "error");
        // Nothing came from, or points to, the network.
        Assert.True(extra.GetProperty("external").GetArrayLength() == 0, "the page fetched or links: " + extra.GetProperty("external"));

        var grid = extra.GetProperty("gridImage");
        Assert.Equal(JsonValueKind.Object, grid.ValueKind);
        Assert.True(grid.GetProperty("complete").GetBoolean());
        Assert.True(grid.GetProperty("naturalWidth").GetInt32() > 0, "the image grid's PNG did not decode");
        Assert.Equal(grid.GetProperty("width").GetInt32(), grid.GetProperty("naturalWidth").GetInt32());
    }

    [Fact]
    public void Cdn_page_read_offline_keeps_the_tex_readable_and_shows_the_charts_static_image()
    {
        var page = HtmlExporter.Export(_sample.Notebook, new HtmlExportOptions { Assets = HtmlAssets.Cdn });
        Assert.False(page.SelfContained);
        Assert.Contains($"<script src=\"{PlotlyJs.CdnUrl}\"", page.Html);
        Assert.DoesNotContain("/* plotly.js from the npm package", page.Html);
        // No network here either way: point the CDN links at files that do not exist, so the
        // test does not depend on whether the machine could reach the CDN.
        const string nowhere = "file:///nonexistent-aevb-cdn/";
        var html = page.Html.Replace("https://cdn.plot.ly/", nowhere, StringComparison.Ordinal)
            .Replace("https://cdn.jsdelivr.net/", nowhere, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html[..html.IndexOf("</head>", StringComparison.Ordinal)]);

        var facts = HeadlessChromium.Probe(html, _sample.Dir, PageFacts);
        // The only errors are the scripts and stylesheet that could not be fetched.
        var errors = facts.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Matches("^resource: <(script|link)> " + nowhere, e));
        Assert.Equal(JsonValueKind.Null, facts.GetProperty("plotly").ValueKind);

        var extra = facts.GetProperty("extra");
        Assert.Equal(0, extra.GetProperty("katex").GetInt32());
        Assert.Contains("\\log p_\\theta(x) \\ge \\mathcal{L}(\\theta, \\phi; x)", extra.GetProperty("mathText").GetString());
        // The chart that could not draw was replaced by its PNG (800x500, the chart's default size).
        Assert.Empty(facts.GetProperty("charts").EnumerateArray());
        var images = extra.GetProperty("richImages").EnumerateArray().ToList();
        var image = Assert.Single(images);
        Assert.True(image[0].GetBoolean());
        Assert.Equal((Chart.DefaultWidth, Chart.DefaultHeight), (image[1].GetInt32(), image[2].GetInt32()));
    }

    private static int Occurrences(string text, string value)
    {
        int n = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
