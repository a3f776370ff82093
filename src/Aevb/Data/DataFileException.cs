namespace Aevb.Data;

/// <summary>
/// A data file that is missing, truncated, malformed or fails its checksum. The message names
/// the file, the problem and, where one exists, the command that fixes it, so a command line or
/// notebook can print it as is (no stack trace needed to act on it).
/// </summary>
public sealed class DataFileException : Exception
{
    public DataFileException(string filePath, string problem, string? fix = null, Exception? inner = null)
        : base(Compose(filePath, problem, fix), inner)
    {
        FilePath = filePath;
        Problem = problem;
        Fix = fix;
    }

    /// <summary>The file (or, for a missing file, the name looked for).</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, in one sentence.</summary>
    public string Problem { get; }

    /// <summary>What to do about it (usually a command), or null.</summary>
    public string? Fix { get; }

    /// <summary>The same error with a fix attached (readers know the problem, callers know the remedy).</summary>
    public DataFileException WithFix(string? fix) => fix is null || Fix is not null ? this : new(FilePath, Problem, fix, InnerException ?? this);

    private static string Compose(string filePath, string problem, string? fix)
        => fix is null ? $"{filePath}: {problem}" : $"{filePath}: {problem}{Environment.NewLine}Fix: {fix}";
}
