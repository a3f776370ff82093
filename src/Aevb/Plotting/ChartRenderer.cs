using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Aevb.Plotting;

/// <summary>
/// Renders charts to static PNG or SVG with headless Chromium driving plotly.js: it writes a
/// temporary page that draws the chart and calls <c>Plotly.toImage</c>, runs Chromium with
/// <c>--dump-dom</c>, and reads back the data URL the page wrote into the DOM. The image is
/// exactly what plotly.js exports (the requested size, independent of any window).
/// Needs Chromium (<see cref="ChromiumEnvironmentVariable"/>, or chromium / chromium-browser /
/// google-chrome on PATH) and the local plotly.js (<see cref="PlotlyJs.FindLocal"/>); no network.
/// </summary>
public sealed class ChartRenderer
{
    /// <summary>Environment variable naming the Chromium (or Chrome) executable.</summary>
    public const string ChromiumEnvironmentVariable = "AEVB_CHROMIUM";

    /// <summary>Executable names searched on PATH, in order.</summary>
    public static IReadOnlyList<string> ChromiumNames { get; } =
        ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

    /// <summary>How to get Chromium, quoted in messages.</summary>
    public const string InstallHint = "install Chromium (Debian/Ubuntu: `apt-get install chromium`) or set AEVB_CHROMIUM to a Chromium/Chrome executable";

    private readonly string? _chromium;
    private readonly string? _plotly;

    /// <summary>
    /// A renderer using <paramref name="chromiumPath"/> and <paramref name="plotlyJsPath"/> when given,
    /// otherwise finding them anew on each use (so installing Chromium mid-session just works).
    /// </summary>
    public ChartRenderer(string? chromiumPath = null, string? plotlyJsPath = null, TimeSpan? timeout = null)
    {
        _chromium = chromiumPath;
        _plotly = plotlyJsPath;
        Timeout = timeout ?? TimeSpan.FromSeconds(90);
    }

    /// <summary>The renderer used by <see cref="Chart.SavePng"/>, <see cref="Chart.SaveSvg"/> and the notebook formatters.</summary>
    public static ChartRenderer Default { get; set; } = new();

    /// <summary>Longest a single Chromium run may take before it is killed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The Chromium executable in use, or null if none is found.</summary>
    public string? ChromiumPath => _chromium is not null ? (File.Exists(_chromium) ? _chromium : null) : FindChromium();

    /// <summary>The plotly.min.js in use, or null if none is found.</summary>
    public string? PlotlyJsPath => _plotly is not null ? (File.Exists(_plotly) ? _plotly : null) : PlotlyJs.TryFindLocal();

    /// <summary>Whether both Chromium and plotly.js are there, i.e. static export can work.</summary>
    public bool IsAvailable => UnavailableReason is null;

    /// <summary>Why static export cannot work here (what is missing and how to get it), or null if it can.</summary>
    public string? UnavailableReason
    {
        get
        {
            var reasons = new List<string>();
            var env = Environment.GetEnvironmentVariable(ChromiumEnvironmentVariable);
            if (ChromiumPath is null)
                reasons.Add(_chromium is not null
                    ? $"the Chromium executable '{_chromium}' does not exist"
                    : !string.IsNullOrWhiteSpace(env)
                        ? $"{ChromiumEnvironmentVariable} is set to '{env}', which does not exist: {InstallHint}"
                        : $"no Chromium found ({ChromiumEnvironmentVariable} unset and none of {string.Join(", ", ChromiumNames)} on PATH): {InstallHint}");
            if (PlotlyJsPath is null)
                reasons.Add(_plotly is not null ? $"plotly.js file '{_plotly}' does not exist" : PlotlyJs.MissingReason() ?? "plotly.js not found");
            return reasons.Count == 0 ? null : "Static chart export is unavailable: " + string.Join("; ", reasons);
        }
    }

