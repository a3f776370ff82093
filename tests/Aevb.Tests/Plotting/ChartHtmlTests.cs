using Aevb.Plotting;

namespace Aevb.Tests.Plotting;

public class ChartHtmlTests
{
    [Fact]
    public void Cdn_page_links_the_pinned_plotly_version_and_embeds_the_figure()
    {
        var chart = Chart.Line(new[] { 1, 2 }, new[] { 3, 4 }, name: "n").WithTitle("A <b>bold</b> & title");
        var html = chart.ToHtml();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains($"<script src=\"{PlotlyJs.CdnUrl}\"", html);
        Assert.Contains(PlotlyJs.Version, PlotlyJs.CdnUrl);
        Assert.Contains("<title>A &lt;b&gt;bold&lt;/b&gt; &amp; title</title>", html);
        Assert.Contains(chart.ToJson(), html);
        Assert.Contains("Plotly.newPlot", html);
    }

    [Fact]
    public void Script_text_in_titles_cannot_close_the_script_element()
    {
        var chart = Chart.Line(new[] { 1 }, new[] { 1 }, name: "</script><script>alert(1)</script>");
        var fragment = chart.ToHtmlFragment();
        Assert.Equal(1, CountOf(fragment, "</script>"));
        Assert.DoesNotContain("alert(1)</", fragment);
    }

    [Fact]
    public void Fragment_is_stable_and_keyed_by_content()
    {
        var a = Chart.Line(new[] { 1, 2 }, new[] { 3, 4 });
        var b = Chart.Line(new[] { 1, 2 }, new[] { 3, 5 });
        Assert.Equal(a.ToHtmlFragment(), Chart.Line(new[] { 1, 2 }, new[] { 3, 4 }).ToHtmlFragment());
        Assert.NotEqual(Key(a.ToHtmlFragment()), Key(b.ToHtmlFragment()));
        Assert.Contains("window.Plotly", a.ToHtmlFragment());
        Assert.Contains(PlotlyJs.CdnUrl, a.ToHtmlFragment());
        Assert.Contains("height:500px", a.ToHtmlFragment());
        Assert.Contains("width:640px;height:300px", a.WithSize(640, 300).ToHtmlFragment());
    }

    [Fact]
    public void Saved_page_is_written_whole()
    {
        var dir = Directory.CreateTempSubdirectory("aevb-html-");
        try
        {
            var path = Path.Combine(dir.FullName, "sub", "chart.html");
            var chart = Chart.Line(new[] { 1, 2 }, new[] { 3, 4 });
            chart.SaveHtml(path);
            Assert.Equal(chart.ToHtml(), File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Renderer_without_chromium_or_plotly_says_what_to_install()
    {
        var renderer = new ChartRenderer(chromiumPath: "/nonexistent/chromium", plotlyJsPath: "/nonexistent/plotly.min.js");
        Assert.False(renderer.IsAvailable);
        Assert.Null(renderer.ChromiumPath);
        Assert.Contains("/nonexistent/chromium", renderer.UnavailableReason);
        Assert.Contains("plotly.min.js", renderer.UnavailableReason);
        var e = Assert.Throws<InvalidOperationException>(() => renderer.RenderPng(Chart.Line(new[] { 1 }, new[] { 1 }), 100, 100));
        Assert.Contains("unavailable", e.Message);
    }

    [Fact]
    public void Pinned_version_matches_package_json()
    {
        var root = RepoRoot();
        var pkg = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "package.json"))).RootElement;
        Assert.Equal(PlotlyJs.Version, pkg.GetProperty("dependencies").GetProperty(PlotlyJs.PackageName).GetString());
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Aevb.Notebooks.sln"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (Aevb.Notebooks.sln) not found above " + AppContext.BaseDirectory);
    }

    private static string Key(string fragment)
    {
        const string marker = "data-aevb-chart=\"";
        int i = fragment.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return fragment[i..fragment.IndexOf('"', i)];
    }

    private static int CountOf(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
