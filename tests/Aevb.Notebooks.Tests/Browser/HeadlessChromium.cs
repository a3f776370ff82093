using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Aevb.Plotting;

namespace Aevb.Notebooks.Tests.Browser;

/// <summary>
/// Runs pages in the real headless Chromium that CI installs, offline (a fresh profile, background
/// networking off). Without Chromium or the npm packages plotly.js-dist-min and katex these tests
/// fail (not skip) with the command that installs them: they are the project's only check that
/// charts and math really render, and a skip would hide exactly the breakage they exist to catch.
/// Used by the chart tests (Charts/) and the exported-notebook tests (Export/).
/// </summary>
internal static class HeadlessChromium
{
    public static string Require()
    {
        if (ChartRenderer.Default.UnavailableReason is { } reason)
            Assert.Fail("The browser chart tests need headless Chromium and the local plotly.js, which the README's test command (test.sh) installs " +
                "(`apt-get install chromium` and `npm ci` in the repository root). " + reason);
        return ChartRenderer.Default.ChromiumPath!;
    }

    /// <summary>The repository's node_modules/katex (what the HTML export inlines); fails with the npm command when missing.</summary>
    public static string RequireKatex()
    {
        var katex = Aevb.Notebooks.Export.KatexAssets.Find(AppContext.BaseDirectory, Directory.GetCurrentDirectory());
        if (katex is null)
            Assert.Fail("The exported-notebook browser tests need the npm package katex, which the README's test command (test.sh) installs " +
                "(`npm ci` in the repository root); no node_modules/katex was found above " + AppContext.BaseDirectory + ".");
        return katex;
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
    /// A script put first in the page's head: records uncaught errors, unhandled rejections,
    /// console.error calls and resources that failed to load (a script, stylesheet or image that
    /// could not be fetched; these never reach console.error), so a test can assert the page ran cleanly.
    /// </summary>
    public const string ErrorRecorder = """
        <script>
        window.__errors = [];
        window.addEventListener('error', function (e) {
          var t = e.target;
          if (t && t !== window && t.tagName) window.__errors.push('resource: <' + t.tagName.toLowerCase() + '> ' + (t.src || t.href || '(inline)'));
          else window.__errors.push('error: ' + e.message);
        }, true);
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
            var result = { charts: charts, errors: window.__errors || [], plotly: window.Plotly ? window.Plotly.version : null };
            /*EXTRA*/
            return result;
          }
          function report() { try { out.textContent = JSON.stringify(facts()); } catch (e) { out.textContent = JSON.stringify({ probeError: String(e) }); } }
          // After the charts have drawn, wait for the load event (and its handlers) and for web
          // fonts (KaTeX's), so what the page shows and the fonts' load status are final.
          function loaded() {
            return new Promise(function (done) {
              if (document.readyState === 'complete') setTimeout(done, 0);
              else window.addEventListener('load', function () { setTimeout(done, 0); });
            });
          }
          function fonts() { return loaded().then(function () { document.body.offsetHeight; return document.fonts ? document.fonts.ready : null; }); }
          function settle() {
            Promise.all(window.aevbRendered || []).then(fonts, function (e) { (window.__errors = window.__errors || []).push('draw: ' + e); return fonts(); })
              .then(report, report);
          }
          // Charts whose plotly.js is still loading register later; wait for the loader to finish.
          (function wait(n) { if (window.aevbPlotlyWaiting && n < 200) setTimeout(function () { wait(n + 1); }, 50); else settle(); })(0);
        })();
        </script>
        """;

    /// <summary>
    /// Writes <paramref name="html"/> with the recorder and probe added, loads it, and returns the
    /// probe's facts: <c>charts</c>, <c>errors</c>, <c>plotly</c> (the version loaded), and, when
    /// <paramref name="extraFacts"/> (a JavaScript expression evaluated once everything has
    /// settled) is given, its value as <c>extra</c>.
    /// </summary>
    public static JsonElement Probe(string html, string directory, string? extraFacts = null)
    {
        var head = html.IndexOf("<head>", StringComparison.Ordinal);
        Assert.True(head >= 0, "page has no <head>");
        // Right after <meta charset> when there is one: the charset must come in the first 1024 bytes.
        var charset = html.IndexOf("<meta charset=\"utf-8\">", head, StringComparison.OrdinalIgnoreCase);
        var at = charset >= 0 && charset < html.IndexOf("</head>", head, StringComparison.Ordinal)
            ? charset + "<meta charset=\"utf-8\">".Length : head + "<head>".Length;
        html = html.Insert(at, "\n" + ErrorRecorder);
        var bodyEnd = html.LastIndexOf("</body>", StringComparison.Ordinal);
        Assert.True(bodyEnd >= 0, "page has no </body>");
        var probe = extraFacts is null ? ChartProbe : ChartProbe.Replace("/*EXTRA*/", "result.extra = (" + extraFacts + ");", StringComparison.Ordinal);
        html = html.Insert(bodyEnd, probe + "\n");
        var path = Path.Combine(directory, "probe-" + Guid.NewGuid().ToString("N") + ".html");
        File.WriteAllText(path, html);
        var dom = DumpDom(path);
        const string open = "<pre id=\"probe\">";
        int start = dom.IndexOf(open, StringComparison.Ordinal);
        Assert.True(start >= 0, "the probe element is missing from Chromium's DOM dump");
        int end = dom.IndexOf("</pre>", start, StringComparison.Ordinal);
        var text = WebUtility.HtmlDecode(dom[(start + open.Length)..end]);
        Assert.True(text != "pending", "the page's charts never finished drawing (probe still 'pending')");
        var facts = JsonDocument.Parse(text).RootElement.Clone();
        Assert.False(facts.TryGetProperty("probeError", out var error), "the probe itself failed: " + error);
        return facts;
    }
}