    /// <summary>Finds Chromium: <see cref="ChromiumEnvironmentVariable"/>, then <see cref="ChromiumNames"/> on PATH.</summary>
    public static string? FindChromium()
    {
        var env = Environment.GetEnvironmentVariable(ChromiumEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
            return File.Exists(env) ? Path.GetFullPath(env) : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in ChromiumNames)
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? name + ".exe" : name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>Renders <paramref name="chart"/> as PNG bytes of exactly <paramref name="width"/> x <paramref name="height"/> pixels times <paramref name="scale"/>.</summary>
    public byte[] RenderPng(Chart chart, int width, int height, double scale = 1)
    {
        var url = Render(chart, "png", width, height, scale);
        const string prefix = "data:image/png;base64,";
        if (!url.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException($"Chart export: plotly.js returned an unexpected PNG data URL ('{Shorten(url)}').");
        return Convert.FromBase64String(url[prefix.Length..]);
    }

    /// <summary>Renders <paramref name="chart"/> as an SVG document of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public string RenderSvg(Chart chart, int width, int height)
    {
        var url = Render(chart, "svg", width, height, 1);
        const string prefix = "data:image/svg+xml,";
        if (!url.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException($"Chart export: plotly.js returned an unexpected SVG data URL ('{Shorten(url)}').");
        return Uri.UnescapeDataString(url[prefix.Length..]);
    }

    private string Render(Chart chart, string format, int width, int height, double scale)
    {
        ArgumentNullException.ThrowIfNull(chart);
        if (width < 10 || height < 10 || width > 10000 || height > 10000)
            throw new ArgumentOutOfRangeException(nameof(width), $"Chart export: size must be between 10 and 10000 pixels, got {width}x{height}.");
        if (!(scale > 0 && scale <= 10))
            throw new ArgumentOutOfRangeException(nameof(scale), $"Chart export: scale must be in (0, 10], got {scale}.");
        if (UnavailableReason is { } reason) throw new InvalidOperationException(reason);
        var chromium = ChromiumPath!;
        var plotly = PlotlyJsPath!;

        var work = Path.Combine(Path.GetTempPath(), "aevb-render-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var page = Path.Combine(work, "chart.html");
            File.WriteAllText(page, ExportPage(chart, format, width, height, scale, new Uri(plotly).AbsoluteUri), new UTF8Encoding(false));
            var (dom, errors) = RunChromium(chromium, work, new Uri(page).AbsoluteUri);
            return ReadResult(dom, chromium, errors);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string ExportPage(Chart chart, string format, int width, int height, double scale, string plotlyUrl)
    {
        string S(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return $$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8">
            <script src="{{WebUtility.HtmlEncode(plotlyUrl)}}" charset="utf-8"></script>
            </head><body style="margin:0">
            <div id="gd" style="width:{{width}}px;height:{{height}}px"></div>
            <pre id="aevb-result">pending</pre>
            <script>
            (function () {
              var out = document.getElementById('aevb-result');
              function fail(e) { out.textContent = 'ERROR ' + (e && e.message ? e.message : String(e)); }
              try {
                if (!window.Plotly) { fail('plotly.js did not load from ' + {{System.Text.Json.JsonSerializer.Serialize(plotlyUrl)}}); return; }
                var fig = {{chart.ToJson()}};
                fig.layout.width = {{width}};
                fig.layout.height = {{height}};
                Plotly.newPlot('gd', fig.data, fig.layout, { staticPlot: true })
                  .then(function (gd) { return Plotly.toImage(gd, { format: '{{format}}', width: {{width}}, height: {{height}}, scale: {{S(scale)}} }); })
                  .then(function (url) { out.textContent = 'OK ' + url; }, fail);
              } catch (e) { fail(e); }
            })();
            </script>
            </body></html>
            """;
    }

    /// <summary>Flags for a throw-away, offline, sandbox-free (we run as root in containers) headless run.</summary>
    internal static IReadOnlyList<string> HeadlessFlags(string profileDir) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio",
        "--hide-scrollbars", "--user-data-dir=" + profileDir,
    ];

    /// <summary>
    /// Runs Chromium headless on <paramref name="url"/> and returns the DOM it dumps after the page
    /// settles. The virtual-time budget lets promise chains (newPlot, toImage) finish first.
    /// </summary>
    internal (string Dom, string Errors) RunChromium(string chromium, string workDir, string url)
    {
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var flag in HeadlessFlags(Path.Combine(workDir, "profile"))) psi.ArgumentList.Add(flag);
        psi.ArgumentList.Add("--virtual-time-budget=60000");
        psi.ArgumentList.Add("--dump-dom");
        psi.ArgumentList.Add(url);

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Chart export: could not start '{chromium}'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit();
            throw new TimeoutException($"Chart export: '{chromium}' did not finish within {Timeout.TotalSeconds:0} s and was stopped.");
        }
        process.WaitForExit();
        // The exit code is not checked: what counts is whether the page wrote its result,
        // and some builds exit non-zero on shutdown after a good dump.
        return (stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string ReadResult(string dom, string chromium, string errors)
    {
        const string open = "<pre id=\"aevb-result\">";
        int start = dom.IndexOf(open, StringComparison.Ordinal);
        int end = start < 0 ? -1 : dom.IndexOf("</pre>", start, StringComparison.Ordinal);
        if (start < 0 || end < 0)
            throw new InvalidOperationException(
                $"Chart export: '{chromium}' did not return the rendered page. Its error output ends: {Tail(errors)}");
        var text = WebUtility.HtmlDecode(dom[(start + open.Length)..end]);
        if (text.StartsWith("OK ", StringComparison.Ordinal)) return text[3..];
        if (text.StartsWith("ERROR ", StringComparison.Ordinal))
            throw new InvalidOperationException("Chart export: plotly.js failed in headless Chromium: " + text[6..]);
        throw new TimeoutException("Chart export: plotly.js did not finish drawing before Chromium dumped the page.");
    }

    private static string Tail(string s)
    {
        var lines = s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.Contains("dbus", StringComparison.OrdinalIgnoreCase)).TakeLast(5);
        var text = string.Join(" | ", lines);
        return text.Length == 0 ? "(nothing)" : text;
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "...";
}
