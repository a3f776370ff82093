using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Aevb.Notebooks.Documents;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Aevb.Notebooks.Running;

/// <summary>
/// Executes a notebook's C# cells in order with Roslyn scripting, the engine .NET Interactive's C#
/// kernel used, and records Jupyter outputs: <c>stream</c> (stdout/stderr), <c>display_data</c>
/// (<c>display(x)</c>), <c>execute_result</c> (a cell's final expression) and <c>error</c>.
/// </summary>
/// <remarks>
/// <para>State carries from cell to cell. While the notebook runs, the working directory is the
/// notebook's folder, <c>#r "x.dll"</c> and <c>#load "x.csx"</c> resolve relative to it, and
/// Console.Out/Error/In are redirected. Those are process-wide, so runs in one process are
/// serialised (a second call waits for the first).</para>
/// <para>Cells are numbered by position among all cells (markdown included), as a reader counts
/// them in the editor; error lines are relative to the cell.</para>
/// </remarks>
public static class NotebookRunner
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Loads and runs the notebook at <paramref name="path"/> (see <see cref="RunAsync(Notebook, NotebookRunOptions?, CancellationToken)"/>).</summary>
    /// <exception cref="NotebookFormatException">The file is missing or not an nbformat 4 notebook.</exception>
    public static Task<NotebookRunResult> RunAsync(string path, NotebookRunOptions? options = null, CancellationToken cancellationToken = default)
        => RunAsync(Notebook.Load(path), options, cancellationToken);

    /// <summary>
    /// Runs <paramref name="notebook"/> in place: outputs and execution counts of all code cells
    /// are cleared, then filled as cells run. A failing cell stops the run (unless
    /// <see cref="NotebookRunOptions.AllowErrors"/>); the notebook is then saved with everything
    /// up to and including the error. Cells the runner cannot execute (other kernels, unsupported
    /// magics, NuGet references) reject the notebook before anything runs, unless AllowErrors.
    /// </summary>
    public static async Task<NotebookRunResult> RunAsync(Notebook notebook, NotebookRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new NotebookRunOptions();
        if (options.TimeoutPerCell is { } timeout) NotebookRunOptions.TimeoutFromSeconds(timeout.TotalSeconds); // ArgumentException when out of range
        var notebookPath = notebook.Path ?? Path.Combine(Directory.GetCurrentDirectory(), "notebook.ipynb");
        var notebookDir = Path.GetDirectoryName(notebookPath)!;
        var cells = notebook.Cells;
        var defaultKernel = notebook.DefaultKernelName;

        // Find cells we cannot execute before running anything: minutes of training followed by
        // "cell 9 is F#" would waste the user's time.
        var prepared = new Dictionary<int, (string Code, IReadOnlyList<NotebookProblem> Problems)>();
        var problems = new List<NotebookProblem>();
        foreach (var cell in cells.Where(c => c.IsCode))
        {
            var p = CellCode.Prepare(cell, defaultKernel);
            prepared[cell.Index] = p;
            problems.AddRange(p.Problems);
        }
        if (problems.Count > 0 && !options.AllowErrors)
        {
            foreach (var p in problems) options.Progress?.WriteLine($"{notebookPath}: {p}");
            return new NotebookRunResult(notebook, [], problems, rejected: true, writtenTo: null);
        }

        // Where the result goes is checked before the first cell runs: minutes of work must not end in "read-only file system".
        var target = options.Save ? Path.GetFullPath(options.OutputPath ?? notebookPath) : null;
        if (target is not null) OutputTarget.Check(target, notebook.ToJson().Length);
        var guard = target is null ? null : new UnchangedFileGuard(target);

        var results = new List<CellRunResult>();
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        var ran = new HashSet<int>();
        var interrupted = false;
        string? stopReason = null;
        void SaveProgress(string reason)
        {
            if (target is null) return;
            StaleOutputs.Mark(cells, ran, reason);
            guard!.Save(notebook); // refuses to overwrite an edit saved while the cells ran
        }
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var savedOut = Console.Out;
        var savedErr = Console.Error;
        var savedIn = Console.In;
        var savedDir = Directory.GetCurrentDirectory();
        var env = new Dictionary<string, string>(options.Environment ?? new Dictionary<string, string>());
        if (options.Quick) env["AEVB_QUICK"] = "1";
        var savedEnv = env.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            // Outputs are replaced cell by cell as each runs; a cell the run does not reach keeps its earlier outputs,
            // marked stale (StaleOutputs), so a failed or interrupted run never leaves a notebook worse than it found it.
            Directory.SetCurrentDirectory(notebookDir);
            foreach (var (k, v) in env) Environment.SetEnvironmentVariable(k, v);

            var context = new RunContext(options.EchoOutput, savedOut);
            RunContext.Active = context;
            Console.SetOut(new CapturingWriter("stdout", () => context.Current, options.EchoOutput ? savedOut : null));
            Console.SetError(new CapturingWriter("stderr", () => context.Current, options.EchoOutput ? savedErr : null));
            Console.SetIn(TextReader.Null); // a cell waiting for keyboard input would hang a headless run

            var globals = new NotebookGlobals(context);
            var scriptOptions = ScriptSetup.Create(notebookDir);
            var cellByPath = new Dictionary<string, int>(StringComparer.Ordinal);
            int? CellOfPath(string path) => cellByPath.TryGetValue(path, out var n) ? n : null;

            // An empty first submission: gives every cell a state to continue from and pays
            // Roslyn's one-off warm-up before the first real cell.
            ScriptState<object> state = await CSharpScript
                .Create("", scriptOptions.WithFilePath(CellErrors.CellPath(notebookPath, 0)), typeof(NotebookGlobals))
                .RunAsync(globals, CancellationToken.None).ConfigureAwait(false); // short; Ctrl+C is honoured between and during cells

            var executionCount = 0;
            foreach (var cell in cells)
            {
                if (!cell.IsCode) continue;
                if (cancellationToken.IsCancellationRequested)
                {
                    interrupted = true;
                    break;
                }
                var label = $"[cell {cell.Number}/{cells.Count}]";
                options.Progress?.WriteLine($"{label} running...");
                options.Progress?.Flush();
                executionCount++;
                options.CellStarting?.Invoke(cell.Number);
                var collector = new OutputCollector(options.MaxStreamChars);
                context.Current = collector;
                var clock = Stopwatch.StartNew();
                var (code, cellProblems) = prepared[cell.Index];
                var cellPath = CellErrors.CellPath(notebookPath, cell.Number);
                cellByPath[cellPath] = cell.Number;
                CellError? error = null;
                var abandoned = false;

                if (cellProblems.Count > 0)
                {
                    error = new CellError(CellErrorKind.Unsupported, "UnsupportedCell", cellProblems[0].ToString(), cellProblems[0].Line,
                        [.. cellProblems.Select(p => p.ToString())]);
                }
                else
                {
                    var script = state.Script.ContinueWith(code, scriptOptions.WithFilePath(cellPath));
                    var compileErrors = script.Compile(CancellationToken.None).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                    if (compileErrors.Count > 0)
                    {
                        error = CellErrors.FromDiagnostics(compileErrors, cell.Number, code, CellOfPath);
                    }
                    else
                    {
                        var compilation = script.GetCompilation();
                        foreach (var warning in HostAssemblyCheck.Warnings(compilation)) options.Progress?.WriteLine($"{label} {warning}");
                        var hasValue = ScriptSetup.EndsWithValue(compilation, cellPath);
                        var previous = state;
                        // A separate task: Roslyn runs a submission synchronously up to its first
                        // await, and a timeout must be able to give up on it.
                        var run = Task.Run(() => script.RunFromAsync(previous, _ => true, cancellationToken), cancellationToken);
                        // Waiting on a delay too lets a timeout or Ctrl+C give up on a cell that is still running.
                        var limit = options.TimeoutPerCell ?? Timeout.InfiniteTimeSpan;
                        if (await Task.WhenAny(run, Task.Delay(limit, CancellationToken.None).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false) != run)
                        {
                            abandoned = true;
                            if (cancellationToken.IsCancellationRequested)
                            {
                                interrupted = true;
                                error = new CellError(CellErrorKind.Interrupted, "Interrupted",
                                    $"the run was interrupted (Ctrl+C or SIGTERM) during cell {cell.Number}; its output so far is above.", null,
                                    [$"cell {cell.Number}: interrupted (Ctrl+C or SIGTERM); run the notebook again to finish it."]);
                            }
                            else
                            {
                            var seconds = limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                            error = new CellError(CellErrorKind.Timeout, "System.TimeoutException",
                                $"cell {cell.Number} did not finish within {seconds} s (--timeout-per-cell); the run was stopped.", null,
                                [$"cell {cell.Number}: System.TimeoutException: the cell did not finish within {seconds} s (--timeout-per-cell)."]);
                            }
                        }
                        else
                        {
                            ScriptState<object>? next = null;
                            try
                            {
                                next = await run.ConfigureAwait(false);
                            }
                            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                            {
                                error = CellErrors.FromException(e, cell.Number, CellOfPath);
                            }
                            catch (OperationCanceledException)
                            {
                                interrupted = true;
                                error = new CellError(CellErrorKind.Interrupted, "Interrupted",
                                    $"the run was interrupted (Ctrl+C or SIGTERM) during cell {cell.Number}; its output so far is above.", null,
                                    [$"cell {cell.Number}: interrupted (Ctrl+C or SIGTERM); run the notebook again to finish it."]);
                            }
                            if (next is not null)
                            {
                                // Variables assigned before an exception stay, as in .NET Interactive.
                                state = next;
                                if (next.Exception is { } ex)
                                {
                                    error = CellErrors.FromException(ex, cell.Number, CellOfPath);
                                }
                                else if (hasValue)
                                {
                                    var formatted = context.Format(next.ReturnValue, null);
                                    collector.Add(NotebookOutputs.ExecuteResult(formatted.Bundle, executionCount));
                                    context.EchoPlain(formatted);
                                }
                            }
                        }
                    }
                }

                if (error is not null)
                {
                    collector.Add(NotebookOutputs.Error(error.EName, error.EValue, error.Traceback));
                    options.Progress?.WriteLine($"{label} failed: {string.Join(Environment.NewLine, error.Traceback.Take(12))}");
                }
                else
                {
                    options.Progress?.WriteLine($"{label} done in {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
                }
                context.Current = null;
                cell.Node["outputs"] = new JsonArray([.. collector.Materialize()]);
                cell.ExecutionCount = executionCount;
                ran.Add(cell.Index);
                results.Add(new CellRunResult(cell.Number, executionCount, clock.Elapsed, error));
                var stop = error is not null && (abandoned || interrupted || !options.AllowErrors);
                if (stop) stopReason = $"the run stopped at cell {cell.Number} ({error!.EName})";
                // Saved after every cell: if the process dies in a later one, what ran so far is on disk.
                SaveProgress(stop ? stopReason! : $"not reached: the last run got as far as cell {cell.Number}");
                if (stop) break;
            }
            if (interrupted) stopReason ??= "the run was interrupted (Ctrl+C or SIGTERM)";
            // Later submissions shadow earlier ones; Roslyn lists them oldest first.
            foreach (var v in state.Variables) variables[v.Name] = v.Value;
        }
        finally
        {
            RunContext.Active = null;
            Console.SetOut(savedOut);
            Console.SetError(savedErr);
            Console.SetIn(savedIn);
            try { Directory.SetCurrentDirectory(savedDir); } catch (IOException) { }
            foreach (var (k, v) in savedEnv) Environment.SetEnvironmentVariable(k, v);
            Gate.Release();
        }

        string? writtenTo = null;
        if (target is not null)
        {
            SaveProgress(stopReason ?? "not run");
            writtenTo = target;
        }
        return new NotebookRunResult(notebook, results, problems, rejected: false, writtenTo, variables) { Interrupted = interrupted };
    }
}
