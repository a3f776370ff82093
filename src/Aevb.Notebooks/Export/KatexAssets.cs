using System.Text;
using System.Text.RegularExpressions;

namespace Aevb.Notebooks.Export;

/// <summary>
/// KaTeX for the HTML export: inlined from a local copy of the npm package <c>katex</c> (fonts as
/// data URIs, so the page works offline), or loaded from the CDN when no local copy is found.
/// </summary>
public static partial class KatexAssets
{
    /// <summary>The version loaded from the CDN when no local copy is found: the one pinned in the repository's package.json.</summary>
    public const string CdnVersion = "0.19.1";

    /// <summary>
    /// The <c>node_modules/katex</c> folder at or above any of <paramref name="startDirs"/>, or null.
    /// </summary>
    public static string? Find(params string?[] startDirs)
    {
        foreach (var start in startDirs)
        {
            if (string.IsNullOrEmpty(start)) continue;
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, "node_modules", "katex");
                if (IsKatexPackage(candidate)) return candidate;
            }
        }
        return null;
    }

    public static bool IsKatexPackage(string dir)
        => File.Exists(Path.Combine(dir, "dist", "katex.min.js")) && File.Exists(Path.Combine(dir, "dist", "katex.min.css"))
           && File.Exists(Path.Combine(dir, "dist", "contrib", "auto-render.min.js"));

    /// <summary>The &lt;head&gt; markup: CSS and the two scripts, inlined from <paramref name="katexDir"/> or from the CDN.</summary>
    public static string HeadMarkup(string? katexDir)
    {
        if (katexDir is null)
        {
            var cdn = $"https://cdn.jsdelivr.net/npm/katex@{CdnVersion}/dist";
            return $"<link rel=\"stylesheet\" href=\"{cdn}/katex.min.css\">\n" +
                   $"<script defer src=\"{cdn}/katex.min.js\"></script>\n" +
                   $"<script defer src=\"{cdn}/contrib/auto-render.min.js\"></script>\n";
        }
        var dist = Path.Combine(katexDir, "dist");
        var css = File.ReadAllText(Path.Combine(dist, "katex.min.css"));
        // Each @font-face lists woff2, woff and ttf; every current browser reads woff2, so only
        // that one is embedded (about 350 kB instead of 1.2 MB).
        css = FontSource().Replace(css, m =>
        {
            var font = Path.Combine(dist, "fonts", m.Groups["name"].Value + ".woff2");
            return File.Exists(font)
                ? $"src:url(data:font/woff2;base64,{Convert.ToBase64String(File.ReadAllBytes(font))}) format(\"woff2\")"
                : m.Value;
        });
        var sb = new StringBuilder();
        sb.Append("<style>").Append(css).Append("</style>\n");
        sb.Append("<script>").Append(SafeScript(File.ReadAllText(Path.Combine(dist, "katex.min.js")))).Append("</script>\n");
        sb.Append("<script>").Append(SafeScript(File.ReadAllText(Path.Combine(dist, "contrib", "auto-render.min.js")))).Append("</script>\n");
        return sb.ToString();
    }

    // "</script" inside inlined code would end the element early.
    private static string SafeScript(string js) => js.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"src:url\(fonts/(?<name>[A-Za-z0-9_\-]+)\.woff2\) format\(""woff2""\)(,url\([^)]*\) format\(""[a-z]+""\))*")]
    private static partial Regex FontSource();
}
