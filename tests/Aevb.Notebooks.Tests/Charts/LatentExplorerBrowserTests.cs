using System.Text.Json.Nodes;
using Aevb.Data;
using Aevb.Models;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Export;
using Aevb.Notebooks.Formatting;
using Aevb.Notebooks.Tests.Browser;
using Aevb.Plotting;
using Aevb.Training;

namespace Aevb.Notebooks.Tests.Charts;

/// <summary>
/// The latent explorer (Figure 4, alive) in real headless Chromium, driven through the DevTools
/// protocol: in an exported notebook page a real pointer moves over the latent plane, and the image the
/// page draws must change and equal the library's own decoding of the z under the pointer; with scripts
/// off the page shows the static manifold instead. A small MNIST model (Nz = 2, the paper's 500 hidden
/// units) is trained for a few seconds so the pictures mean something. Screenshots go to
/// <c>AEVB_SCREENSHOT_DIR</c> when set (the repository's docs/screenshots/ were made that way).
/// </summary>
[Collection("Chromium")]
public sealed class LatentExplorerBrowserTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("aevb-explorer-");
    private static readonly Lazy<(Vae Model, Dataset Test)> Trained = new(() =>
    {
        var options = new TrainerOptions();
        var model = Trainer.CreateModel(new VaeConfig(Mnist.Features, 500, 2, DecoderKind.Bernoulli), options);
        new Trainer(model, Mnist.Train(), null, options).Train(30_000);
        return (model, Mnist.Test());
    });

    public void Dispose()
    {
        try { _dir.Delete(true); } catch (IOException) { }
    }

    private static void Save(string name, byte[] png)
    {
        var dir = Environment.GetEnvironmentVariable("AEVB_SCREENSHOT_DIR");
        if (string.IsNullOrEmpty(dir)) return;
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, name), png);
    }

    /// <summary>The explorer's display bundle, as the runner stores it, in a one-cell notebook exported offline.</summary>
    private string ExportedPage(LatentExplorer explorer, out IReadOnlyDictionary<string, string> bundle)
    {
        bundle = ValueFormatter.Format(explorer).Bundle;
        var notebook = Notebook.CreatePolyglot();
        notebook.AddMarkdownCell("# Latent explorer\n\nMove the pointer over the plane.");
        var cell = notebook.AddCodeCell("LatentExplorer.Create(mnist2, mnistTest)");
        cell.Outputs.Add(NotebookOutputs.DisplayData(bundle));
        var page = HtmlExporter.Export(notebook, new HtmlExportOptions { Assets = HtmlAssets.Inline });
        var path = Path.Combine(_dir.FullName, "explorer.html");
        File.WriteAllText(path, page.Html);
        return path;
    }

    [Fact]
    public void Pointer_over_the_plane_draws_the_library_decoding_of_that_z_in_the_exported_page()
    {
        var (model, test) = Trained.Value;
        var explorer = LatentExplorer.Create(model, test, points: 1000);
        var path = ExportedPage(explorer, out var bundle);
        foreach (var mime in new[] { "text/html", "image/png", "text/plain" }) Assert.True(bundle.ContainsKey(mime), "no " + mime + " output");
        Assert.True(bundle["text/html"].Length < 1_000_000, $"the explorer's HTML is {bundle["text/html"].Length:N0} characters; keep it under 1 MB");

        using var page = DevToolsPage.Open();
        page.Load(path);
        page.WaitFor("document.querySelector('[data-aevb-explorer]').getAttribute('data-aevb-status') === 'ready'", TimeSpan.FromSeconds(60));
        var rect = page.Evaluate("(function(){var r=document.querySelector('[data-aevb-explorer] canvas.plane').getBoundingClientRect();return [r.left,r.top,r.width,r.height];})()")!.AsArray();
        double left = rect[0]!.GetValue<double>(), top = rect[1]!.GetValue<double>(), width = rect[2]!.GetValue<double>(), height = rect[3]!.GetValue<double>();
        page.Evaluate("document.querySelector('[data-aevb-explorer] canvas.plane').scrollIntoView()");
        rect = page.Evaluate("(function(){var r=document.querySelector('[data-aevb-explorer] canvas.plane').getBoundingClientRect();return [r.left,r.top,r.width,r.height];})()")!.AsArray();
        left = rect[0]!.GetValue<double>(); top = rect[1]!.GetValue<double>();

        // What the page drew: the z it reports and the decoded canvas, one sample per (scaled) image pixel.
        const string drawn = """
            (function () {
              var root = document.querySelector('[data-aevb-explorer]'), c = root.querySelector('canvas.decoded');
              var key = root.getAttribute('data-aevb-explorer'), e = window.aevbExplorers[key];
              var w = e.w, h = e.h, s = c.width / w;
              var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, grey = [];
              for (var r = 0; r < h; r++) for (var q = 0; q < w; q++) { var at = ((r * s + (s >> 1)) * c.width + q * s + (s >> 1)) * 4; grey.push(d[at]); }
              return { z: e.state.z, grey: grey, y: Array.prototype.slice.call(e.state.y) };
            })()
            """;
        var images = new List<int[]>();
        foreach (var (fx, fy) in new[] { (0.3, 0.35), (0.72, 0.6) })
        {
            page.MoveMouse(left + fx * width, top + fy * height);
            var facts = page.Evaluate(drawn)!;
            var z = facts["z"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            // The pointer's z is where it is on the plane (to a pixel).
            var expectedZ1 = -explorer.Range + fx * 2 * explorer.Range;
            var expectedZ2 = explorer.Range - fy * 2 * explorer.Range;
            Assert.True(Math.Abs(z[0] - expectedZ1) < 0.05 && Math.Abs(z[1] - expectedZ2) < 0.05, $"pointer at ({fx}, {fy}) gave z = ({z[0]}, {z[1]})");

            var grey = facts["grey"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
            var y = facts["y"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            var shipped = explorer.DecodeAsShipped(z[0], z[1]);
            var library = model.Decode(new[] { (float)z[0], (float)z[1] }).Data;
            Assert.Equal(784, grey.Length);
            // The page's arithmetic is the library's on the shipped float16 weights (to rounding of tanh/exp).
            var pageVsShipped = y.Zip(shipped).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(pageVsShipped < 1e-9, $"page vs DecodeAsShipped: max |difference| {pageVsShipped:E2}");
            // The drawn pixels are those values as grey levels.
            var levels = grey.Zip(shipped).Max(p => Math.Abs(p.First - Math.Round(Math.Clamp(p.Second, 0, 1) * 255)));
            Assert.True(levels <= 1, $"drawn grey levels differ from the decoding by up to {levels}");
            // And the model's own float32 decoding agrees within float16 precision of the weights.
            var vsLibrary = y.Zip(library).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(vsLibrary < 5e-3, $"page vs Vae.Decode: max |difference| {vsLibrary:E2} (float16 weights)");
            var drawnVsLibrary = grey.Zip(library).Max(p => Math.Abs(p.First - 255 * p.Second));
            Assert.True(drawnVsLibrary <= 2, $"drawn pixels vs Vae.Decode: up to {drawnVsLibrary:F2} grey levels");
            images.Add(grey);
            Save($"latent-explorer-pointer-{images.Count}.png", page.Screenshot());
        }
        var changed = images[0].Zip(images[1]).Count(p => Math.Abs(p.First - p.Second) > 20);
        Assert.True(changed > 50, $"moving the pointer changed only {changed} of 784 pixels by more than 20 grey levels");

        // The interpolation slider: t = 0 draws A's code, t = 1 B's; drive the range input like a user (keyboard End).
        var ends = page.Evaluate("""
            (function () {
              var root = document.querySelector('[data-aevb-explorer]'), s = root.querySelector('input.t');
              var e = window.aevbExplorers[root.getAttribute('data-aevb-explorer')];
              s.value = 0; s.dispatchEvent(new Event('input')); var a = e.state.path.slice(4);
              s.value = 100; s.dispatchEvent(new Event('input')); var b = e.state.path.slice(4);
              s.value = 50; s.dispatchEvent(new Event('input'));
              return { a: a, b: b, pathA: e.state.path.slice(0, 2), pathB: e.state.path.slice(2, 4) };
            })()
            """)!;
        Assert.Equal(ends["pathA"]!.ToJsonString(), ends["a"]!.ToJsonString());
        Assert.Equal(ends["pathB"]!.ToJsonString(), ends["b"]!.ToJsonString());
        Assert.Empty(page.Evaluate("(window.__errors || [])")!.AsArray());
        Save("latent-explorer-exported-page.png", page.Screenshot());
    }

    [Fact]
    public void Without_scripts_the_exported_page_shows_the_static_manifold()
    {
        var (model, test) = Trained.Value;
        var explorer = LatentExplorer.Create(model, test, points: 500);
        var path = ExportedPage(explorer, out var bundle);
        using var page = DevToolsPage.Open();
        page.Send("Emulation.setScriptExecutionDisabled", new { value = true });
        page.Load(path);
        var src = page.Evaluate("(function(){var i=document.querySelector('.output.rich img');return i?[i.src.length,i.naturalWidth,i.naturalHeight]:null;})()");
        Assert.NotNull(src);
        var png = Convert.FromBase64String(bundle["image/png"]);
        var decoded = Png.Decode(png);
        Assert.Equal(explorer.Manifold.PixelWidth, src!.AsArray()[1]!.GetValue<int>());
        Assert.Equal(decoded.Width, src.AsArray()[1]!.GetValue<int>());
        // The interactive part stays hidden (empty canvases would mean nothing); a line says where the static view is.
        Assert.Equal(0, page.Evaluate("document.querySelector('.aevb-explorer .live').offsetHeight")!.GetValue<int>());
        Assert.True(page.Evaluate("document.querySelector('.aevb-explorer .static').offsetHeight")!.GetValue<int>() > 0);
        Save("latent-explorer-png-fallback.png", page.Screenshot());
    }

    [Fact]
    public void A_linear_mean_Gaussian_decoder_is_decoded_without_a_sigmoid_in_the_page()
    {
        var config = new VaeConfig(FreyFace.Features, 50, 2, DecoderKind.Gaussian);
        var model = Vae.Create(config, 0.3f, new Aevb.Tensors.Rng(5));
        ((GaussianMlpDecoder)model.Decoder).MeanOutput = GaussianMean.Linear;
        var explorer = LatentExplorer.Create(model, FreyFace.Test(), points: 100);
        var shipped = explorer.DecodeAsShipped(0.5, -1.0);
        Assert.Contains(shipped, v => v is < 0 or > 1); // a sigmoid would have kept every value inside (0, 1)

        using var page = OpenReady(explorer, "frey-linear.html");
        var y = PageDecode(page, 0.5, -1.0);
        Assert.True(y.Zip(shipped).Max(p => Math.Abs(p.First - p.Second)) < 1e-9);
    }

    /// <summary>The explorer alone on a page in Chromium, once its script has started.</summary>
    private DevToolsPage OpenReady(LatentExplorer explorer, string name)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, explorer.ToHtmlPage());
        var page = DevToolsPage.Open();
        page.Load(path);
        page.WaitFor("document.querySelector('[data-aevb-explorer]').getAttribute('data-aevb-status') === 'ready'",
            TimeSpan.FromSeconds(60));
        return page;
    }

    /// <summary>What the page's own decoder gives at (z1, z2).</summary>
    private static double[] PageDecode(DevToolsPage page, double z1, double z2)
    {
        const string explorer = "window.aevbExplorers[document.querySelector('[data-aevb-explorer]')"
                                + ".getAttribute('data-aevb-explorer')]";
        return page.Evaluate(FormattableString.Invariant($"Array.prototype.slice.call({explorer}.decode({z1}, {z2}))"))!
            .AsArray().Select(v => v!.GetValue<double>()).ToArray();
    }

    [Fact]
    public void Frey_Face_explorer_decodes_the_Gaussian_mean()
    {
        var options = new TrainerOptions();
        var model = Trainer.CreateModel(new VaeConfig(FreyFace.Features, 200, 2, DecoderKind.Gaussian), options);
        var train = FreyFace.Train();
        new Trainer(model, train, null, options).Train(20_000);
        var explorer = LatentExplorer.Create(model, FreyFace.Test(), points: 300);
        var html = explorer.ToHtml();
        Assert.True(html.Length < 400_000, $"{html.Length:N0} characters");
        var shipped = explorer.DecodeAsShipped(0.5, -1.0);
        var library = model.Decode(new[] { 0.5f, -1.0f }).Data;
        Assert.True(shipped.Zip(library).Max(p => Math.Abs(p.First - p.Second)) < 5e-3);

        using var page = OpenReady(explorer, "frey.html");
        var y = PageDecode(page, 0.5, -1.0);
        Assert.Equal(FreyFace.Features, y.Length);
        Assert.True(y.Zip(shipped).Max(p => Math.Abs(p.First - p.Second)) < 1e-9);
        var rect = page.Evaluate("(function(){var r=document.querySelector('canvas.plane').getBoundingClientRect();return [r.left,r.top,r.width,r.height];})()")!.AsArray();
        page.MoveMouse(rect[0]!.GetValue<double>() + 0.6 * rect[2]!.GetValue<double>(), rect[1]!.GetValue<double>() + 0.4 * rect[3]!.GetValue<double>());
        Save("latent-explorer-frey-face.png", page.Screenshot());
    }
}
