using System.CommandLine;
using System.Globalization;
using Aevb.Notebooks;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Running;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb notebook run</c>: executes a notebook's C# cells, by default in a child process
/// (<see cref="NotebookWorker"/>) so that a cell calling Environment.Exit or overflowing the stack still leaves a
/// report and a written notebook.
/// </summary>
internal static class NotebookRunCommand
{
    /// <summary>The command's argument and options, shared by its definition and its action.</summary>
    private sealed class Inputs
    {
        public readonly Argument<string> File = NotebookCommand.FileArgument("The notebook to execute (.ipynb).");
        public readonly Option<string?> Output = new("--out")
        {
            Description = "Write the executed notebook here instead of over the input.",
        };
        public readonly Option<bool> Quick = new("--quick")
        {
            Description = "Set AEVB_QUICK=1 so the notebook's Quick switch picks small settings (as CI does).",
        };
        public readonly Option<double?> Timeout = new("--timeout-per-cell")
        {
            Description = "Stop the run if a cell takes longer than this many seconds (default "
                + $"{NotebookRunOptions.DefaultTimeoutPerCell.TotalSeconds:0}; see --no-timeout).",
        };
        public readonly Option<bool> NoTimeout = new("--no-timeout")
        {
            Description = "No per-cell time limit (a cell that never ends hangs the run).",
        };
        public readonly Option<int> MaxOutput = new("--max-output")
        {
            Description = "Characters of stdout/stderr stored per cell; the rest is shown but not stored, with a note "
                + "saying how much was cut.",
            DefaultValueFactory = _ => NotebookRunOptions.DefaultMaxStreamChars,
        };
        public readonly Option<bool> InProcess = new("--in-process")
        {
            Description = "Run the cells in this process rather than a child one (then a cell calling "
                + "Environment.Exit or overflowing the stack ends the run without a report).",
        };
        public readonly Option<string?> WorkerProgress = new(NotebookWorker.ProgressOption)
        {
            Hidden = true,
            Description = "Internal: the child process's progress file.",
        };
        public readonly Option<bool> AllowErrors = new("--allow-errors")
        {
            Description = "Keep running after a failing cell (its error is recorded); still exits non-zero.",
        };
    }

