using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Aevb.Data;
using Aevb.Plotting;
using Aevb.Training;
using Aevb.Training.Runs;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb reproduce fig2|fig3</c>: the runs behind the paper's Figures 2 and 3 (AEVB vs wake-sleep, and vs Monte
/// Carlo EM), each in its own resumable folder with <c>log.csv</c> and <c>run.json</c>, then the figure as HTML
/// (and PNG where headless Chromium is available).
/// </summary>
internal static class ReproduceCommand
{
    public static Command Create()
    {
        var command = new Command("reproduce", "Run the experiments of the paper's Figure 2 (lower bound) or Figure 3 (marginal likelihood) and chart them; resumable.");
        command.Subcommands.Add(CreateFigure2());
        command.Subcommands.Add(CreateFigure3());
        command.Subcommands.Add(ReproduceAllCommand.Create(QuickOption(), OutOption(), SeedOption(), DataDirOption()));
        command.Subcommands.Add(CreateReport());
        return command;
    }

    /// <summary><c>aevb reproduce report</c>: our numbers beside the paper's, from the run folders (the README's results block).</summary>
    private static Command CreateReport()
    {
        var results = new Option<string>("--results") { HelpName = "DIR", Description = "Folder holding fig2/ and fig3/ run folders.", DefaultValueFactory = _ => "results" };
        var readme = new Option<string?>("--readme") { HelpName = "FILE", Description = "Rewrite the generated results block of this README instead of printing." };
        var command = new Command("report", "Tables of our figure runs beside the values read off the paper's figures, generated from the run folders.") { results, readme };
        command.SetAction(parseResult =>
        {
            try
            {
                var resultsDir = parseResult.GetValue(results)!;
                // A mistyped folder would give empty tables, and with --readme wipe the README's block: refuse instead.
                if (RunFolders(resultsDir) == 0)
                {
                    Console.Error.WriteLine($"aevb reproduce report: {Path.GetFullPath(resultsDir)}: no figure runs there (DIR/fig2/<run>/ and DIR/fig3/<run>/ with run.json and log.csv); nothing {(parseResult.GetValue(readme) is null ? "printed" : "rewritten")}.");
                    return 1;
                }
                var markdown = FigureReport.Markdown(resultsDir);
                if (parseResult.GetValue(readme) is not { } path)
                {
                    Console.Write(markdown);
                    return 0;
                }
                Aevb.IO.AtomicFile.WriteAllText(path, FigureReport.UpdateBlock(File.ReadAllText(path), markdown));
                Console.WriteLine($"Rewrote the results block of {path}.");
                return 0;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"aevb reproduce report: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>How many run folders (with run.json and log.csv) <paramref name="results"/>/fig2 and /fig3 hold.</summary>
    private static int RunFolders(string results)
        => new[] { "fig2", "fig3" }.Select(f => Path.Combine(results, f)).Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories)
            .Count(d => File.Exists(Path.Combine(d, FigureRun.InfoFile)) && File.Exists(Path.Combine(d, FigureRun.LogFile)));

    private static Option<long?> SamplesOption() => new("--samples")
    {
        HelpName = "S",
        Description = "Training samples per run (default: 1e8, the paper's x axis; 1e5 with --quick). Accepts 1e6 notation.",
        CustomParser = r => ParseCount(r.Tokens[0].Value, r),
    };

    /// <summary>
    /// <c>--method</c>: run only some of a figure's methods, e.g. to carry AEVB further than the others; the chart
    /// still shows every run of the figure already in the output folder.
    /// </summary>
    private static Option<string[]?> MethodOption(string figure)
    {
        var allowed = MethodRegistry.For(figure).Select(m => m.Name).ToArray();
        var paper = MethodRegistry.InPaper(figure).Select(m => m.Name);
        return new("--method")
        {
            HelpName = "M,M,...",
            Description = $"Methods to run, of {string.Join(",", allowed)} (default: the paper's, {string.Join(",", paper)}); the chart shows every run of the figure in DIR.",
            CustomParser = r => ParseMethods(r.Tokens[0].Value, r, allowed),
        };
    }

    private static Option<bool> QuickOption() => new("--quick") { Description = "Small settings that finish in a few minutes here (fewer samples, smaller evaluation subsets)." };

    private static Option<string> OutOption() => new("--out")
    {
        HelpName = "DIR",
        Description = "Output folder; runs go to DIR/fig2/<run> and DIR/fig3/<run>.",
        DefaultValueFactory = _ => "runs",
    };

    private static Option<ulong> SeedOption() => new("--seed") { Description = "Seed of every run.", DefaultValueFactory = _ => 1UL };

    private static Option<string?> DataDirOption() => new("--data-dir") { HelpName = "DIR", Description = "Folder with the data files (default: AEVB_DATA_DIR, then data/cache)." };

    private static Command CreateFigure2()
    {
        var dataset = new Option<string>("--dataset") { Description = "Data set.", DefaultValueFactory = _ => DatasetRegistry.Mnist.Name };
        dataset.AcceptOnlyFromAmong(DatasetRegistry.All.Where(d => d.Figure2 is not null).Select(d => d.Name).ToArray());
        var latent = new Option<int[]?>("--latent")
        {
            HelpName = "N,N,...",
            Description = "Latent sizes (default: the paper's, 3,5,10,20,200 for MNIST and 2,5,10,20 for Frey Face).",
            CustomParser = r => ParseList(r.Tokens[0].Value, r, "--latent"),
        };
        var samples = SamplesOption();
        var methods = MethodOption(FigurePlan.Figure2Name);
        var quick = QuickOption();
        var output = OutOption();
        var seed = SeedOption();
        var dataDir = DataDirOption();
        var protocol = new ProtocolOptions();
        var mode = new ModeOptions();
        var command = new Command("fig2", "Figure 2: AEVB and wake-sleep, train and test lower bound vs training samples, one panel per latent size.")
        {
            dataset, latent, samples, methods, quick, output, seed, dataDir,
        };
        protocol.AddTo(command);
        mode.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(RunFigure2(parseResult.GetValue(dataset)!, NullIfEmpty(parseResult.GetValue(latent)),
            parseResult.GetValue(samples), parseResult.GetValue(methods), parseResult.GetValue(quick), parseResult.GetValue(output)!, parseResult.GetValue(seed), parseResult.GetValue(dataDir),
            Interrupt.Token, protocol.Read(parseResult), mode.Read(parseResult)))); // SIGINT/SIGTERM: checkpoint, say how to resume, exit 130
        return command;
    }

    /// <summary>Figure 2's runs for one data set, then its chart; the exit code of <c>reproduce fig2</c>.</summary>
    internal static int RunFigure2(string dataset, int[]? latents, long? samples, string[]? methods, bool quick, string outDirectory, ulong seed, string? dataDirectory,
        CancellationToken cancellationToken, FigureProtocol? protocol = null, RunMode? mode = null)
    {
        var plan = FigurePlan.Figure2(dataset, latents, samples, quick, outDirectory, seed, protocol);
        string CommandFor(PlannedRun p) => $"reproduce fig2 --dataset {dataset} --latent {p.Settings.Latent} --method {p.Settings.Method}"
            + CommonArguments(p, quick, seed, dataDirectory, protocol);
        return Execute("fig2", plan, methods, protocol, dataDirectory, cancellationToken,
            results => [("figure2", FigureCharts.Figure2(results)), ("figure2-zoom", FigureCharts.Figure2(results, zoom: true))], mode ?? new RunMode(), CommandFor);
    }

    /// <summary>Figure 3's runs, then its chart; the exit code of <c>reproduce fig3</c>.</summary>
    internal static int RunFigure3(int[]? trainCounts, long? samples, string[]? methods, bool quick, string outDirectory, ulong seed, string? dataDirectory,
        CancellationToken cancellationToken, FigureProtocol? protocol = null, RunMode? mode = null)
    {
        var plan = FigurePlan.Figure3(trainCounts, samples, quick, outDirectory, seed, protocol);
        string CommandFor(PlannedRun p) => $"reproduce fig3 --ntrain {p.Settings.TrainCount} --method {p.Settings.Method}"
            + CommonArguments(p, quick, seed, dataDirectory, protocol);
        return Execute("fig3", plan, methods, protocol, dataDirectory, cancellationToken, results =>
            [("figure3", FigureCharts.Figure3(results)), ("figure3-importance", FigureCharts.Figure3(results, Figure3Estimate.FittedProposal))], mode ?? new RunMode(), CommandFor);
    }

    /// <summary>The arguments every per-run command shares (see <c>--list-runs</c>); the folder is absolute so the command runs from anywhere.</summary>
    private static string CommonArguments(PlannedRun p, bool quick, ulong seed, string? dataDirectory, FigureProtocol? protocol)
    {
        var outDirectory = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(p.Directory)))!;
        var text = $" --samples {p.Settings.Samples} --out {RunMode.Quote(outDirectory)} --seed {seed}{(quick ? " --quick" : "")}";
        if (dataDirectory is not null) text += $" --data-dir {RunMode.Quote(Path.GetFullPath(dataDirectory))}";
        return text + ProtocolOptions.Arguments(protocol) + " --no-charts";
    }

