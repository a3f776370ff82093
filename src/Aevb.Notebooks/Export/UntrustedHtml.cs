using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ganss.Xss;

namespace Aevb.Notebooks.Export;

/// <summary>
/// What <see cref="HtmlExportOptions.Sanitize"/> does to the notebook's own HTML (markdown cells, text/html, text/markdown and
/// SVG outputs), so that a page exported from a notebook someone else wrote runs none of its scripts.
/// <para>
/// Trust: the exporter's own markup and scripts (page layout, KaTeX, plotly.js, the chart-drawing script) are trusted; everything
/// that comes from the notebook is data. HTML goes through an allowlist sanitizer (HtmlSanitizer: no script or style elements, no
/// event-handler attributes such as <c>onerror=</c>, no <c>javascript:</c> or other non-web URLs; <c>data:image/…</c> only as an
/// image's source). A chart output of <see cref="Aevb.Plotting.Chart.ToHtmlFragment"/> is recognised by its exact shape, its
/// figure read as JSON (never run), and drawn by the page's own script (<see cref="DrawScript"/>), so charts keep working.
/// </para>
/// </summary>
internal static partial class UntrustedHtml
{
    /// <summary>Marks the JSON figure of a chart kept by <see cref="Clean"/>; the page's <see cref="DrawScript"/> draws it.</summary>
    public const string FigureClass = "aevb-chart-figure";

    /// <summary>The HTML without scripts, event handlers or script URLs; recognised chart outputs become inert figure data.</summary>
    public static string Clean(string html)
    {
        var sb = new StringBuilder(html.Length);
        var sanitizer = Create();
        var at = 0;
        foreach (Match m in ChartFragment().Matches(html))
        {
            if (!IsJson(m.Groups["fig"].Value)) continue; // not our chart after all: sanitized with the rest
            sb.Append(sanitizer.Sanitize(html[at..m.Index]));
            var key = m.Groups["key"].Value;
            sb.Append($"<div class=\"aevb-chart\" data-aevb-chart=\"{key}\" style=\"width:{m.Groups["w"].Value};height:{m.Groups["h"].Value};\"></div>\n")
              .Append($"<script type=\"application/json\" class=\"{FigureClass}\" data-aevb-chart=\"{key}\">")
              // Inside a script element only "<" matters; in JSON it can only occur in strings, where \u003c means the same.
              .Append(m.Groups["fig"].Value.Replace("<", "\\u003c", StringComparison.Ordinal))
              .Append("</script>");
            at = m.Index + m.Length;
        }
        sb.Append(sanitizer.Sanitize(html[at..]));
        return sb.ToString();
    }

    /// <summary>Whether <see cref="Clean"/> would keep a chart from <paramref name="html"/>.</summary>
    public static bool HasChart(string html) => ChartFragment().Matches(html).Any(m => IsJson(m.Groups["fig"].Value));

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Add("data");
        // Classes and ids carry no script and the page needs them (math spans for KaTeX, heading anchors, tables).
        foreach (var attribute in new[] { "class", "id", "data-aevb-chart" }) sanitizer.AllowedAttributes.Add(attribute);
        sanitizer.FilterUrl += (_, e) =>
        {
            // data: only for an image's pixels: a data: link or frame could carry a page with scripts.
            if (e.OriginalUrl.TrimStart().StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                && !(e.Tag.NodeName.Equals("IMG", StringComparison.OrdinalIgnoreCase)
                     && e.OriginalUrl.TrimStart().StartsWith("data:image/", StringComparison.OrdinalIgnoreCase)))
                e.SanitizedUrl = null;
        };
        return sanitizer;
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The exact output of <see cref="Aevb.Plotting.Chart.ToHtmlFragment"/>: the div, then the script that holds the figure.</summary>
    [GeneratedRegex("""<div class="aevb-chart" data-aevb-chart="(?<key>[0-9a-f]{1,64})" style="width:(?<w>[0-9]{1,5}px|100%);height:(?<h>[0-9]{1,5}px);"></div>\s*<script type="text/javascript">\s*\(function \(\) \{\s*var fig = (?<fig>\{.*?\});\s*var key = "\k<key>";.*?</script>""",
        RegexOptions.Singleline)]
    private static partial Regex ChartFragment();

    /// <summary>
    /// The page's own script that draws every kept chart figure with the page's plotly.js, marking each div
    /// <c>data-aevb-status</c> "rendered" or "error" as <see cref="Aevb.Plotting.Chart.ToHtmlFragment"/> does.
    /// </summary>
    public const string DrawScript = """
<script>
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("script.aevb-chart-figure").forEach(function (data) {
    var div = data.previousElementSibling;
    if (!div || !div.classList.contains("aevb-chart")) return;
    if (!window.Plotly) { div.setAttribute("data-aevb-status", "error"); div.textContent = "plotly.js could not be loaded (offline?)."; return; }
    var fig = JSON.parse(data.textContent);
    div.setAttribute("data-aevb-status", "drawing");
    window.Plotly.newPlot(div, fig.data, fig.layout, fig.config).then(
      function () { div.setAttribute("data-aevb-status", "rendered"); },
      function (e) { div.setAttribute("data-aevb-status", "error"); div.textContent = "plotly.js could not draw this chart: " + e; });
  });
});
</script>

""";
}
