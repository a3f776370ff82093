using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aevb.Notebooks.Documents;
using Aevb.Plotting;
using Markdig;

namespace Aevb.Notebooks.Export;

/// <summary>Where an exported page gets its scripts (plotly.js, KaTeX) from.</summary>
public enum HtmlAssets
{
    /// <summary>Inline the local npm copies when they are found (offline page), the CDN for any that is not.</summary>
    Auto,
    /// <summary>Inline the local npm copies; a missing one is an error that says how to install it (a page that must work offline).</summary>
    Inline,
    /// <summary>Link both from their CDNs (a small page that needs a network to draw charts and math).</summary>
    Cdn,
}

/// <summary>Settings for <see cref="HtmlExporter.Export"/>.</summary>
public sealed class HtmlExportOptions
{
    /// <summary>Where plotly.js and KaTeX come from; default: inline local copies when found, else the CDN.</summary>
    public HtmlAssets Assets { get; init; } = HtmlAssets.Auto;

    /// <summary>The npm package <c>katex</c> folder to inline; null = look for node_modules/katex above the notebook and the current folder.</summary>
    public string? KatexDirectory { get; init; }

    /// <summary>
    /// The plotly.min.js to inline; null = <see cref="PlotlyJs.TryFindLocal(string?[])"/> (AEVB_PLOTLY_JS, else
    /// node_modules/plotly.js-dist-min above the notebook, the current folder or Aevb.dll).
    /// </summary>
    public string? PlotlyJsPath { get; init; }

    /// <summary>Page title; null = the notebook's first heading, else its file name.</summary>
    public string? Title { get; init; }

    /// <summary>
    /// Treat the notebook as untrusted (<see cref="UntrustedHtml"/>): strip scripts, event-handler attributes and
    /// <c>javascript:</c> URLs from markdown and from text/html, text/markdown and SVG outputs, keeping this project's chart
    /// outputs as data that the page's own script draws. Off by default, as in Jupyter's nbconvert: a page exported from
    /// your own notebook shows its outputs exactly as the notebook does, interactive HTML included.
    /// </summary>
    public bool Sanitize { get; init; }
}

/// <summary>The page and how it was built.</summary>
/// <param name="Html">The page.</param>
/// <param name="KatexInlined">KaTeX is inlined (math renders offline); false when it comes from the CDN or the page has no math.</param>
/// <param name="HasMath">The page has math, so it carries KaTeX.</param>
/// <param name="PlotlyInlined">plotly.js is inlined (charts draw offline); false when it comes from the CDN or the page has no chart.</param>
/// <param name="HasCharts">The page has chart outputs, so it carries plotly.js.</param>
/// <param name="Notes">What a reader of the page should know (e.g. it needs a network for charts), one sentence each.</param>
public sealed record HtmlExportResult(string Html, bool KatexInlined, bool HasMath, bool PlotlyInlined, bool HasCharts, IReadOnlyList<string> Notes)
{
    /// <summary>Every script the page uses is inside it: it reads the same offline.</summary>
    public bool SelfContained => (!HasMath || KatexInlined) && (!HasCharts || PlotlyInlined);
}

