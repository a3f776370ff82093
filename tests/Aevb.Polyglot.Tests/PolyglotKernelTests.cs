using System.Reflection;
using System.Text.RegularExpressions;

namespace Aevb.Polyglot.Tests;

/// <summary>
/// Every notebook in notebooks/ runs in Polyglot Notebooks' own C# kernel (.NET Interactive, pinned in
/// Directory.Packages.props) cell by cell, in quick mode, with the notebook's folder as working directory, and
/// every cell's outputs match what our runner (<c>aevb notebook run --quick</c>) produces for the same cell: the
/// same displayed values with the same MIME types, the same text/plain, charts and images in the same places, and
/// the same standard output (timings aside).
/// </summary>
public sealed partial class PolyglotKernelTests
{
    /// <summary>The .NET Interactive version this test pins (Directory.Packages.props).</summary>
    private const string PinnedVersion = "1.0.0-beta.26120.1";

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Repository.NotebooksDir, "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void TheKernelIsThePinnedDotNetInteractive()
    {
        var version = typeof(Microsoft.DotNet.Interactive.CSharp.CSharpKernel).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        Assert.True(version.StartsWith(PinnedVersion, StringComparison.Ordinal),
            $"Microsoft.DotNet.Interactive.CSharp is {version}, the pin is {PinnedVersion}. If the pinned pre-release no longer " +
            "restores, pick the newest 1.0.0-beta.* that does for net10.0, set it in Directory.Packages.props and here.");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task EveryCellRunsInThePolyglotKernelAndMatchesOurRunner(string notebook)
    {
        Assert.True(File.Exists(Repository.LibraryAssembly),
            $"{Repository.LibraryAssembly} is missing: the notebooks #r it; build it with `dotnet build src/Aevb -c Release`.");
        var path = Path.Combine(Repository.NotebooksDir, notebook);
        var env = Repository.NotebookEnvironment();
        var temp = Path.Combine(Path.GetTempPath(), "aevb-polyglot-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            var ours = await OurRunner.RunAsync(path, env, Path.Combine(temp, notebook));
            var polyglot = await PolyglotKernel.RunAsync(path, env);

            Assert.Equal(ours.Count, polyglot.Count);
            for (var i = 0; i < ours.Count; i++)
            {
                var (o, p) = (ours[i], polyglot[i]);
                var where = $"{notebook}, cell {p.Index}";
                Assert.True(p.Failure is null, $"{where} failed in the Polyglot kernel:\n{p.Failure}");
                Assert.True(o.Failure is null, $"{where} failed in our runner:\n{o.Failure}");
                Assert.True(Normalize(o.Stdout) == Normalize(p.Stdout),
                    $"{where}: standard output differs.\n--- our runner:\n{o.Stdout}\n--- Polyglot kernel:\n{p.Stdout}");
                Assert.True(Normalize(o.Stderr) == Normalize(p.Stderr),
                    $"{where}: standard error differs.\n--- our runner:\n{o.Stderr}\n--- Polyglot kernel:\n{p.Stderr}");
                Assert.True(o.Values.Count == p.Values.Count,
                    $"{where}: our runner shows {o.Values.Count} values, the Polyglot kernel {p.Values.Count} " +
                    $"([{Describe(o.Values)}] vs [{Describe(p.Values)}]).");
                for (var v = 0; v < o.Values.Count; v++)
                {
                    var (ov, pv) = (o.Values[v], p.Values[v]);
                    Assert.True(ov.Keys.Order().SequenceEqual(pv.Keys.Order()),
                        $"{where}, value {v + 1}: MIME types [{string.Join(", ", ov.Keys.Order())}] (our runner) vs [{string.Join(", ", pv.Keys.Order())}] (Polyglot kernel).");
                    Assert.Equal(IsChart(ov), IsChart(pv));
                    if (ov.TryGetValue("image/png", out var png)) Assert.True(png.Length > 0 && pv["image/png"].Length > 0, $"{where}: empty image");
                    if (ov.TryGetValue("text/plain", out var text))
                        Assert.True(Normalize(text) == Normalize(pv["text/plain"]),
                            $"{where}, value {v + 1}: text/plain differs.\n--- our runner:\n{text}\n--- Polyglot kernel:\n{pv["text/plain"]}");
                }
            }
        }
        finally
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { }
        }
    }

    private static bool IsChart(Dictionary<string, string> value)
        => value.TryGetValue("text/html", out var html) && html.Contains("data-aevb-chart", StringComparison.Ordinal);

    private static string Describe(List<Dictionary<string, string>> values)
        => string.Join("; ", values.Select(v => string.Join(",", v.Keys.Order())));

    /// <summary>Line endings unified and measured times and speeds (which differ from run to run) blanked.</summary>
    internal static string Normalize(string text)
        => Timing().Replace(text.Replace("\r\n", "\n"), "#").TrimEnd();

    [GeneratedRegex(@"\d[\d,]*(?:\.\d+)?(?=\s*(?:s|ms|min|seconds|samples/s|/s)\b)")]
    private static partial Regex Timing();
}
