using System.Reflection;
using System.Text.RegularExpressions;

namespace Aevb.Polyglot.Tests;

/// <summary>
/// Two checks per notebook in notebooks/, both in quick mode with the notebook's folder as working directory:
/// <list type="bullet">
/// <item>the kernel check: every cell runs in Polyglot Notebooks' own C# kernel (.NET Interactive, pinned in
/// Directory.Packages.props) and its outputs match those of a fresh run of our runner (<c>aevb notebook run --quick</c>)
/// on this machine: the same displayed values with the same MIME types, the same text/plain, charts and images in the
/// same places, the same standard output (timings aside);</item>
/// <item>the committed outputs are current: the outputs committed with the notebook match that same fresh run of our
/// runner, words exactly and numbers within <see cref="TolerantText"/>'s tolerance (the committed outputs may come from
/// a machine whose SIMD sums in another order).</item>
/// </list>
/// Both compare with one run of our runner per notebook and test run (<see cref="FreshRun"/>). Neither depends on the
/// instruction set: the kernel check compares two runs on the machine at hand, the other allows for rounding.
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

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<List<CellOutputs>>>> FreshRuns = new();

    /// <summary>
    /// Our runner's outputs for <paramref name="notebook"/> from a run in quick mode on this machine, made once per test
    /// run and shared by both checks (the notebooks train models: each run takes from half a minute to a few minutes).
    /// </summary>
    private static Task<List<CellOutputs>> FreshRun(string notebook)
        => FreshRuns.GetOrAdd(notebook, n => new Lazy<Task<List<CellOutputs>>>(async () =>
        {
            CheckBuilt(n);
            var temp = Path.Combine(Path.GetTempPath(), "aevb-polyglot-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(temp);
            try
            {
                return await OurRunner.RunAsync(Path.Combine(Repository.NotebooksDir, n), Repository.NotebookEnvironment(), Path.Combine(temp, n));
            }
            finally
            {
                try { Directory.Delete(temp, recursive: true); } catch (IOException) { }
            }
        })).Value;

    private static void CheckBuilt(string notebook)
    {
        Assert.True(File.Exists(Repository.LibraryAssembly),
            $"{Repository.LibraryAssembly} is missing: the notebooks #r it; build it with `dotnet build src/Aevb -c Release`.");
        foreach (Match r in Reference().Matches(File.ReadAllText(Path.Combine(Repository.NotebooksDir, notebook))))
        {
            var dll = Path.GetFullPath(Path.Combine(Repository.NotebooksDir, Regex.Unescape(r.Groups[1].Value)));
            Assert.True(File.Exists(dll), $"{notebook} loads {dll}, which is missing: build the solution first (`dotnet build -c Release` at the root).");
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task EveryCellRunsInThePolyglotKernelAndMatchesOurRunner(string notebook)
    {
        CheckBuilt(notebook);
        var ours = await FreshRun(notebook);
        var polyglot = await PolyglotKernel.RunAsync(Path.Combine(Repository.NotebooksDir, notebook), Repository.NotebookEnvironment());
        Assert.True(ours.Count == polyglot.Count, $"{notebook}: {ours.Count} code cells in our runner's run, {polyglot.Count} run by the kernel.");
        for (var i = 0; i < ours.Count; i++)
        {
            var (o, p) = (ours[i], polyglot[i]);
            var where = $"{notebook}, cell {p.Index}";
            Assert.True(p.Failure is null, $"{where} failed in the Polyglot kernel:\n{p.Failure}");
            Assert.True(o.Failure is null, $"{where} failed in our runner:\n{o.Failure}");
            // Lines compared as a multiset: cells that train several models at once (notebook 05) interleave their
            // progress lines in whatever order the threads finish.
            Assert.True(SortedLines(o.Stdout) == SortedLines(p.Stdout),
                $"{where}: standard output differs.\n--- our runner:\n{o.Stdout}\n--- Polyglot kernel:\n{p.Stdout}");
            Assert.True(Normalize(o.Stderr) == Normalize(p.Stderr),
                $"{where}: standard error differs.\n--- our runner:\n{o.Stderr}\n--- Polyglot kernel:\n{p.Stderr}");
            CompareValues(where, o, "our runner", p, "the Polyglot kernel", "",
                (a, b) => Normalize(a) == Normalize(b) ? null : "they differ");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Notebooks))]
    public async Task TheCommittedOutputsAreCurrent(string notebook)
    {
        var path = Path.Combine(Repository.NotebooksDir, notebook);
        // Notebooks 04 and 05 are committed executed in full mode (they plot results/, the paper-scale runs): a quick
        // run cannot reproduce their outputs, and a full run takes far longer than a test should.
        Skip.If(CommittedStdout(path).Contains("Full mode", StringComparison.Ordinal),
            $"{notebook} is committed executed in full mode; the check runs quick mode (a full run re-executes it: `aevb notebook run notebooks/{notebook}`).");
        var committed = OurRunner.Read(path);
        var fresh = await FreshRun(notebook);
        var hint = $"\nThe committed outputs come from `aevb notebook run notebooks/{notebook} --quick`: if the notebook or the library " +
            "changed since, run that and commit the notebook.";
        Assert.True(committed.Count == fresh.Count, $"{notebook}: {committed.Count} code cells committed, {fresh.Count} in a fresh run.{hint}");
        for (var i = 0; i < committed.Count; i++)
        {
            var (c, f) = (committed[i], fresh[i]);
            var where = $"{notebook}, cell {c.Index}";
            Assert.True(c.Failure is null, $"{where}: the committed outputs hold an error:\n{c.Failure}{hint}");
            Assert.True(f.Failure is null, $"{where} failed in our runner:\n{f.Failure}");
            var outDiff = TolerantText.LinesDifference(Normalize(c.Stdout), Normalize(f.Stdout));
            Assert.True(outDiff is null,
                $"{where}: standard output differs from the committed one: {outDiff}\n--- committed:\n{c.Stdout}\n--- fresh run:\n{f.Stdout}{hint}");
            var errDiff = TolerantText.Difference(Normalize(c.Stderr), Normalize(f.Stderr));
            Assert.True(errDiff is null,
                $"{where}: standard error differs from the committed one: {errDiff}\n--- committed:\n{c.Stderr}\n--- fresh run:\n{f.Stderr}{hint}");
            CompareValues(where, c, "the committed outputs", f, "a fresh run", hint,
                (a, b) => TolerantText.Difference(Normalize(a), Normalize(b)));
        }
    }

    /// <summary>
    /// The displayed values of one cell: as many, with the same MIME types, charts in the same places, images not empty,
    /// and text/plain equal by <paramref name="textDifference"/> (null: equal; else why not).
    /// </summary>
    private static void CompareValues(string where, CellOutputs o, string oName, CellOutputs p, string pName, string hint,
        Func<string, string, string?> textDifference)
    {
        Assert.True(o.Values.Count == p.Values.Count,
            $"{where}: {oName} show {o.Values.Count} values, {pName} {p.Values.Count} " +
            $"([{Describe(o.Values)}] vs [{Describe(p.Values)}]).{hint}");
        for (var v = 0; v < o.Values.Count; v++)
        {
            var (ov, pv) = (o.Values[v], p.Values[v]);
            Assert.True(ov.Keys.Order().SequenceEqual(pv.Keys.Order()),
                $"{where}, value {v + 1}: MIME types [{string.Join(", ", ov.Keys.Order())}] ({oName}) vs [{string.Join(", ", pv.Keys.Order())}] ({pName}).{hint}");
            Assert.True(IsChart(ov) == IsChart(pv), $"{where}, value {v + 1}: a chart in one, not in the other.{hint}");
            if (ov.TryGetValue("image/png", out var png)) Assert.True(png.Length > 0 && pv["image/png"].Length > 0, $"{where}: empty image");
            if (ov.TryGetValue("text/plain", out var text) && textDifference(text, pv["text/plain"]) is { } why)
                Assert.Fail(
                    $"{where}, value {v + 1}: text/plain differs: {why}\n--- {oName}:\n{text}\n--- {pName}:\n{pv["text/plain"]}{hint}");
        }
    }

    private static bool IsChart(Dictionary<string, string> value)
        => value.TryGetValue("text/html", out var html) && html.Contains("data-aevb-chart", StringComparison.Ordinal);

    private static string Describe(List<Dictionary<string, string>> values)
        => string.Join("; ", values.Select(v => string.Join(",", v.Keys.Order())));

    /// <summary>
    /// Line endings unified; what differs from run to run blanked: measured times and speeds, and the random names of
    /// temporary folders (8 or more hex digits after a dash, e.g. <c>/tmp/aevb-nb05-GUID</c>).
    /// </summary>
    internal static string Normalize(string text)
        => TempName().Replace(Timing().Replace(BlankTimeColumns(text.Replace("\r\n", "\n")), " #"), "#").TrimEnd();

    /// <summary>
    /// In a table whose header's last column is a time (notebook 03's <c>seconds</c>, 05's <c>min/1M</c>), the last number
    /// of each row below it, up to the next blank line; and every number on a line that states speeds in words.
    /// </summary>
    private static string BlankTimeColumns(string text)
    {
        var lines = text.Split('\n');
        var inTable = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) inTable = false;
            // A header names its time column; a line that ends in a measured time ("done: training 0.5 s") is not one.
            // (Treating it as one blanked whichever lines happened to follow it, and cells that train several models at
            // once print their lines in a different order each run, so the comparison failed at random.)
            else if (TimeColumnHeader().IsMatch(lines[i]) && !Timing().IsMatch(lines[i])) inTable = true;
            else if (inTable) lines[i] = LastNumber().Replace(lines[i], " #");
            if (SpeedLine().IsMatch(lines[i])) lines[i] = AnyNumber().Replace(lines[i], "#");
        }
        return string.Join("\n", lines);
    }

    [GeneratedRegex(@"\s(?:seconds|(?:min|s|ms)(?:/\S+)?)\s*$")]
    private static partial Regex TimeColumnHeader();

    // With the spaces before it: right-aligned columns pad numbers of different widths differently.
    [GeneratedRegex(@"\s*-?\d[\d,]*(?:\.\d+)?\s*$")]
    private static partial Regex LastNumber();

    /// <summary>A line that reports speeds in words (notebook 05: "training minutes per million samples: AEVB 1.08, ...").</summary>
    [GeneratedRegex(@"(?:minutes|seconds) per |per second")]
    private static partial Regex SpeedLine();

    [GeneratedRegex(@"\d[\d,]*(?:\.\d+)?")]
    private static partial Regex AnyNumber();

    /// <summary><c>#r "PATH.dll"</c> in a cell's source as it stands in the .ipynb JSON (quotes escaped).</summary>
    [GeneratedRegex(@"#r \\""([^""\\]+\.dll)\\""")]
    private static partial Regex Reference();

    internal static string SortedLines(string text) => string.Join("\n", Normalize(text).Split('\n').Order(StringComparer.Ordinal));

    [GeneratedRegex(@"(?<=[-_/.])[0-9a-f]{8,}\b")]
    private static partial Regex TempName();

    // With the blanks before it: a right-aligned time pads " 9.5 s" and "17.0 s" differently.
    [GeneratedRegex(@"[ \t]*\d[\d,]*(?:\.\d+)?(?=\s*(?:s|ms|min|seconds|samples/s|/s)\b)")]
    private static partial Regex Timing();

    /// <summary>The stream outputs committed with the notebook, concatenated (where a notebook says which mode ran it).</summary>
    private static string CommittedStdout(string path)
    {
        var text = new System.Text.StringBuilder();
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
            if (cell.TryGetProperty("outputs", out var outputs))
                foreach (var output in outputs.EnumerateArray())
                    if (output.TryGetProperty("output_type", out var type) && type.GetString() == "stream" && output.TryGetProperty("text", out var t))
                        foreach (var line in t.ValueKind == System.Text.Json.JsonValueKind.Array ? t.EnumerateArray().Select(l => l.GetString()) : [t.GetString()])
                            text.Append(line);
        return text.ToString();
    }
}
