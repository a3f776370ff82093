using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Aevb.IO;

namespace Aevb.Plotting;

// HTML forms of a chart: a full page, and a fragment (div + script) for notebook outputs.
public sealed partial class Chart
{
    /// <summary>Height of pages, fragments and exported images when the chart sets none.</summary>
    public const int DefaultHeight = 500;

    /// <summary>Width of exported images when the chart sets none (pages use the window's width).</summary>
    public const int DefaultWidth = 800;

    /// <summary>
    /// A complete HTML page showing the chart. <see cref="PlotlyJsSource.Cdn"/> (default) links
    /// plotly.js from <see cref="PlotlyJs.CdnUrl"/>; <see cref="PlotlyJsSource.Inline"/> embeds the
    /// local copy from the npm package (an offline page; throws with the npm command if missing).
    /// When drawn, the chart's div carries <c>data-aevb-status="rendered"</c> (or "error").
    /// </summary>
    public string ToHtml(PlotlyJsSource source = PlotlyJsSource.Cdn) => ToHtmlPage(PlotlyJs.ScriptElement(source));

    /// <summary>
    /// A complete HTML page whose plotly.js is the file at <paramref name="plotlyScriptUrl"/> (a URL relative to the page, e.g.
    /// <c>../plotly.min.js</c>; see <see cref="ChartPages"/>). Where that file is missing the chart loads plotly.js from
    /// <see cref="PlotlyJs.CdnUrl"/> instead (<see cref="ToHtmlFragment"/> does so whenever the page has no <c>window.Plotly</c>).
    /// </summary>
    public string ToHtmlWithScript(string plotlyScriptUrl)
        => ToHtmlPage($"<script src=\"{WebUtility.HtmlEncode(plotlyScriptUrl)}\" charset=\"utf-8\"></script>");

    private string ToHtmlPage(string plotlyScriptElement)
    {
        var title = WebUtility.HtmlEncode(_state.Title ?? "Chart");
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(title).Append("</title>\n");
        sb.Append("<style>html,body{margin:0;padding:0;background:#fff;font-family:sans-serif}</style>\n");
        sb.Append(plotlyScriptElement).Append('\n');
        sb.Append("</head>\n<body>\n");
        sb.Append(ToHtmlFragment()).Append('\n');
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToHtml"/> to <paramref name="path"/> atomically.</summary>
    public void SaveHtml(string path, PlotlyJsSource source = PlotlyJsSource.Cdn) =>
        AtomicFile.WriteAllText(path, ToHtml(source));

    /// <summary>
    /// An HTML fragment for a notebook's text/html output: a div and a script that draws into it.
    /// It uses <c>window.Plotly</c> when the page already has it (VS Code after the first chart,
    /// exported notebook pages that include plotly.js once), otherwise loads it from
    /// <see cref="PlotlyJs.CdnUrl"/> once per page and draws when it arrives. The div is found by a
    /// content hash, so re-running a notebook writes identical output.
    /// </summary>
    public string ToHtmlFragment()
    {
        var json = ToJson();
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)), 0, 8).ToLowerInvariant();
        var width = _state.Width is { } w ? w.ToString(CultureInfo.InvariantCulture) + "px" : "100%";
        var height = (_state.Height ?? DefaultHeight).ToString(CultureInfo.InvariantCulture) + "px";
        var cdn = System.Text.Json.JsonSerializer.Serialize(PlotlyJs.CdnUrl);
        return $$"""
            <div class="aevb-chart" data-aevb-chart="{{key}}" style="width:{{width}};height:{{height}};"></div>
            <script type="text/javascript">
            (function () {
              var fig = {{json}};
              var key = "{{key}}";
              function draw() {
                var divs = document.querySelectorAll('div[data-aevb-chart="' + key + '"]');
                var all = window.aevbRendered = window.aevbRendered || [];
                for (var i = 0; i < divs.length; i++) {
                  var div = divs[i];
                  if (div.getAttribute('data-aevb-status')) continue;
                  div.setAttribute('data-aevb-status', 'drawing');
                  all.push(window.Plotly.newPlot(div, fig.data, fig.layout, fig.config).then(
                    (function (d) { return function (gd) { d.setAttribute('data-aevb-status', 'rendered'); return gd; }; })(div),
                    (function (d) { return function (e) { d.setAttribute('data-aevb-status', 'error'); d.textContent = 'plotly.js could not draw this chart: ' + e; throw e; }; })(div)));
                }
              }
              if (window.Plotly) { draw(); return; }
              var waiting = window.aevbPlotlyWaiting;
              if (waiting) { waiting.push(draw); return; }
              waiting = window.aevbPlotlyWaiting = [draw];
              var s = document.createElement('script');
              s.src = {{cdn}};
              s.charset = 'utf-8';
              s.onload = function () {
                window.aevbPlotlyWaiting = null;
                for (var i = 0; i < waiting.length; i++) waiting[i]();
              };
              s.onerror = function () {
                window.aevbPlotlyWaiting = null;
                var divs = document.querySelectorAll('div.aevb-chart:not([data-aevb-status])');
                for (var i = 0; i < divs.length; i++) {
                  divs[i].setAttribute('data-aevb-status', 'error');
                  divs[i].textContent = 'plotly.js could not be loaded from ' + s.src + ' (offline?). The static image of this chart, if any, is in the image/png output.';
                }
              };
              (document.head || document.documentElement).appendChild(s);
            })();
            </script>
            """;
    }
}
