using System.CommandLine;
using System.Diagnostics;
using Aevb.Data;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Export;
using Aevb.Notebooks.Running;
using Aevb.Training.Runs;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb reproduce all</c>: the README's main job. Both figures (Figure 2 on MNIST and Frey Face, Figure 3),
/// then every notebook in notebooks/ executed into <c>OUT/notebooks</c> (the committed notebooks are left as
/// they are) and exported to self-contained HTML beside it.
/// </summary>
internal static class ReproduceAllCommand
{
    public static Command Create(Option<bool> quick, Option<string> output, Option<ulong> seed, Option<string?> dataDir)
    {
        var skipNotebooks = new Option<bool>("--skip-notebooks") { Description = "Run the figures only." };
        var command = new Command("all",
            "Figures 2 and 3, then every notebook in notebooks/ executed (into OUT/notebooks) and exported to HTML.")
        {
            quick, output, seed, dataDir, skipNotebooks,
        };
        command.SetAction(async (parseResult, invocationToken) =>
        {
            // SIGINT/SIGTERM (Interrupt): the current run checkpoints, the current notebook is written, then exit 130.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(invocationToken, Interrupt.Token);
            var cancellationToken = linked.Token;
            var isQuick = parseResult.GetValue(quick);
            var outDir = parseResult.GetValue(output)!;
            var runSeed = parseResult.GetValue(seed);
            var data = parseResult.GetValue(dataDir);
            var wall = Stopwatch.StartNew();

            var failed = RunFigures(isQuick, outDir, runSeed, data, cancellationToken);
            if (failed is null) return 130;
            var incomplete = new List<string>();
            if (!parseResult.GetValue(skipNotebooks))
            {
                var notebooks = Path.Combine(outDir, "notebooks");
                failed.AddRange(await RunNotebooksAsync(isQuick, notebooks, data, incomplete, cancellationToken));
                if (cancellationToken.IsCancellationRequested)
                {
                    Console.Error.WriteLine("aevb reproduce all: interrupted; the finished runs and notebooks are "
                        + "kept. Run the same command again to resume.");
                    return Interrupt.ExitCode;
                }
            }
            if (!Aevb.Plotting.ChartRenderer.Default.IsAvailable)
                incomplete.Add($"no PNG charts ({Aevb.Plotting.ChartRenderer.Default.UnavailableReason})");
            return Summarize(outDir, wall.Elapsed, failed, incomplete);
        });
        return command;
    }

    /// <summary>
    /// Runs Figure 2 (MNIST, Frey Face) and Figure 3; returns the names of those that failed, or null when one was
    /// interrupted. Each run is resumable, so a second <c>reproduce all</c> skips what is done.
    /// </summary>
    private static List<string>? RunFigures(bool isQuick, string outDir, ulong runSeed, string? data,
        CancellationToken cancellationToken)
    {
        Datasets.FetchIfMissing(Mnist.DatasetName, data, Console.Out);
        Datasets.FetchIfMissing(FreyFace.DatasetName, data, Console.Out);
        var figures = new (string Name, Func<int> Run)[]
        {
            ("fig2 mnist", () => ReproduceCommand.RunFigure2(
                Mnist.DatasetName, null, null, null, isQuick, outDir, runSeed, data, cancellationToken)),
            ("fig2 frey", () => ReproduceCommand.RunFigure2(
                FreyFace.DatasetName, null, null, null, isQuick, outDir, runSeed, data, cancellationToken)),
            ("fig3", () => ReproduceCommand.RunFigure3(
                null, null, null, isQuick, outDir, runSeed, data, cancellationToken)),
        };
        var failed = new List<string>();
        foreach (var (name, run) in figures)
        {
            Console.WriteLine($"== reproduce {name}{(isQuick ? " --quick" : "")}");
            var code = run();
            if (code == 130) return null;
            if (code != 0) failed.Add(name);
        }
        return failed;
    }

    /// <summary>
    /// The last lines say plainly how it went: a failure or a missing piece is never followed by a line that reads
    /// as success. Returns the exit code.
    /// </summary>
    private static int Summarize(string outDir, TimeSpan wall, List<string> failed, List<string> incomplete)
    {
        Console.WriteLine();
        Console.WriteLine($"Wrote {Path.GetFullPath(outDir)}: fig2/ and fig3/ (runs, charts), notebooks/ (executed "
            + $".ipynb and .html). Wall time {wall:h\\:mm\\:ss}.");
        foreach (var note in incomplete)
            Console.WriteLine($"aevb reproduce all: incomplete: {note}");
        if (failed.Count == 0)
        {
            Console.WriteLine(incomplete.Count == 0
                ? "aevb reproduce all: done, everything written."
                : "aevb reproduce all: done, with the gaps listed above (run `bash run.sh`, which installs what is "
                  + "missing).");
            return 0;
        }
        Console.Out.Flush();
        Console.Error.WriteLine(
            $"aevb reproduce all: FAILED: {string.Join(", ", failed)} (see the messages above).");
        return 1;
    }