    public static Command Create()
    {
        var inputs = new Inputs();
        var command = new Command("run",
            "Execute the notebook's C# cells in order and write it back with outputs (stdout/stderr, displays, "
            + "results, errors).")
        {
            inputs.File, inputs.Output, inputs.Quick, inputs.Timeout, inputs.NoTimeout, inputs.MaxOutput,
            inputs.InProcess, inputs.WorkerProgress, inputs.AllowErrors,
        };
        command.SetAction((parseResult, invocationToken) => RunAsync(parseResult, inputs, invocationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, Inputs inputs, CancellationToken invocationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(invocationToken, Interrupt.Token);
        var cancellationToken = linked.Token;
        var path = parseResult.GetValue(inputs.File)!;
        if (!TryReadTimeLimit(parseResult, inputs, out var limit)) return 2;
        var progressFile = parseResult.GetValue(inputs.WorkerProgress);
        // The parent may pass a signal on after the terminal's.
        if (progressFile is not null) Interrupt.KeepRunningOnRepeat = true;
        Aevb.IO.DirectoryLock? targetLock = null; // held by the parent for its worker child, which writes the file
        try
        {
            if (progressFile is null) targetLock = NotebookLock.Acquire(parseResult.GetValue(inputs.Output) ?? path);
            if (progressFile is null && !parseResult.GetValue(inputs.InProcess))
                return await RunInChildAsync(parseResult, inputs, path, limit, cancellationToken);
            return await RunHereAsync(parseResult, inputs, path, limit, progressFile, cancellationToken);
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
    }

    /// <summary>
    /// The per-cell time limit (null: none), or false, with the reason on stderr, when --timeout-per-cell or
    /// --max-output is out of range.
    /// </summary>
    private static bool TryReadTimeLimit(ParseResult parseResult, Inputs inputs, out TimeSpan? limit)
    {
        limit = null;
        var seconds = parseResult.GetValue(inputs.Timeout);
        TimeSpan? timeoutPerCell = null;
        try
        {
            if (seconds is double given) timeoutPerCell = NotebookRunOptions.TimeoutFromSeconds(given);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"aevb notebook run: {e.Message}");
            return false;
        }
        if (parseResult.GetValue(inputs.MaxOutput) <= 0)
        {
            Console.Error.WriteLine("aevb notebook run: --max-output must be a positive number of characters.");
            return false;
        }
        limit = parseResult.GetValue(inputs.NoTimeout)
            ? null
            : timeoutPerCell ?? NotebookRunOptions.DefaultTimeoutPerCell;
        return true;
    }

    /// <summary>
    /// Runs the cells in a child process (<see cref="NotebookWorker"/>); the input and the output are checked here
    /// first, so that a bad one fails before a process starts.
    /// </summary>
    private static async Task<int> RunInChildAsync(
        ParseResult parseResult, Inputs inputs, string path, TimeSpan? limit, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(parseResult.GetValue(inputs.Output) ?? path);
        Notebook.Load(path);
        OutputTarget.Check(target, new FileInfo(path).Length);
        var arguments = new List<string>();
        if (parseResult.GetValue(inputs.Quick)) arguments.Add("--quick");
        if (parseResult.GetValue(inputs.AllowErrors)) arguments.Add("--allow-errors");
        if (limit is { } l)
            arguments.AddRange(["--timeout-per-cell", l.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)]);
        else arguments.Add("--no-timeout");
        var maxOutput = parseResult.GetValue(inputs.MaxOutput).ToString(CultureInfo.InvariantCulture);
        arguments.AddRange(["--max-output", maxOutput]);
        var (code, crash) = await NotebookWorker.RunAsync(path, target, arguments, null, cancellationToken);
        if (crash is not null)
            Console.Error.WriteLine($"{path}: {crash}; wrote {target} with the cells that ran before it.");
        return code;
    }

    /// <summary>
    /// Runs the cells in this process (--in-process, or as the worker child) and reports the outcome.
    /// </summary>
    private static async Task<int> RunHereAsync(ParseResult parseResult, Inputs inputs, string path,
        TimeSpan? limit, string? progressFile, CancellationToken cancellationToken)
    {
        var options = new NotebookRunOptions
        {
            OutputPath = parseResult.GetValue(inputs.Output),
            Quick = parseResult.GetValue(inputs.Quick),
            TimeoutPerCell = limit,
            MaxStreamChars = parseResult.GetValue(inputs.MaxOutput),
            AllowErrors = parseResult.GetValue(inputs.AllowErrors),
            Progress = Console.Error,
            EchoOutput = true,
            CellStarting = progressFile is null ? null : n => File.WriteAllText(progressFile, $"cell {n}"),
        };
        var result = await NotebookRunner.RunAsync(path, options, cancellationToken);
        if (result.Rejected)
        {
            Console.Error.WriteLine($"{path}: not run: {result.Problems.Count} cell problem(s) above. Fix them "
                + $"(see `aevb notebook check {path}`) or pass --allow-errors to record them as errors and run the "
                + "rest.");
            return result.ExitCode;
        }
        Report(path, result);
        return result.ExitCode;
    }

    private static void Report(string path, NotebookRunResult result)
    {
        var failed = result.Cells.Where(c => c.Error is not null).ToList();
        var where = result.WrittenTo is null ? "" : $"; wrote {result.WrittenTo}";
        if (result.Interrupted)
            Console.Error.WriteLine($"{path}: interrupted after {result.Cells.Count} code cell(s){where} (cells not "
                + "reached keep their earlier outputs, marked stale). Run the same command again to run it all.");
        else if (failed.Count == 0)
            Console.Error.WriteLine($"{path}: {result.Cells.Count} code cell(s) ran{where}.");
        else
            Console.Error.WriteLine($"{path}: cell(s) {string.Join(", ", failed.Select(f => f.CellNumber))} failed "
                + $"({failed[0].Error!.EValue}){where}.");
    }
}
