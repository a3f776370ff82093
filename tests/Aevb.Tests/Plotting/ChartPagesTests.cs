using Aevb.Plotting;
using Aevb.Tests.Data;

namespace Aevb.Tests.Plotting;

/// <summary>Issue 20: figure pages share one local plotly.min.js (CDN as the fallback) instead of each loading the CDN or carrying 4.8 MB.</summary>
public class ChartPagesTests
{
    private static Chart Small() => Chart.Line([1.0, 2.0, 3.0], [3.0, 1.0, 2.0], name: "curve").WithTitle("A figure");

    /// <summary>A stand-in npm package above the pages, found first (unless AEVB_PLOTLY_JS points elsewhere: then that file is the copy).</summary>
    private static string FakePackage(TempDir dir)
    {
        var file = dir.File(Path.Combine("node_modules", PlotlyJs.PackageName, "plotly.min.js"));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "window.Plotly = window.Plotly || {}; /* a stand-in plotly.min.js */\n");
        return PlotlyJs.TryFindLocal(dir.Path)!;
    }

    [Fact]
    public void PagesOfATreeShareOneCopyAtItsRootWithTheCdnAsFallback()
    {
        using var dir = new TempDir();
        var local = FakePackage(dir);
        var root = dir.File("runs");
        var fig2 = ChartPages.Save(Small(), Path.Combine(root, "fig2", "figure2-mnist.html"), root, searchLimit: dir.Path);
        var fig3 = ChartPages.Save(Small(), Path.Combine(root, "fig3", "figure3.html"), root, searchLimit: dir.Path);

        var shared = Path.Combine(root, ChartPages.SharedFileName);
        Assert.Equal((ChartPageScript.SharedCopy, shared), (fig2.Script, fig2.SharedCopy));
        Assert.Equal((ChartPageScript.SharedCopy, shared), (fig3.Script, fig3.SharedCopy));
        Assert.Equal(File.ReadAllBytes(local), File.ReadAllBytes(shared));
        foreach (var page in new[] { fig2.Path, fig3.Path })
        {
            var html = File.ReadAllText(page);
            Assert.Contains("<script src=\"../plotly.min.js\" charset=\"utf-8\"></script>", html);
            Assert.Contains(PlotlyJs.CdnUrl, html); // the chart loads the CDN only where window.Plotly is missing
            Assert.DoesNotContain("stand-in plotly.min.js", html);
            Assert.True(html.Length < 20_000, $"{page}: {html.Length} characters");
        }
        Assert.Single(Directory.GetFiles(root, ChartPages.SharedFileName, SearchOption.AllDirectories));
    }

    [Fact]
    public void ADeeperTreeReusesACopyAboveItAndAnOutdatedCopyIsReplaced()
    {
        using var dir = new TempDir();
        var local = FakePackage(dir);
        var results = dir.File("results");
        var shared = Path.Combine(results, ChartPages.SharedFileName);
        Directory.CreateDirectory(results);
        File.WriteAllText(shared, "/* an older plotly.js */");

        var ablation = Path.Combine(results, "ablations", "anneal", "fig3", "figure3.html");
        var page = ChartPages.Save(Small(), ablation, Path.Combine(results, "ablations", "anneal"), searchLimit: dir.Path);
        Assert.Equal(shared, page.SharedCopy);
        Assert.Contains("<script src=\"../../../plotly.min.js\"", File.ReadAllText(ablation));
        Assert.Equal(File.ReadAllBytes(local), File.ReadAllBytes(shared));
        Assert.False(File.Exists(Path.Combine(results, "ablations", "anneal", ChartPages.SharedFileName)));
    }

    [Fact]
    public void NoCopyAboveTheSearchLimitIsUsed()
    {
        using var dir = new TempDir();
        FakePackage(dir);
        File.WriteAllText(dir.File(ChartPages.SharedFileName), "/* someone else's file */");
        var root = dir.File(Path.Combine("project", "runs"));
        var page = ChartPages.Save(Small(), Path.Combine(root, "fig2", "f.html"), root, searchLimit: dir.File("project"));
        Assert.Equal(Path.Combine(root, ChartPages.SharedFileName), page.SharedCopy);
    }
}
