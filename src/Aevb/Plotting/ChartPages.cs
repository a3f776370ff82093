namespace Aevb.Plotting;

/// <summary>How <see cref="ChartPages.Save"/> gave a page its plotly.js.</summary>
public enum ChartPageScript
{
    /// <summary>The shared copy beside the pages (<see cref="ChartPages.SharedFileName"/>), referenced by a relative URL; the CDN where it is missing.</summary>
    SharedCopy,

    /// <summary>plotly.js inlined into the page (~4.8 MB; the page works offline on its own).</summary>
    Inlined,

    /// <summary>No local plotly.js was found (no <c>npm ci</c>): the page loads it from the CDN and needs a network.</summary>
    Cdn,
}

/// <summary>Where <see cref="ChartPages.Save"/> wrote a page and how it gets plotly.js.</summary>
/// <param name="SharedCopy">The shared plotly.min.js the page references (null unless <see cref="ChartPageScript.SharedCopy"/>).</param>
public sealed record ChartPageResult(string Path, ChartPageScript Script, string? SharedCopy);

/// <summary>
/// Chart pages that work offline without carrying plotly.js each: the pages of a folder tree (the figures under
/// <c>runs/</c> or <c>results/</c>) share one <see cref="SharedFileName"/> written at its root, copied from the npm package
/// (<see cref="PlotlyJs.TryFindLocal(string?[])"/>) and referenced by a relative URL such as <c>../plotly.min.js</c>. A page
/// whose shared copy is missing (say, copied elsewhere alone) still draws, with plotly.js from the CDN. Or, where asked,
/// plotly.js is inlined into the page.
/// </summary>
public static class ChartPages
{
    public const string SharedFileName = "plotly.min.js";

    /// <summary>
    /// Writes <paramref name="chart"/> as the page <paramref name="path"/>. With <paramref name="inline"/>, plotly.js goes into the
    /// page (an error with the install command when there is no local copy). Otherwise the page references the shared copy:
    /// an existing <see cref="SharedFileName"/> in <paramref name="sharedRoot"/> or a folder above it inside
    /// <paramref name="searchLimit"/> (so that results/ablations/X reuse results/plotly.min.js), else one written into
    /// <paramref name="sharedRoot"/>; a copy that differs from the npm package's is brought up to date. Without a local
    /// plotly.js the page uses the CDN.
    /// </summary>
    /// <param name="sharedRoot">The tree's root (e.g. <c>runs</c>), at or above the page's folder.</param>
    /// <param name="searchLimit">Folder above which no shared copy is looked for (default: the current folder); the copy a
    /// page runs must be one this project wrote, not any file of that name higher up.</param>
    public static ChartPageResult Save(Chart chart, string path, string sharedRoot, bool inline = false, string? searchLimit = null)
    {
        var page = Path.GetFullPath(path);
        var pageDir = Path.GetDirectoryName(page)!;
        if (inline)
        {
            AtomicWrite(page, chart.ToHtml(PlotlyJsSource.Inline)); // FindLocal's error says how to install it
            return new ChartPageResult(page, ChartPageScript.Inlined, null);
        }
        var local = PlotlyJs.TryFindLocal(pageDir);
        var shared = FindShared(Path.GetFullPath(sharedRoot), Path.GetFullPath(searchLimit ?? Directory.GetCurrentDirectory()));
        if (local is not null && !SameContent(local, shared))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(shared)!);
            Aevb.IO.AtomicFile.Write(shared, stream => { using var source = File.OpenRead(local); source.CopyTo(stream); });
        }
        if (!File.Exists(shared))
        {
            AtomicWrite(page, chart.ToHtml(PlotlyJsSource.Cdn));
            return new ChartPageResult(page, ChartPageScript.Cdn, null);
        }
        var url = Path.GetRelativePath(pageDir, shared).Replace(Path.DirectorySeparatorChar, '/');
        AtomicWrite(page, chart.ToHtmlWithScript(url));
        return new ChartPageResult(page, ChartPageScript.SharedCopy, shared);
    }

    /// <summary>The shared copy to use: an existing one in <paramref name="root"/> or above it up to <paramref name="limit"/>, else root's.</summary>
    private static string FindShared(string root, string limit)
    {
        var inside = root.StartsWith(Path.TrimEndingDirectorySeparator(limit) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        for (var dir = new DirectoryInfo(root); inside && dir is not null && dir.FullName.Length > Path.TrimEndingDirectorySeparator(limit).Length; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, SharedFileName);
            if (File.Exists(candidate)) return candidate;
        }
        return Path.Combine(root, SharedFileName);
    }

    private static bool SameContent(string a, string b)
    {
        if (!File.Exists(b)) return false;
        var (x, y) = (new FileInfo(a), new FileInfo(b));
        return x.Length == y.Length && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
    }

    private static void AtomicWrite(string path, string html) => Aevb.IO.AtomicFile.WriteAllText(path, html);
}