/// <summary>
/// Renders a notebook as one self-contained, readable HTML page: markdown (Markdig, with pipe tables
/// and math) with LaTeX typeset by KaTeX, C# highlighted, and every output shown (text/html inline,
/// images embedded, streams, errors, plain text). Local images referenced from markdown and cell
/// attachments are embedded as data URIs. The scripts the page needs are put in its head once:
/// KaTeX when it has math, plotly.js when it has charts (<see cref="Chart.ToHtmlFragment"/> outputs
/// draw with the page's plotly.js instead of loading their own), inlined from the local npm
/// packages or linked from the CDN (<see cref="HtmlExportOptions.Assets"/>).
/// </summary>
public static partial class HtmlExporter
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAdvancedExtensions() // pipe and grid tables, $math$, task lists, auto-links, footnotes…
        .Use<JupyterMathExtension>()
        .Build();

    /// <summary>Output types in the order a reader is best served by (interactive first, plain text last).</summary>
    public static readonly string[] MimePreference =
        ["text/html", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/markdown", "text/latex", "application/json", "text/plain"];

    public static HtmlExportResult Export(Notebook notebook, HtmlExportOptions? options = null)
    {
        options ??= new HtmlExportOptions();
        var notebookDir = notebook.Path is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(notebook.Path)!;

        var cells = notebook.Cells;
        var title = options.Title ?? FirstHeading(cells) ?? (notebook.Path is null ? "Notebook" : Path.GetFileNameWithoutExtension(notebook.Path));
        var body = new StringBuilder();
        foreach (var cell in cells)
        {
            switch (cell.CellType)
            {
                case "markdown":
                    var markdown = RenderMarkdown(cell, notebookDir);
                    body.Append("<section class=\"cell markdown\" id=\"cell-").Append(cell.Number).Append("\">\n")
                        .Append(options.Sanitize ? UntrustedHtml.Clean(markdown) : markdown).Append("</section>\n");
                    break;
                case "code":
                    body.Append(RenderCode(cell, options.Sanitize));
                    break;
                default:
                    body.Append("<section class=\"cell raw\" id=\"cell-").Append(cell.Number).Append("\"><pre>")
                        .Append(Html.Escape(cell.Source)).Append("</pre></section>\n");
                    break;
            }
        }

        // Only what the page uses goes in: KaTeX is ~0.6 MB inlined, plotly.js ~4.8 MB.
        var text = body.ToString();
        var notes = new List<string>();
        var hasMath = text.Contains("class=\"math", StringComparison.Ordinal) || text.Contains("class=\"output latex\"", StringComparison.Ordinal);
        var hasCharts = text.Contains(ChartMarker, StringComparison.Ordinal);
        var name = notebook.Path ?? title;
        var katex = hasMath ? FindKatex(options, name, notebookDir, notes) : null;
        var plotly = hasCharts ? FindPlotly(options, name, notebookDir, notes) : null;

        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"aevb notebook export\">\n")
            .Append("<title>").Append(Html.Escape(title)).Append("</title>\n")
            .Append("<style>").Append(Css).Append("</style>\n");
        if (hasMath) page.Append(KatexAssets.HeadMarkup(katex));
        // In the head, before any chart fragment runs: each finds window.Plotly and draws with it.
        if (hasCharts) page.Append(plotly is null ? PlotlyJs.ScriptElement(PlotlyJsSource.Cdn) : PlotlyJs.InlineScriptElement(plotly)).Append('\n');
        page.Append("</head>\n<body>\n<main>\n")
            .Append(text)
            .Append("</main>\n");
        if (hasMath) page.Append(RenderMathScript);
        if (options.Sanitize && hasCharts) page.Append(UntrustedHtml.DrawScript);
        if (text.Contains(FallbackMarker, StringComparison.Ordinal)) page.Append(ImageFallbackScript);
        page.Append("</body>\n</html>\n");
        return new HtmlExportResult(page.ToString(), katex is not null, hasMath, plotly is not null, hasCharts, notes);
    }

    /// <summary>The local KaTeX package to inline, or null for the CDN (with a note), per <see cref="HtmlExportOptions.Assets"/>.</summary>
    private static string? FindKatex(HtmlExportOptions options, string name, string notebookDir, List<string> notes)
    {
        if (options.Assets == HtmlAssets.Cdn) return null;
        if (options.KatexDirectory is { } explicitDir)
        {
            return KatexAssets.IsKatexPackage(explicitDir) ? explicitDir
                : throw new NotebookFormatException($"{explicitDir}: not the npm package katex (no dist/katex.min.js, dist/katex.min.css and dist/contrib/auto-render.min.js); install it with `npm install katex`.");
        }
        var found = KatexAssets.Find(notebookDir, Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        if (found is not null) return found;
        var problem = $"KaTeX was not found (node_modules/katex in or above '{notebookDir}', the current folder or the program's folder)";
        if (options.Assets == HtmlAssets.Inline)
            throw new NotebookFormatException($"{name}: {problem}, so the page cannot typeset math offline. Run `npm ci` in the repository root, pass the package folder (--katex), or export with the CDN (--cdn).");
        notes.Add($"{problem}: math is typeset by KaTeX from the CDN, so it needs a network (`npm ci` in the repository root makes the page self-contained).");
        return null;
    }

    /// <summary>The local plotly.min.js to inline, or null for the CDN (with a note), per <see cref="HtmlExportOptions.Assets"/>.</summary>
    private static string? FindPlotly(HtmlExportOptions options, string name, string notebookDir, List<string> notes)
    {
        if (options.Assets == HtmlAssets.Cdn) return null;
        if (options.PlotlyJsPath is { } explicitPath)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath)
                : throw new NotebookFormatException($"{explicitPath}: no such file (plotly.min.js to inline); {PlotlyJs.InstallHint}.");
        }
        var found = PlotlyJs.TryFindLocal(notebookDir);
        if (found is not null) return found;
        var problem = PlotlyJs.MissingReason(notebookDir) ?? "plotly.js was not found.";
        if (options.Assets == HtmlAssets.Inline)
            throw new NotebookFormatException($"{name}: the page cannot draw its charts offline: {problem} Or export with the CDN (--cdn).");
        notes.Add($"Charts load plotly.js from the CDN ({PlotlyJs.CdnUrl}), so they need a network (without one, a chart that has a static image shows that). {problem}");
        return null;
    }

    private static string? FirstHeading(IEnumerable<NotebookCell> cells)
    {
        foreach (var cell in cells.Where(c => c.IsMarkdown))
            foreach (var line in cell.Source.Split('\n'))
                if (line.StartsWith('#') && line.TrimStart('#').StartsWith(' '))
                    return line.TrimStart('#').Trim();
        return null;
    }

    private static string RenderMarkdown(NotebookCell cell, string notebookDir)
    {
        var source = cell.Source;
        // Jupyter cell attachments: ![x](attachment:name.png) -> data URI.
        if (cell.Node["attachments"] is JsonObject attachments)
        {
            foreach (var (name, bundle) in attachments)
            {
                if (bundle is not JsonObject b) continue;
                var first = b.FirstOrDefault();
                if (first.Value is null) continue;
                var data = NotebookCell.JoinMultiline(first.Value).Replace("\n", "");
                source = source.Replace($"attachment:{name}", $"data:{first.Key};base64,{data}", StringComparison.Ordinal);
            }
        }
        var html = JupyterMath.ToHtml(source, Pipeline);
        // Local images: embed, so the page stays self-contained wherever it is copied.
        return LocalImage().Replace(html, m =>
        {
            var src = System.Net.WebUtility.HtmlDecode(m.Groups["src"].Value);
            var file = Path.Combine(notebookDir, Uri.UnescapeDataString(src));
            if (!File.Exists(file)) return m.Value;
            var mime = Path.GetExtension(file).ToLowerInvariant() switch
            {
                ".png" => "image/png", ".jpg" or ".jpeg" => "image/jpeg", ".gif" => "image/gif", ".svg" => "image/svg+xml", ".webp" => "image/webp",
                _ => null,
            };
            return mime is null ? m.Value : $"<img{m.Groups["pre"].Value}src=\"data:{mime};base64,{Convert.ToBase64String(File.ReadAllBytes(file))}\"";
        });
    }

    private static string RenderCode(NotebookCell cell, bool sanitize)
    {
        var sb = new StringBuilder();
        var count = cell.ExecutionCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? " ";
        sb.Append("<section class=\"cell code\" id=\"cell-").Append(cell.Number).Append("\">\n")
          .Append("<div class=\"prompt\">In&nbsp;[").Append(count).Append("]:</div>\n")
          .Append("<pre class=\"source\"><code class=\"language-csharp\">").Append(CSharpHighlighter.ToHtml(cell.Source)).Append("</code></pre>\n");
        var outputs = cell.Node["outputs"] as JsonArray;
        if (outputs is { Count: > 0 })
        {
            sb.Append("<div class=\"outputs\">\n");
            foreach (var o in outputs.OfType<JsonObject>()) sb.Append(RenderOutput(o, sanitize));
            sb.Append("</div>\n");
        }
        sb.Append("</section>\n");
        return sb.ToString();
    }

    private static string RenderOutput(JsonObject output, bool sanitize)
    {
        var type = output["output_type"]?.GetValue<string>();
        switch (type)
        {
            case "stream":
            {
                var name = output["name"]?.GetValue<string>() == "stderr" ? "stderr" : "stdout";
                return $"<pre class=\"output stream {name}\">{Html.Escape(ApplyCarriageReturns(NotebookCell.JoinMultiline(output["text"])))}</pre>\n";
            }
            case "error":
            {
                var ename = output["ename"]?.GetValue<string>() ?? "Error";
                var evalue = output["evalue"]?.GetValue<string>() ?? "";
                var traceback = output["traceback"] is JsonArray tb
                    ? string.Join("\n", tb.Select(t => t is JsonValue v && v.TryGetValue<string>(out var s) ? s : ""))
                    : "";
                var text = traceback.Length > 0 ? traceback : $"{ename}: {evalue}";
                return $"<pre class=\"output error\">{Html.Escape(StripAnsi(text))}</pre>\n";
            }
            case "execute_result" or "display_data":
            {
                var data = NotebookOutputs.ReadData(output);
                var prompt = type == "execute_result" && output["execution_count"] is JsonValue ec && ec.TryGetValue<int>(out var n)
                    ? $"<div class=\"prompt out\">Out[{n}]:</div>\n" : "";
                return prompt + RenderBundle(data, sanitize);
            }
            default:
                return "";
        }
    }

    /// <summary>
    /// The best representation of a mime bundle as HTML (see <see cref="MimePreference"/>). Scripted
    /// HTML (a chart) that comes with a PNG keeps the PNG in a &lt;noscript&gt;, so the page reads with
    /// scripts off, and shows it in place of a chart whose plotly.js could not be loaded. With <paramref name="sanitize"/>,
    /// HTML, markdown and SVG are made inert first (<see cref="UntrustedHtml"/>; SVG is shown as an image, where it runs nothing).
    /// </summary>
    public static string RenderBundle(IReadOnlyDictionary<string, string> data, bool sanitize = false)
    {
        var mime = MimePreference.FirstOrDefault(data.ContainsKey) ?? data.Keys.FirstOrDefault();
        if (mime is null) return "";
        var value = data[mime];
        var scripted = sanitize ? mime == "text/html" && UntrustedHtml.HasChart(value) : value.Contains("<script", StringComparison.OrdinalIgnoreCase);
        if (sanitize && mime is "text/html") value = UntrustedHtml.Clean(value);
        if (mime == "text/html" && data.TryGetValue("image/png", out var png) && scripted)
            return $"<div class=\"output rich\">\n<div class=\"output html\">{value}</div>\n{FallbackMarker}{Image("image/png", png)}</noscript>\n</div>\n";
        if (sanitize && mime == "image/svg+xml") return Image(mime, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value))) + "\n";
        return mime switch
        {
            "text/html" => $"<div class=\"output html\">{value}</div>\n",
            "image/svg+xml" => $"<div class=\"output image\">{value}</div>\n",
            "text/markdown" when sanitize => $"<div class=\"output markdown\">{UntrustedHtml.Clean(JupyterMath.ToHtml(value, Pipeline))}</div>\n",
            "text/markdown" => $"<div class=\"output markdown\">{JupyterMath.ToHtml(value, Pipeline)}</div>\n",
            "text/latex" => $"<div class=\"output latex\">{Html.Escape(value)}</div>\n",
            "application/json" => $"<pre class=\"output json\">{Html.Escape(value)}</pre>\n",
            "text/plain" => $"<pre class=\"output text\">{Html.Escape(value)}</pre>\n",
            _ when mime.StartsWith("image/", StringComparison.Ordinal) => Image(mime, value) + "\n",
            _ => $"<pre class=\"output text\">{Html.Escape(value)}</pre>\n",
        };
    }

    /// <summary>An image output; only base64 characters of the data are kept and the type is escaped, so neither can leave the attribute.</summary>
    private static string Image(string mime, string base64)
        => $"<div class=\"output image\"><img alt=\"output\" src=\"data:{Html.Escape(mime)};base64,{string.Concat(base64.Where(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))}\"></div>";

    /// <summary>What <see cref="Chart.ToHtmlFragment"/> output carries; a page with it needs plotly.js.</summary>
    private const string ChartMarker = "data-aevb-chart=\"";

    private const string FallbackMarker = "<noscript class=\"fallback\">";

    /// <summary>A terminal shows only what follows the last '\r' of a line (progress bars); so does the page.</summary>
    internal static string ApplyCarriageReturns(string text)
    {
        if (!text.Contains('\r')) return text;
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split('\r');
            lines[i] = parts.LastOrDefault(p => p.Length > 0) ?? "";
        }
        return string.Join('\n', lines);
    }

    private static string StripAnsi(string text) => Ansi().Replace(text, "");

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();

    [GeneratedRegex(@"<img(?<pre>[^>]*?\s)src=""(?<src>(?![a-zA-Z][a-zA-Z0-9+.\-]*:|//)[^""]+)""")]
    private static partial Regex LocalImage();

    private const string RenderMathScript = """
<script>
document.addEventListener("DOMContentLoaded", function () {
  if (typeof renderMathInElement !== "function") return; // KaTeX unavailable (offline, CDN): leave the TeX readable
  document.querySelectorAll(".markdown .math, .output.markdown .math, .output.latex").forEach(function (el) {
    renderMathInElement(el, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
        { left: "$", right: "$", display: false }
      ],
      throwOnError: false
    });
  });
});
</script>

""";

    // With scripts on, a <noscript>'s content is text: the markup of the static image.
    private const string ImageFallbackScript = """
<script>
window.addEventListener("load", function () {
  // A chart whose plotly.js could not be loaded (a CDN page read offline) shows its static image instead.
  document.querySelectorAll(".output.rich").forEach(function (rich) {
    var fallback = rich.querySelector("noscript.fallback"), html = rich.querySelector(".output.html");
    if (fallback && html && html.querySelector('.aevb-chart[data-aevb-status="error"]')) html.outerHTML = fallback.textContent;
  });
});
</script>

""";

    private const string Css = """
:root { color-scheme: light; --fg: #1f2328; --muted: #656d76; --border: #d0d7de; --code-bg: #f6f8fa; --err-bg: #ffebe9; --err-fg: #82071e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 16px/1.6 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
.cell { margin: 1.1rem 0; }
.markdown h1, .markdown h2, .markdown h3 { line-height: 1.25; margin: 1.6rem 0 .6rem; }
.markdown h1 { font-size: 2rem; border-bottom: 1px solid var(--border); padding-bottom: .3rem; }
.markdown h2 { font-size: 1.5rem; border-bottom: 1px solid var(--border); padding-bottom: .3rem; }
.markdown table { border-collapse: collapse; margin: .8rem 0; }
.markdown th, .markdown td { border: 1px solid var(--border); padding: .3rem .7rem; }
.markdown code { background: var(--code-bg); padding: .1em .35em; border-radius: 4px; font-size: 90%; }
.markdown pre code { background: none; padding: 0; }
.markdown blockquote { margin: 0; padding: 0 1em; color: var(--muted); border-left: .25em solid var(--border); }
.markdown img { max-width: 100%; }
.math.block, div.math { overflow-x: auto; }
pre { font: 13.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-x: auto; margin: 0; white-space: pre-wrap; word-break: break-word; }
.prompt { color: var(--muted); font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin-bottom: .2rem; }
.source { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: .75rem 1rem; }
.outputs { border-left: 3px solid var(--border); margin-top: .4rem; padding-left: .8rem; }
.output { margin: .35rem 0; }
.output.stream.stderr { color: #9a6700; }
.output.error { background: var(--err-bg); color: var(--err-fg); border-radius: 6px; padding: .6rem .8rem; }
.output.image img { max-width: 100%; }
.output.html { overflow-x: auto; }
.kw { color: #cf222e; } .str { color: #0a3069; } .com { color: #6e7781; font-style: italic; }
.num { color: #0550ae; } .pp { color: #8250df; } .type { color: #953800; }
""";
}
