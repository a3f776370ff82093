using System.Collections.Concurrent;
using System.Net;

namespace Aevb.Plotting;

/// <summary>Where a chart page gets plotly.js from.</summary>
public enum PlotlyJsSource
{
    /// <summary>A &lt;script src&gt; pointing at <see cref="PlotlyJs.CdnUrl"/> (small pages; needs a network).</summary>
    Cdn,
    /// <summary>The local <c>plotly.min.js</c> of the npm package <c>plotly.js-dist-min</c>, inlined (offline pages, ~4.8 MB).</summary>
    Inline,
}

/// <summary>
/// Locates plotly.js. The version pinned in the repository's package.json is the one the CDN
/// link points at, so online and offline pages draw with the same code.
/// </summary>
public static class PlotlyJs
{
    /// <summary>The plotly.js version of the pinned npm package (package.json) and of <see cref="CdnUrl"/>.</summary>
    public const string Version = "4.1.2";

    /// <summary>The npm package whose <c>plotly.min.js</c> is inlined and used for static export.</summary>
    public const string PackageName = "plotly.js-dist-min";

    /// <summary>Environment variable naming plotly.min.js (or the package folder holding it).</summary>
    public const string EnvironmentVariable = "AEVB_PLOTLY_JS";

    /// <summary>How to install the package, quoted in error messages.</summary>
    public const string InstallHint = "run `npm ci` in the repository root (or `npm install " + PackageName + "` in your working folder)";

    /// <summary>Script URL used by <see cref="PlotlyJsSource.Cdn"/> pages and notebook fragments; settable.</summary>
    public static string CdnUrl { get; set; } = $"https://cdn.plot.ly/plotly-{Version}.min.js";

    /// <summary>
    /// Finds plotly.min.js: <see cref="EnvironmentVariable"/> if set; otherwise
    /// <c>node_modules/plotly.js-dist-min/plotly.min.js</c> in the current directory or any parent,
    /// then beside the loaded Aevb.dll or any parent (a notebook that <c>#r</c>s the library from
    /// the repository's build output finds the repository's node_modules that way).
    /// Returns null when there is none.
    /// </summary>
    public static string? TryFindLocal() => Search([], out _);

    /// <summary>
    /// Like <see cref="TryFindLocal()"/>, but also looks in and above <paramref name="searchFirst"/>
    /// (before the current folder; e.g. a notebook's folder) once the environment variable is not set.
    /// </summary>
    public static string? TryFindLocal(params string?[] searchFirst) => Search(searchFirst, out _);

    /// <summary>Like <see cref="TryFindLocal()"/>, but a missing copy is an error that says how to install it.</summary>
    public static string FindLocal() => Search([], out var problem) ?? throw new FileNotFoundException(problem);

    /// <summary>Why <see cref="TryFindLocal()"/> found nothing (null when it finds a copy).</summary>
    public static string? MissingReason() => Search([], out var problem) is null ? problem : null;

    /// <summary>Why <see cref="TryFindLocal(string?[])"/> with the same folders found nothing (null when it finds a copy).</summary>
    public static string? MissingReason(params string?[] searchFirst) => Search(searchFirst, out var problem) is null ? problem : null;

    private static string? Search(string?[] searchFirst, out string problem)
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            var file = Directory.Exists(env) ? Path.Combine(env, "plotly.min.js") : env;
            problem = $"{EnvironmentVariable} is set to '{env}', but there is no plotly.min.js there. " +
                $"Point it at node_modules/{PackageName}/plotly.min.js, or unset it and {InstallHint}.";
            return File.Exists(file) ? Path.GetFullPath(file) : null;
        }

        var starts = searchFirst.Where(d => !string.IsNullOrEmpty(d)).Select(d => Path.GetFullPath(d!)).ToList();
        starts.Add(Directory.GetCurrentDirectory());
        var assemblyDir = Path.GetDirectoryName(typeof(PlotlyJs).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir)) starts.Add(assemblyDir);
        starts.Add(AppContext.BaseDirectory);
        var looked = string.Join(", ", starts.Select(s => Path.TrimEndingDirectorySeparator(s)).Distinct().Select(s => $"'{s}'"));
        problem = $"plotly.js was not found: looked for node_modules/{PackageName}/plotly.min.js in and above {looked}, and {EnvironmentVariable} is not set. " +
            $"To install it, {InstallHint}; or set {EnvironmentVariable} to the path of plotly.min.js.";
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", PackageName, "plotly.min.js");
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    private static readonly ConcurrentDictionary<(string Path, DateTime Stamp), string> Cache = new();

    /// <summary>The text of the local plotly.min.js (read once per file version).</summary>
    public static string ReadLocal() => Read(FindLocal());

    // Pages with many charts, and test runs, inline the same 4.8 MB file again and again.
    private static string Read(string path)
    {
        var full = Path.GetFullPath(path);
        var key = (full, File.GetLastWriteTimeUtc(full));
        return Cache.GetOrAdd(key, k => File.ReadAllText(k.Path));
    }

    /// <summary>
    /// A &lt;script&gt; element that loads plotly.js: a CDN reference, or the local copy inlined.
    /// Pages that show several charts include it once in their head; <see cref="Chart.ToHtmlFragment"/>
    /// then draws without loading anything.
    /// </summary>
    public static string ScriptElement(PlotlyJsSource source)
    {
        if (source == PlotlyJsSource.Cdn)
            return $"<script src=\"{WebUtility.HtmlEncode(CdnUrl)}\" charset=\"utf-8\"></script>";
        return InlineScriptElement(FindLocal());
    }

    /// <summary>A &lt;script&gt; element with the plotly.js file <paramref name="plotlyJsPath"/> inlined (for offline pages).</summary>
    public static string InlineScriptElement(string plotlyJsPath)
    {
        if (!File.Exists(plotlyJsPath))
            throw new FileNotFoundException($"plotly.js file '{plotlyJsPath}' does not exist; {InstallHint}.", plotlyJsPath);
        // "</script" inside the code would end the element early; in a JS string or regex "<\/" is the same text.
        var code = Read(plotlyJsPath).Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
        return $"<script type=\"text/javascript\">/* plotly.js from the npm package {PackageName}, inlined */\n{code}\n</script>";
    }
}