    private static Command CreateFigure3()
    {
        var ntrain = new Option<int[]?>("--ntrain")
        {
            HelpName = "N,N,...",
            Description = "Training-set sizes (default: the paper's 1000,50000).",
            CustomParser = r => ParseList(r.Tokens[0].Value, r, "--ntrain"),
        };
        var samples = SamplesOption();
        var methods = MethodOption(FigurePlan.Figure3Name);
        var quick = QuickOption();
        var output = OutOption();
        var seed = SeedOption();
        var dataDir = DataDirOption();
        var protocol = new ProtocolOptions();
        var mode = new ModeOptions();
        var command = new Command("fig3", "Figure 3: AEVB, wake-sleep and Monte Carlo EM (Nz = 3, 100 hidden units), estimated marginal likelihood vs training samples.")
        {
            ntrain, samples, methods, quick, output, seed, dataDir,
        };
        protocol.AddTo(command);
        mode.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(RunFigure3(NullIfEmpty(parseResult.GetValue(ntrain)),
            parseResult.GetValue(samples), parseResult.GetValue(methods), parseResult.GetValue(quick), parseResult.GetValue(output)!, parseResult.GetValue(seed), parseResult.GetValue(dataDir),
            Interrupt.Token, protocol.Read(parseResult), mode.Read(parseResult)))); // SIGINT/SIGTERM: checkpoint, say how to resume, exit 130
        return command;
    }

    /// <summary>
    /// Runs the planned runs of <paramref name="methods"/> (all when null), then charts every run found in the
    /// figure's folder: runs not asked for this time (another method, latent size or training-set size) keep their
    /// place in the chart, so carrying one curve further never drops the others.
    /// </summary>
    private static int Execute(string figure, IReadOnlyList<PlannedRun> fullPlan, string[]? methods, FigureProtocol? protocol, string? dataDirectory,
        CancellationToken cancellationToken, Func<IReadOnlyList<FigureRunResult>, IReadOnlyList<(string Name, Chart Chart)>> charts,
        RunMode mode, Func<PlannedRun, string> commandFor)
    {
        var verb = $"aevb reproduce {figure}";
        var plan = methods is null or { Length: 0 } ? fullPlan : FigurePlan.WithMethods(fullPlan, methods, protocol);
        var figureDir = Path.GetDirectoryName(Path.GetFullPath(fullPlan[0].Directory))!;
        if (mode.ListRuns)
        {
            // One self-contained command per run, for GNU parallel or a job array; `--charts-only` draws the figure after.
            foreach (var p in plan) Console.WriteLine(RunMode.Self() + " " + commandFor(p));
            return 0;
        }
        if (!mode.ChartsOnly) Console.WriteLine($"{figure}: {plan.Count} runs into {figureDir}");
        var wall = Stopwatch.StartNew();
        try
        {
            if (mode.Jobs > 1 && !mode.ChartsOnly)
            {
                var pending = plan.Where(p => !new FigureRun(p.Settings, p.Directory, figure).IsDone).ToList();
                Console.WriteLine($"{plan.Count - pending.Count} already complete; {pending.Count} to run, {mode.Jobs} at a time (one engine thread each unless AEVB_NUM_THREADS is set)");
                var code = ParallelRuns.Run(pending.Select(p => (p.Settings.Name, commandFor(p))).ToList(), mode.Jobs, cancellationToken);
                if (code != 0) return code;
            }
            var data = new Dictionary<string, RunData>();
            for (var i = 0; i < plan.Count && !mode.ChartsOnly && mode.Jobs <= 1; i++)
            {
                var (settings, dir, _) = plan[i];
                var run = new FigureRun(settings, dir, figure);
                var header = $"[{i + 1}/{plan.Count}] {settings.Name}";
                if (run.IsDone)
                {
                    Console.WriteLine($"{header}: already complete, skipped");
                    continue;
                }
                var dataKey = RunData.Key(settings);
                if (!data.TryGetValue(dataKey, out var runData))
                    data[dataKey] = runData = RunData.Load(settings, dataDirectory);
                // Said once the run holds its folder: a folder another process trains in is refused before any "resuming".
                var result = run.Run(runData, new ConsoleProgress(), cancellationToken, started: from =>
                    Console.WriteLine($"{header}: {settings.Samples:N0} samples{(from > 0 ? $" (resuming from its checkpoint at {from:N0})" : "")}"));
                if (result.Outcome == RunOutcome.Skipped) // an unfinished longer run whose log has passed what was asked
                {
                    Console.WriteLine($"{header}: its log already reaches {result.Samples:N0} samples (an unfinished, longer run holds the folder), skipped");
                    continue;
                }
                if (result.Outcome == RunOutcome.Interrupted)
                {
                    // Interrupted before the first checkpoint (e.g. during the step-size trials) nothing was saved: say so.
                    Console.Error.WriteLine(result.Samples == 0
                        ? $"{verb}: interrupted before the first checkpoint of {run.Directory} (nothing saved; step-size trials start over). Run the same command again to start it."
                        : $"{verb}: interrupted at {result.Samples:N0} samples; checkpoint saved in {run.Directory}. Run the same command again to resume.");
                    return 130;
                }
                // The training and evaluation seconds are the whole run's (over every resume), so the rate is too.
                var perMillion = result.TrainSeconds > 0 && result.Samples > 0 ? result.TrainSeconds / result.Samples * 1e6 / 60 : double.NaN;
                var inAll = result.ResumedFrom > 0 ? " in all" : "";
                Console.WriteLine($"    done in {Format(result.Wall)} (training {result.TrainSeconds:F1} s, evaluation {result.EvalSeconds:F1} s{inAll}; {perMillion:F2} min per million samples)");
            }

            if (mode.NoCharts) return 0;
            var results = FigureResults.Load(figureDir);
            if (results.Count == 0)
            {
                Console.Error.WriteLine($"{verb}: no runs in {figureDir} to chart yet.");
                return 1;
            }
            foreach (var (name, figureChart) in charts(results))
            {
                var html = Path.Combine(figureDir, name + ".html");
                // The pages of the --out tree share one plotly.min.js at its root (DIR/fig2 -> DIR), unless asked to inline it.
                var page = ChartPages.Save(figureChart, html, Path.GetDirectoryName(figureDir)!, mode.InlinePlotly);
                Console.WriteLine(page.Script switch
                {
                    ChartPageScript.SharedCopy => $"Chart: {html} (plotly.js: {Path.GetRelativePath(figureDir, page.SharedCopy!)}, the CDN where that is missing)",
                    ChartPageScript.Inlined => $"Chart: {html} (plotly.js inlined)",
                    _ => $"Chart: {html} (plotly.js from the CDN: no local copy; {PlotlyJs.InstallHint} for pages that work offline)",
                });
                if (ChartRenderer.Default.IsAvailable)
                {
                    var png = Path.Combine(figureDir, name + ".png");
                    figureChart.SavePng(png);
                    Console.WriteLine($"Chart: {png}");
                }
                else
                {
                    Console.WriteLine($"No PNG: {ChartRenderer.Default.UnavailableReason}");
                }
            }
            PrintSummary(results);
            Console.WriteLine($"Wall time {Format(wall.Elapsed)}.");
            return 0;
        }
        catch (Exception e) when (e is DataFileException or InvalidDataException or InvalidOperationException or TrainingDivergedException
                                      or ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{verb}: {e.Message}");
            return 1;
        }
    }

    private static void PrintSummary(IReadOnlyList<FigureRunResult> results)
    {
        Console.WriteLine();
        Console.WriteLine($"{"run",-34} {"samples",12} {"last train",11} {"last test",11} {"min/1M",8}");
        foreach (var r in results)
        {
            var (train, test) = r.Settings.Evaluation == RunEvaluation.LowerBound ? ("train_bound", "test_bound") : ("train_log_px", "test_log_px");
            var trainValues = r.Log.Column(train);
            var testValues = r.Log.Column(test);
            Console.WriteLine($"{r.Settings.Name,-34} {r.Log.LastSamples,12:N0} {Last(trainValues),11:F2} {Last(testValues),11:F2} {r.MinutesPerMillionSamples,8:F2}");
        }
    }

    /// <summary>An option not given reads as an empty array: that means "the paper's values".</summary>
    private static int[]? NullIfEmpty(int[]? values) => values is { Length: > 0 } ? values : null;

    private static double Last(double[] values) => values.Length == 0 ? double.NaN : values[^1];

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:D2}s" : $"{t.TotalSeconds:F1}s";

    /// <summary>One line per evaluation; a status line (rewritten in place on a terminal) in between.</summary>
    private sealed class ConsoleProgress : IProgress<RunProgress>
    {
        private readonly bool _interactive = !Console.IsOutputRedirected;

        public void Report(RunProgress p)
        {
            if (p.IsEvaluation)
            {
                if (_interactive) Console.Write("\r" + new string(' ', 100) + "\r");
                var values = p.Evaluation is null ? "" : string.Join("  ", p.Evaluation.Where(kv => !kv.Key.EndsWith("_se", StringComparison.Ordinal) && !kv.Key.EndsWith("_fit", StringComparison.Ordinal)
                        && !kv.Key.EndsWith("_is", StringComparison.Ordinal)) // the other estimates are in log.csv
                    .Select(kv => $"{ShortMetric(kv.Key)} {kv.Value.ToString("F2", CultureInfo.InvariantCulture)}"));
                Console.WriteLine(FitLine($"    {p.Samples,12:N0}  {values}  ({p.SamplesPerSecond:N0}/s)"));
            }
            else if (_interactive)
            {
                Console.Write("\r" + FitLine($"    {p.Samples,12:N0} / {p.TotalSamples:N0}  objective {p.Objective:F2}  {p.SamplesPerSecond:N0} samples/s   "));
            }
        }

        /// <summary>Metric names short enough that an evaluation line of fig3 (three metrics) fits 100 columns.</summary>
        internal static string ShortMetric(string key) => key.Replace("_bound", "", StringComparison.Ordinal).Replace("log_px", "logp", StringComparison.Ordinal);

        /// <summary>At most 99 characters, so a progress line never wraps on a 100-column terminal.</summary>
        internal static string FitLine(string line) => line.Length <= 99 ? line : line[..98] + "…";
    }

    private static long? ParseCount(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 1 && v <= 1e12 && Math.Abs(v - Math.Round(v)) < 1e-9)
            return (long)Math.Round(v);
        result.AddError($"--samples: '{text}' is not a positive whole number (e.g. 100000 or 1e6).");
        return null;
    }

    private static string[]? ParseMethods(string text, System.CommandLine.Parsing.ArgumentResult result, string[] allowed)
    {
        var methods = new List<string>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (MethodRegistry.Find(part) is not { } m || !allowed.Contains(m.Name))
            {
                result.AddError($"--method: '{part}' is not one of this figure's methods ({string.Join(", ", allowed)}).");
                return null;
            }
            methods.Add(m.Name);
        }
        if (methods.Count == 0) result.AddError("--method: give at least one method.");
        return methods.Distinct().ToArray();
    }

    private static int[]? ParseList(string text, System.CommandLine.Parsing.ArgumentResult result, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v <= 0)
            {
                result.AddError($"{option}: '{p}' is not a positive integer (give a comma-separated list such as 3,5,10).");
                return null;
            }
            values.Add(v);
        }
        if (values.Count == 0) result.AddError($"{option}: give at least one value.");
        return values.Distinct().ToArray();
    }
}
