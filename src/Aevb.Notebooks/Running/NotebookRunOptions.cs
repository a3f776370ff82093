namespace Aevb.Notebooks.Running;

/// <summary>Settings for <see cref="NotebookRunner.RunAsync(string, NotebookRunOptions?, CancellationToken)"/>.</summary>
public sealed class NotebookRunOptions
{
    /// <summary>Where to write the executed notebook; null = over the input file. Ignored when <see cref="Save"/> is false.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Write the executed notebook (atomically) when the run ends, whether it succeeded or not. Default true.</summary>
    public bool Save { get; init; } = true;

    /// <summary>Sets <c>AEVB_QUICK=1</c> while the notebook runs, for the notebook's own Quick switch.</summary>
    public bool Quick { get; init; }

    /// <summary>
    /// Longest a single cell may run; null = no limit. A cell that overruns gets a TimeoutException
    /// error output and the run stops even with <see cref="AllowErrors"/> (the cell's code cannot be
    /// interrupted safely, so later cells would race with it).
    /// </summary>
    public TimeSpan? TimeoutPerCell { get; init; }

    /// <summary>The timeout the CLI gives each cell unless told otherwise: generous, but a cell stuck in a loop never hangs a run forever.</summary>
    public static readonly TimeSpan DefaultTimeoutPerCell = TimeSpan.FromMinutes(30);

    /// <summary>Longest <see cref="TimeoutPerCell"/> accepted: 30 days, inside what a timer can wait (about 49.7 days); beyond, say "no limit".</summary>
    public static readonly TimeSpan MaxTimeoutPerCell = TimeSpan.FromDays(30);

    /// <summary>
    /// <paramref name="seconds"/> as a per-cell timeout, or an <see cref="ArgumentException"/> saying why not (not a positive
    /// finite number, or over <see cref="MaxTimeoutPerCell"/>).
    /// </summary>
    public static TimeSpan TimeoutFromSeconds(double seconds)
        => double.IsFinite(seconds) && seconds > 0 && seconds <= MaxTimeoutPerCell.TotalSeconds ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException(
                $"--timeout-per-cell must be a positive number of seconds up to {MaxTimeoutPerCell.TotalSeconds:0} (30 days), got " +
                $"{seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}; pass --no-timeout for no limit.");

    /// <summary>Default of <see cref="MaxStreamChars"/>: 1 M characters of stdout/stderr stored per cell.</summary>
    public const int DefaultMaxStreamChars = 1_000_000;

    /// <summary>Most characters of stdout/stderr stored per cell; the rest is echoed but not stored, and a note says how much was cut.</summary>
    public int MaxStreamChars { get; init; } = DefaultMaxStreamChars;

    /// <summary>Called with the cell number just before each code cell runs (the CLI's crash report uses it).</summary>
    public Action<int>? CellStarting { get; init; }

    /// <summary>Keep going after a failing cell (its error output is recorded), as <c>jupyter nbconvert --allow-errors</c>.</summary>
    public bool AllowErrors { get; init; }

    /// <summary>Where "[cell 3/12] running" lines go; null = nowhere. The CLI passes Console.Error.</summary>
    public TextWriter? Progress { get; init; }

    /// <summary>Echo each cell's stdout/stderr (and the plain text of displayed values) live to the process's own console. The CLI sets it.</summary>
    public bool EchoOutput { get; init; }

    /// <summary>Extra environment variables set for the duration of the run (restored afterwards).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
}
