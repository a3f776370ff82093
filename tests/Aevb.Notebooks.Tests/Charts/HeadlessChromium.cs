using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Aevb.Plotting;

namespace Aevb.Notebooks.Tests.Charts;

/// <summary>
/// Runs pages in the real headless Chromium that CI installs. Without Chromium or the npm
/// package plotly.js-dist-min these tests fail (not skip) with the command that installs them:
/// they are the project's only check that charts really draw, and a skip would hide exactly
/// the breakage they exist to catch.
/// </summary>
internal static class HeadlessChromium
{
    public static string Require()
    {
        if (ChartRenderer.Default.UnavailableReason is { } reason)
            Assert.Fail("The browser chart tests need headless Chromium and the local plotly.js, which CI's .ci/run installs " +
                "(`apt-get install chromium` and `npm ci` in the repository root). " + reason);
        return ChartRenderer.Default.ChromiumPath!;
    }

    /// <summary>Loads <paramref name="htmlPath"/> and returns the DOM after scripts have settled.</summary>
    public static string DumpDom(string htmlPath)
    {
        var chromium = Require();
        var profile = Directory.CreateTempSubdirectory("aevb-chromium-");
        try
        {
            var psi = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            foreach (var flag in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--user-data-dir=" + profile.FullName, "--virtual-time-budget=60000", "--dump-dom",
            }) psi.ArgumentList.Add(flag);
            psi.ArgumentList.Add(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail($"Chromium did not finish loading {htmlPath} within 120 s.");
            }
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"Chromium exited with {p.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try { profile.Delete(true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// A script put first in the page's head: records uncaught errors and console.error calls,
    /// so a test can assert the page ran cleanly.
    /// </summary>
    public const string ErrorRecorder = """
        <script>
        window.__errors = [];
        window.addEventListener('error', function (e) { window.__errors.push('error: ' + e.message); });
        window.addEventListener('unhandledrejection', function (e) { window.__errors.push('rejection: ' + e.reason); });
        (function () { var original = console.error; console.error = function () { window.__errors.push('console: ' + Array.prototype.join.call(arguments, ' ')); return original.apply(console, arguments); }; })();
        </script>
        """;

    /// <summary>
    /// A script put last in the body: once every chart's Plotly.newPlot has settled, writes what
    /// the browser drew (counted in the rendered SVG) and plotly's resolved layout into #probe.
    /// </summary>
    public const string ChartProbe = """
        <pre id="probe">pending</pre>
        <script>
        (function () {
          var out = document.getElementById('probe');
          function facts() {
            var charts = [];
            var divs = document.querySelectorAll('div.aevb-chart');
            for (var i = 0; i < divs.length; i++) {
              var gd = divs[i], fl = gd._fullLayout || {}, axes = {};
              Object.keys(fl).filter(function (k) { return /^[xy]axis\d*$/.test(k); }).sort().forEach(function (k) {
                var a = fl[k];
                axes[k] = { type: a.type, anchor: a.anchor, matches: a.matches || null, domain: a.domain,
                            title: a.title && a.title.text ? a.title.text : null, ticks: gd.querySelectorAll('.' + a._id + 'tick').length };
              });
              charts.push({
                status: gd.getAttribute('data-aevb-status'),
                scatterTraces: gd.querySelectorAll('.scatterlayer .trace').length,
                barTraces: gd.querySelectorAll('.barlayer .trace').length,
                heatmaps: gd.querySelectorAll('.heatmaplayer .hm, .imagelayer image').length,
                contours: gd.querySelectorAll('.contourlayer .contour').length,
                legendEntries: gd.querySelectorAll('.legend .traces').length,
                legendTexts: Array.prototype.map.call(gd.querySelectorAll('.legend .traces .legendtext'), function (t) { return t.textContent; }),
                dataTraces: (gd._fullData || []).length,
                title: fl.title && fl.title.text ? fl.title.text : null,
                svgWidth: (gd.querySelector('svg.main-svg') || { getAttribute: function () { return null; } }).getAttribute('width'),
                axes: axes
              });
            }
            return { charts: charts, errors: window.__errors || [], plotly: window.Plotly ? window.Plotly.version : null };
          }
          function report() { out.textContent = JSON.stringify(facts()); }
          function settle() { Promise.all(window.aevbRendered || []).then(report, function (e) { (window.__errors = window.__errors || []).push('draw: ' + e); report(); }); }
          // Charts whose plotly.js is still loading register later; wait for the loader to finish.
          (function wait(n) { if (window.aevbPlotlyWaiting && n < 200) setTimeout(function () { wait(n + 1); }, 50); else settle(); })(0);
        })();
        </script>
        """;

    /// <summary>Writes <paramref name="html"/> with the recorder and probe added, loads it, and returns the probe's facts.</summary>
    public static JsonElement Probe(string html, string directory)
    {
        var headEnd = html.IndexOf("<head>", StringComparison.Ordinal);
        Assert.True(headEnd >= 0, "page has no <head>");
        html = html.Insert(headEnd + "<head>".Length, "\n" + ErrorRecorder);
        var bodyEnd = html.LastIndexOf("</body>", StringComparison.Ordinal);
        Assert.True(bodyEnd >= 0, "page has no </body>");
        html = html.Insert(bodyEnd, ChartProbe + "\n");
        var path = Path.Combine(directory, "probe-" + Guid.NewGuid().ToString("N") + ".html");
        File.WriteAllText(path, html);
        var dom = DumpDom(path);
        const string open = "<pre id=\"probe\">";
        int start = dom.IndexOf(open, StringComparison.Ordinal);
        Assert.True(start >= 0, "the probe element is missing from Chromium's DOM dump");
        int end = dom.IndexOf("</pre>", start, StringComparison.Ordinal);
        var text = WebUtility.HtmlDecode(dom[(start + open.Length)..end]);
        Assert.True(text != "pending", "the page's charts never finished drawing (probe still 'pending')");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
