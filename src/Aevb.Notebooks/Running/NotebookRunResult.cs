using Aevb.Notebooks.Documents;

namespace Aevb.Notebooks.Running;

/// <summary>What a notebook run did.</summary>
public sealed class NotebookRunResult
{
    internal NotebookRunResult(Notebook notebook, IReadOnlyList<CellRunResult> cells, IReadOnlyList<NotebookProblem> problems, bool rejected, string? writtenTo,
        IReadOnlyDictionary<string, object?>? variables = null)
    {
        Notebook = notebook;
        Variables = variables ?? new Dictionary<string, object?>();
        Cells = cells;
        Problems = problems;
        Rejected = rejected;
        WrittenTo = writtenTo;
    }

    /// <summary>The executed notebook (outputs and execution counts filled in).</summary>
    public Notebook Notebook { get; }

    /// <summary>One entry per code cell that was executed (or attempted), in order.</summary>
    public IReadOnlyList<CellRunResult> Cells { get; }

    /// <summary>Cells the runner cannot execute (other kernels, unsupported magics, <c>#r "nuget:…"</c>), found before running.</summary>
    public IReadOnlyList<NotebookProblem> Problems { get; }

    /// <summary>True when <see cref="Problems"/> stopped the run before any cell ran (no <c>AllowErrors</c>); nothing was written.</summary>
    public bool Rejected { get; }

    /// <summary>The file the executed notebook was written to, or null when not written.</summary>
    public string? WrittenTo { get; }

    /// <summary>
    /// The notebook's top-level variables after the run (the last value of each name), so tests can
    /// check the numbers a notebook computed without parsing its printed output.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Variables { get; }

    /// <summary>True when Ctrl+C or SIGTERM (the cancellation token) stopped the run; what ran was written.</summary>
    public bool Interrupted { get; init; }

    /// <summary>The first failing cell, or null.</summary>
    public CellRunResult? FirstFailure => Cells.FirstOrDefault(c => c.Error is not null);

    /// <summary>True when no cell failed and nothing was rejected.</summary>
    public bool Succeeded => !Rejected && Problems.Count == 0 && FirstFailure is null;

    /// <summary>0 success; 1 a cell failed; 2 the notebook was rejected (unsupported kernel or magic); 130 interrupted.</summary>
    public int ExitCode => Rejected ? 2 : Interrupted ? 130 : Succeeded ? 0 : 1;
}

/// <summary>One executed code cell.</summary>
/// <param name="CellNumber">1-based position among all cells (markdown included), as counted in the editor.</param>
/// <param name="ExecutionCount">The execution_count written to the cell.</param>
/// <param name="Elapsed">Wall-clock time the cell took (compile + run).</param>
/// <param name="Error">The cell's error, or null when it succeeded.</param>
public sealed record CellRunResult(int CellNumber, int ExecutionCount, TimeSpan Elapsed, CellError? Error);

/// <summary>A failed cell's error, as written to its <c>error</c> output.</summary>
/// <param name="Kind">Compile, Runtime, Timeout or Unsupported.</param>
/// <param name="EName">Exception type (or CompilationError / UnsupportedCell).</param>
/// <param name="EValue">The message, for compile errors prefixed with "cell N, line L, column C".</param>
/// <param name="Line">Line within the cell where it happened, when known.</param>
/// <param name="Traceback">The lines of the error output's traceback.</param>
public sealed record CellError(CellErrorKind Kind, string EName, string EValue, int? Line, IReadOnlyList<string> Traceback);

public enum CellErrorKind { Compile, Runtime, Timeout, Unsupported, Interrupted, Crashed }
