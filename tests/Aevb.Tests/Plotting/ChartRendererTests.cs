using Aevb.Plotting;

namespace Aevb.Tests.Plotting;

/// <summary>
/// The renderer's plumbing (process, DOM parsing, error reporting) with stand-in "browsers":
/// small scripts that print what Chromium's --dump-dom would. The real browser runs in
/// Aevb.Notebooks.Tests/Charts. (Shell scripts: the project builds and tests on Linux.)
/// </summary>
public sealed class ChartRendererTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("aevb-renderer-");
    private readonly string _plotly;

    public ChartRendererTests()
    {
        _plotly = Path.Combine(_dir.FullName, "plotly.min.js");
        File.WriteAllText(_plotly, "/* stand-in */");
    }

    public void Dispose() => _dir.Delete(true);

    private ChartRenderer FakeBrowser(string script)
    {
        var path = Path.Combine(_dir.FullName, "browser-" + Guid.NewGuid().ToString("N") + ".sh");
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new ChartRenderer(chromiumPath: path, plotlyJsPath: _plotly, timeout: TimeSpan.FromSeconds(20));
    }

    private static readonly Chart Sample = Chart.Line(new[] { 1, 2 }, new[] { 3, 4 });

    [Fact]
    public void Png_comes_from_the_data_url_the_page_wrote()
    {
        var png = Png.Encode(new byte[] { 0, 255, 255, 0 }, 2, 2, PngColorType.Gray);
        var renderer = FakeBrowser($"echo '<html><body><pre id=\"aevb-result\">OK data:image/png;base64,{Convert.ToBase64String(png)}</pre></body></html>'");
        Assert.True(renderer.IsAvailable);
        Assert.Equal(png, renderer.RenderPng(Sample, 100, 100));
    }

    [Fact]
    public void Svg_data_url_is_unescaped()
    {
        var renderer = FakeBrowser("echo '<pre id=\"aevb-result\">OK data:image/svg+xml,%3Csvg%20width%3D%22100%22%3E%3C%2Fsvg%3E</pre>'");
        Assert.Equal("<svg width=\"100\"></svg>", renderer.RenderSvg(Sample, 100, 100));
    }

    [Fact]
    public void Page_errors_are_reported()
    {
        var renderer = FakeBrowser("echo '<pre id=\"aevb-result\">ERROR Plotly.toImage &amp; co failed</pre>'");
        var e = Assert.Throws<InvalidOperationException>(() => renderer.RenderPng(Sample, 100, 100));
        Assert.Contains("plotly.js failed in headless Chromium: Plotly.toImage & co failed", e.Message);
    }

    [Fact]
    public void Unfinished_page_is_a_timeout()
    {
        var renderer = FakeBrowser("echo '<pre id=\"aevb-result\">pending</pre>'");
        Assert.Throws<TimeoutException>(() => renderer.RenderPng(Sample, 100, 100));
    }

    [Fact]
    public void A_browser_that_prints_nothing_is_reported_with_its_error_output()
    {
        var renderer = FakeBrowser("echo 'cannot open display' >&2; exit 3");
        var e = Assert.Throws<InvalidOperationException>(() => renderer.RenderPng(Sample, 100, 100));
        Assert.Contains("did not return the rendered page", e.Message);
        Assert.Contains("cannot open display", e.Message);
    }

    [Fact]
    public void The_browser_gets_headless_offline_flags_and_the_page()
    {
        var args = Path.Combine(_dir.FullName, "args.txt");
        var renderer = FakeBrowser($"for a in \"$@\"; do echo \"$a\" >> '{args}'; done; echo '<pre id=\"aevb-result\">ERROR x</pre>'");
        Assert.Throws<InvalidOperationException>(() => renderer.RenderPng(Sample, 100, 100));
        var lines = File.ReadAllLines(args);
        Assert.Contains("--headless", lines);
        Assert.Contains("--no-sandbox", lines);
        Assert.Contains("--dump-dom", lines);
        Assert.Contains(lines, l => l.StartsWith("--user-data-dir=", StringComparison.Ordinal));
        Assert.StartsWith("file://", lines[^1]);
        Assert.False(File.Exists(new Uri(lines[^1]).LocalPath), "the temporary page is removed afterwards");
    }

    [Fact]
    public void Sizes_out_of_range_are_rejected_before_starting_a_browser()
    {
        var renderer = FakeBrowser("exit 1");
        Assert.Throws<ArgumentOutOfRangeException>(() => renderer.RenderPng(Sample, 5, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => renderer.RenderPng(Sample, 100, 100, scale: 0));
    }
}
