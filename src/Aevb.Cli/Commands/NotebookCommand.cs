using System.CommandLine;
using System.Globalization;
using Aevb.Notebooks;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Export;
using Aevb.Notebooks.Running;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb notebook run|check|export|new</c>: the headless Polyglot-compatible notebook runner
/// (ARCHITECTURE.md, "The rooms"), the metadata checker, exporters to HTML and to a .NET 10 file-based app, and a
/// new-notebook template.
/// </summary>
internal static class NotebookCommand
{
    public static Command Create()
    {
        var command = new Command("notebook", "Run, check, export or create .ipynb notebooks (Polyglot Notebooks format, C#) without Polyglot Notebooks.");
        command.Subcommands.Add(CreateRun());
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(CreateExport());
        command.Subcommands.Add(CreateNew());
        return command;
    }

    private static Argument<string> FileArgument(string description) => new("file") { Description = description };

    private static Command CreateRun()
    {
        var file = FileArgument("The notebook to execute (.ipynb).");
        var output = new Option<string?>("--out") { Description = "Write the executed notebook here instead of over the input." };
        var quick = new Option<bool>("--quick") { Description = "Set AEVB_QUICK=1 so the notebook's Quick switch picks small settings (as CI does)." };
        var timeout = new Option<double?>("--timeout-per-cell")
        {
            Description = $"Stop the run if a cell takes longer than this many seconds (default {NotebookRunOptions.DefaultTimeoutPerCell.TotalSeconds:0}; see --no-timeout).",
        };
        var noTimeout = new Option<bool>("--no-timeout") { Description = "No per-cell time limit (a cell that never ends hangs the run)." };
        var maxOutput = new Option<int>("--max-output")
        {
            Description = "Characters of stdout/stderr stored per cell; the rest is shown but not stored, with a note saying how much was cut.",
            DefaultValueFactory = _ => NotebookRunOptions.DefaultMaxStreamChars,
        };
        var inProcess = new Option<bool>("--in-process") { Description = "Run the cells in this process rather than a child one (then a cell calling Environment.Exit or overflowing the stack ends the run without a report)." };
        var workerProgress = new Option<string?>(NotebookWorker.ProgressOption) { Hidden = true, Description = "Internal: the child process's progress file." };
        var allowErrors = new Option<bool>("--allow-errors") { Description = "Keep running after a failing cell (its error is recorded); still exits non-zero." };
        var command = new Command("run", "Execute the notebook's C# cells in order and write it back with outputs (stdout/stderr, displays, results, errors).")
        {
            file, output, quick, timeout, noTimeout, maxOutput, inProcess, workerProgress, allowErrors,
        };
        command.SetAction(async (parseResult, invocationToken) =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(invocationToken, Interrupt.Token);
            var cancellationToken = linked.Token;
            var path = parseResult.GetValue(file)!;
            var seconds = parseResult.GetValue(timeout);
            TimeSpan? timeoutPerCell = null;
            try
            {
                if (seconds is double given) timeoutPerCell = NotebookRunOptions.TimeoutFromSeconds(given);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"aevb notebook run: {e.Message}");
                return 2;
            }
            if (parseResult.GetValue(maxOutput) <= 0)
            {
                Console.Error.WriteLine("aevb notebook run: --max-output must be a positive number of characters.");
                return 2;
            }
            var limit = parseResult.GetValue(noTimeout) ? (TimeSpan?)null : timeoutPerCell ?? NotebookRunOptions.DefaultTimeoutPerCell;
            var progressFile = parseResult.GetValue(workerProgress);
            if (progressFile is not null) Interrupt.KeepRunningOnRepeat = true; // the parent may pass a signal on after the terminal's
            Aevb.IO.DirectoryLock? targetLock = null; // held by the parent for its worker child, which writes the file
            try
            {
                if (progressFile is null) targetLock = NotebookLock.Acquire(parseResult.GetValue(output) ?? path);
                if (progressFile is null && !parseResult.GetValue(inProcess))
                {
                    // The cells run in a child process (NotebookWorker); the input and the output are checked here first.
                    var target = Path.GetFullPath(parseResult.GetValue(output) ?? path);
                    Notebook.Load(path);
                    OutputTarget.Check(target, new FileInfo(path).Length);
                    var arguments = new List<string>();
                    if (parseResult.GetValue(quick)) arguments.Add("--quick");
                    if (parseResult.GetValue(allowErrors)) arguments.Add("--allow-errors");
                    if (limit is { } l) arguments.AddRange(["--timeout-per-cell", l.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)]);
                    else arguments.Add("--no-timeout");
                    arguments.AddRange(["--max-output", parseResult.GetValue(maxOutput).ToString(CultureInfo.InvariantCulture)]);
                    var (code, crash) = await NotebookWorker.RunAsync(path, target, arguments, null, cancellationToken);
                    if (crash is not null) Console.Error.WriteLine($"{path}: {crash}; wrote {target} with the cells that ran before it.");
                    return code;
                }
                var options = new NotebookRunOptions
                {
                    OutputPath = parseResult.GetValue(output),
                    Quick = parseResult.GetValue(quick),
                    TimeoutPerCell = limit,
                    MaxStreamChars = parseResult.GetValue(maxOutput),
                    AllowErrors = parseResult.GetValue(allowErrors),
                    Progress = Console.Error,
                    EchoOutput = true,
                    CellStarting = progressFile is null ? null : n => File.WriteAllText(progressFile, $"cell {n}"),
                };
                var result = await NotebookRunner.RunAsync(path, options, cancellationToken);
                if (result.Rejected)
                {
                    Console.Error.WriteLine($"{path}: not run: {result.Problems.Count} cell problem(s) above. Fix them (see `aevb notebook check {path}`) or pass --allow-errors to record them as errors and run the rest.");
                    return result.ExitCode;
                }
                var failed = result.Cells.Where(c => c.Error is not null).ToList();
                var where = result.WrittenTo is null ? "" : $"; wrote {result.WrittenTo}";
                if (result.Interrupted)
                    Console.Error.WriteLine($"{path}: interrupted after {result.Cells.Count} code cell(s){where} (cells not reached keep their earlier outputs, marked stale). Run the same command again to run it all.");
                else if (failed.Count == 0)
                    Console.Error.WriteLine($"{path}: {result.Cells.Count} code cell(s) ran{where}.");
                else
                    Console.Error.WriteLine($"{path}: cell(s) {string.Join(", ", failed.Select(f => f.CellNumber))} failed ({failed[0].Error!.EValue}){where}.");
                return result.ExitCode;
            }
            catch (NotebookFormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"aevb notebook run: {OutputTarget.OneLine(e.Message)}");
                return 1;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"aevb notebook run: interrupted before the first cell ran; {path} is unchanged.");
                return Interrupt.ExitCode;
            }
            finally
            {
                targetLock?.Dispose();
                // Reached on every ordinary return; not when a cell ends the process (Environment.Exit, a crash).
                if (progressFile is not null)
                    try { File.WriteAllText(progressFile, NotebookWorker.Finished); } catch (IOException) { }
            }
        });
        return command;
    }

    private static Command CreateCheck()
    {
        var file = FileArgument("The notebook to check (.ipynb).");
        var fix = new Option<bool>("--fix") { Description = "Add missing Polyglot metadata (kernelspec, kernel info, per-cell kernel names) and save." };
        var command = new Command("check", "Validate a notebook's metadata and report cells the runner cannot execute (other kernels, magics, NuGet references).")
        {
            file, fix,
        };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(file)!;
            try
            {
                var notebook = Notebook.Load(path);
                if (parseResult.GetValue(fix))
                {
                    var edits = NotebookValidator.Fix(notebook);
                    if (edits > 0)
                    {
                        OutputTarget.Check(path, new FileInfo(path).Length); // a read-only file is refused, not replaced
                        notebook.Save(path);
                        Console.Error.WriteLine($"{path}: added missing Polyglot metadata ({edits} edit(s)).");
                    }
                }
                var problems = NotebookValidator.Check(notebook);
                foreach (var p in problems) Console.Error.WriteLine($"{path}: {p}");
                if (problems.Count == 0)
                {
                    var code = notebook.Cells.Count(c => c.IsCode);
                    Console.WriteLine($"{path}: ok ({notebook.Cells.Count} cells, {code} C# code cells).");
                    return 0;
                }
                if (problems.Any(p => p.Fixable))
                    Console.Error.WriteLine($"{path}: `aevb notebook check --fix {path}` adds the missing metadata.");
                return 1;
            }
            catch (NotebookFormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"aevb notebook check: {path}: cannot save the fix: {OutputTarget.OneLine(e.Message)}");
                return 1;
            }
        });
        return command;
    }

    private static Command CreateExport()
    {
        var file = FileArgument("The notebook to export (.ipynb), usually an executed one.");
        var html = new Option<string?>("--html") { Description = "Write a self-contained HTML page (markdown and LaTeX rendered, code highlighted, outputs shown)." };
        var app = new Option<string?>("--app") { Description = "Write a .NET 10 file-based app (run with `dotnet run OUT.cs`) with the notebook's code." };
        var project = new Option<string?>("--project") { Description = "For --app: the library project to reference (default: src/Aevb/Aevb.csproj found above the notebook)." };
        var allowLoadOutside = new Option<bool>("--allow-load-outside")
        {
            Description = "For --app: also inline #load files outside the notebook's folder and its subfolders. By default such a #load is refused, " +
                          "so an export never copies a file from elsewhere (../../secret.env) into an app you may share.",
        };
        var katex = new Option<string?>("--katex") { Description = "For --html: folder of the npm package katex to inline (default: node_modules/katex found above the notebook or the current folder; else the CDN)." };
        var offline = new Option<bool>("--offline") { Description = "For --html: the page must work offline: inline plotly.js and KaTeX, and fail if a local copy is missing (default: inline what is found, the CDN for the rest)." };
        var sanitize = new Option<bool>("--sanitize")
        {
            Description = "For --html: for a notebook you did not write: strip scripts, event-handler attributes (onerror=…) and javascript: URLs " +
                          "from its markdown and its HTML, markdown and SVG outputs; this project's charts still draw (their data is kept, drawn by the page's own script). " +
                          "Off by default, as in Jupyter's nbconvert: your own notebook's page shows its outputs exactly as the notebook does, scripts included.",
        };
        var cdn = new Option<bool>("--cdn") { Description = "For --html: load plotly.js and KaTeX from their CDNs (a small page that needs a network for charts and math)." };
        var command = new Command("export", "Export a notebook to a self-contained HTML page (--html) and/or a .NET 10 file-based app (--app).")
        {
            file, html, app, project, allowLoadOutside, katex, offline, cdn, sanitize,
        };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(file)!;
            var htmlOut = parseResult.GetValue(html);
            var appOut = parseResult.GetValue(app);
            if (htmlOut is null && appOut is null)
            {
                Console.Error.WriteLine($"aevb notebook export: say what to write: --html OUT.html and/or --app OUT.cs (e.g. `aevb notebook export {path} --html {Path.ChangeExtension(path, ".html")}`).");
                return 2;
            }
            if (parseResult.GetValue(offline) && parseResult.GetValue(cdn))
            {
                Console.Error.WriteLine("aevb notebook export: --offline and --cdn contradict each other; pass one (or neither: inline what is found locally).");
                return 2;
            }
            try
            {
                var notebook = Notebook.Load(path);
                // Both targets checked before any work, so a bad one fails first and alone, in one line.
                if (htmlOut is not null) OutputTarget.Check(htmlOut, 1 << 20);
                if (appOut is not null) OutputTarget.Check(appOut, 64 << 10);
                if (htmlOut is not null)
                {
                    var options = new HtmlExportOptions
                    {
                        KatexDirectory = parseResult.GetValue(katex),
                        Assets = parseResult.GetValue(offline) ? HtmlAssets.Inline : parseResult.GetValue(cdn) ? HtmlAssets.Cdn : HtmlAssets.Auto,
                        Sanitize = parseResult.GetValue(sanitize),
                    };
                    var page = HtmlExporter.Export(notebook, options);
                    Aevb.IO.AtomicFile.WriteAllText(htmlOut, page.Html);
                    foreach (var note in page.Notes) Console.Error.WriteLine($"{path}: note: {note}");
                    var scripts = new List<string>();
                    if (page.HasMath) scripts.Add(page.KatexInlined ? "KaTeX inlined" : "KaTeX from the CDN");
                    if (page.HasCharts) scripts.Add(page.PlotlyInlined ? "plotly.js inlined" : "plotly.js from the CDN");
                    var how = (page.SelfContained ? "self-contained, works offline" : "needs a network") +
                              (parseResult.GetValue(sanitize) ? "; sanitized: no script from the notebook runs" : "");
                    Console.Error.WriteLine($"{path}: wrote {htmlOut} ({(scripts.Count == 0 ? how : string.Join(", ", scripts) + "; " + how)}).");
                }
                if (appOut is not null)
                {
                    var projectPath = parseResult.GetValue(project) ?? FileAppExporter.FindLibraryProject(notebook.Path!)
                        ?? throw new NotebookFormatException($"{path}: cannot find src/Aevb/Aevb.csproj above the notebook; pass --project PATH/TO/Aevb.csproj.");
                    if (!File.Exists(projectPath))
                        throw new NotebookFormatException($"{projectPath}: no such project file (--project).");
                    var export = FileAppExporter.Export(notebook, appOut, projectPath, parseResult.GetValue(allowLoadOutside));
                    Aevb.IO.AtomicFile.WriteAllText(appOut, export.Code);
                    foreach (var w in export.Warnings) Console.Error.WriteLine($"{path}: warning: {w}");
                    Console.Error.WriteLine($"{path}: wrote {appOut}; run it with `dotnet run {appOut}`.");
                }
                return 0;
            }
            catch (NotebookFormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"aevb notebook export: {OutputTarget.OneLine(e.Message)}");
                return 1;
            }
        });
        return command;
    }

    private static Command CreateNew()
    {
        var file = FileArgument("The notebook to create (.ipynb).");
        var title = new Option<string?>("--title") { Description = "Title for the first markdown cell (default: from the file name)." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var command = new Command("new", "Create a Polyglot Notebooks C# notebook that loads the Aevb library and has the Quick switch.")
        {
            file, title, force,
        };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(file)!;
            if (Directory.Exists(path))
            {
                Console.Error.WriteLine($"{path}: is a folder; give the notebook's file name (e.g. {Path.Combine(path, "01-first-steps.ipynb")}).");
                return 2;
            }
            if (File.Exists(path) && !parseResult.GetValue(force))
            {
                Console.Error.WriteLine($"{path}: already exists; pass --force to overwrite it.");
                return 2;
            }
            try
            {
                var notebook = NotebookTemplate.Create(path, parseResult.GetValue(title));
                OutputTarget.Check(path, 16 << 10);
                notebook.Save(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"aevb notebook new: {OutputTarget.OneLine(e.Message)}");
                return 1;
            }
            Console.Error.WriteLine($"{path}: created; run it with `aevb notebook run {path}`.");
            return 0;
        });
        return command;
    }
}