    /// <summary>
    /// Executes each notebook into <paramref name="outDir"/> and exports it; returns the names of those that failed.
    /// </summary>
    private static async Task<List<string>> RunNotebooksAsync(bool quick, string outDir, string? dataDirectory,
        List<string> incomplete, CancellationToken cancellationToken)
    {
        var root = DataDirectories.FindRepositoryRoot();
        var folder = root is null ? null : Path.Combine(root, "notebooks");
        if (folder is null || !Directory.Exists(folder))
        {
            Console.Error.WriteLine("aevb reproduce all: no notebooks/ folder found (run it from the repository, "
                + $"above which {DataDirectories.SolutionFileName} lies).");
            return ["notebooks"];
        }
        var environment = new Dictionary<string, string>();
        if (dataDirectory is not null)
            environment[DataDirectories.EnvironmentVariable] = Path.GetFullPath(dataDirectory);
        var failed = new List<string>();
        foreach (var path in Directory.GetFiles(folder, "*.ipynb").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var executed = Path.GetFullPath(Path.Combine(outDir, name));
            Console.WriteLine($"== notebook {name}{(quick ? " --quick" : "")} -> {executed}");
            if (cancellationToken.IsCancellationRequested) break;
            // A resumed `reproduce all` does not execute again what it already executed from the same inputs.
            var stampKey = NotebookStamp.Key(path, quick, dataDirectory,
                Path.GetDirectoryName(Path.GetFullPath(outDir))!);
            if (NotebookStamp.IsCurrent(executed, stampKey))
            {
                Console.WriteLine("   already executed from the same notebook, engine and runs: skipped "
                    + $"({executed} and its .html kept)");
                continue;
            }
            NotebookStamp.Delete(executed);
            if (await ExecuteAsync(path, executed, outDir, quick, environment, cancellationToken) is not { } run)
            {
                failed.Add(name);
                continue;
            }
            var (code, crash) = run;
            if (code == Interrupt.ExitCode || cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine($"   {name}: interrupted; what ran is in {executed}.");
                break;
            }
            if (crash is not null) Console.Error.WriteLine($"   {name}: {crash}");
            if (File.Exists(executed) && !TryExportHtml(executed, incomplete))
            {
                failed.Add(name);
                continue;
            }
            if (code != 0)
            {
                Console.Error.WriteLine($"   {name}: failed (exit code {code}; its error is in {executed} and above)");
                failed.Add(name);
            }
            else
            {
                NotebookStamp.Write(executed, stampKey);
            }
        }
        return failed;
    }

    /// <summary>
    /// Runs one notebook as <c>notebook run</c> does: cells in a child process (a crashing cell cannot take this run
    /// down), output streaming live. Returns its exit code and crash report, or null (with the reason on stderr)
    /// when it could not start.
    /// </summary>
    private static async Task<(int Code, string? Crash)?> ExecuteAsync(string path, string executed, string outDir,
        bool quick, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        int code;
        string? crash;
        try
        {
            Directory.CreateDirectory(outDir);
            OutputTarget.Check(executed, new FileInfo(path).Length);
            var timeout = NotebookRunOptions.DefaultTimeoutPerCell.TotalSeconds
                .ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            var arguments = new List<string> { "--timeout-per-cell", timeout };
            if (quick) arguments.Add("--quick");
            (code, crash) = await NotebookWorker.RunAsync(path, executed, arguments, environment, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotebookFormatException)
        {
            Console.Error.WriteLine($"   {name}: failed: {OutputTarget.OneLine(e.Message)}");
            return null;
        }
        return (code, crash);
    }

    /// <summary>
    /// Writes the executed notebook's HTML page beside it; false (with the reason on stderr) when it cannot.
    /// A page that needs a network is noted in <paramref name="incomplete"/>.
    /// </summary>
    private static bool TryExportHtml(string executed, List<string> incomplete)
    {
        var html = Path.ChangeExtension(executed, ".html");
        var export = HtmlExporter.Export(Notebook.Load(executed));
        try
        {
            Aevb.IO.AtomicFile.WriteAllText(html, export.Html);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"   {html}: cannot write it: {OutputTarget.OneLine(e.Message)}");
            return false;
        }
        Console.WriteLine($"   {html}");
        if (!export.SelfContained)
            incomplete.Add($"{Path.GetFileName(html)} needs a network for its math or charts "
                + $"({string.Join(" ", export.Notes)})");
        return true;
    }
}
