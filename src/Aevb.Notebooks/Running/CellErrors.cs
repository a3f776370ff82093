using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Aevb.Notebooks.Running;

/// <summary>
/// Turns compile diagnostics and exceptions into <see cref="CellError"/>s whose locations read
/// "cell 3, line 2" (lines counted within the cell), not Roslyn's submission names.
/// </summary>
internal static partial class CellErrors
{
    /// <summary>The file path given to a cell's submission, so diagnostics and stack frames can be mapped back to it.</summary>
    public static string CellPath(string notebookPath, int cellNumber) => $"{notebookPath}#cell{cellNumber}";

    public static CellError FromDiagnostics(IEnumerable<Diagnostic> errors, int cellNumber, string cellCode, Func<string, int?> cellOfPath)
    {
        var lines = cellCode.Split('\n');
        var traceback = new List<string>();
        string? first = null;
        int? firstLine = null;
        foreach (var d in errors)
        {
            var span = d.Location.GetMappedLineSpan();
            var line = span.StartLinePosition.Line + 1;
            var column = span.StartLinePosition.Character + 1;
            string where;
            string? sourceLine = null;
            if (!d.Location.IsInSource && string.IsNullOrEmpty(span.Path))
            {
                where = $"cell {cellNumber}";
            }
            else if (cellOfPath(span.Path) is int c)
            {
                where = $"cell {c}, line {line}, column {column}";
                if (c == cellNumber && line - 1 < lines.Length) sourceLine = lines[line - 1].TrimEnd('\r');
                firstLine ??= c == cellNumber ? line : null;
            }
            else
            {
                where = $"{span.Path}({line},{column})"; // a #load-ed file: its own path and line
            }
            var text = $"{where}: error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            first ??= text;
            traceback.Add(text);
            if (sourceLine is not null)
            {
                traceback.Add("    " + sourceLine);
                traceback.Add("    " + new string(' ', Math.Max(0, column - 1)) + "^");
            }
        }
        return new CellError(CellErrorKind.Compile, "CompilationError", first ?? $"cell {cellNumber}: compilation failed", firstLine, traceback);
    }

    public static CellError FromException(Exception exception, int cellNumber, Func<string, int?> cellOfPath)
    {
        var e = Unwrap(exception);
        var ename = e.GetType().FullName ?? e.GetType().Name;

        // The innermost notebook frame says where it happened (maybe a method from an earlier
        // cell); the failing cell's own frame gives its line.
        int? line = null;
        string? where = null;
        foreach (var frame in new StackTrace(e, fNeedFileInfo: true).GetFrames())
        {
            var file = frame.GetFileName();
            if (string.IsNullOrEmpty(file)) continue;
            var l = frame.GetFileLineNumber();
            if (cellOfPath(file) is not int c) continue;
            where ??= l > 0 ? $"cell {c}, line {l}" : $"cell {c}";
            if (c == cellNumber && l > 0)
            {
                line = l; // where the failing cell itself was when it happened
                break;
            }
        }
        where ??= $"cell {cellNumber}";

        var traceback = new List<string> { $"{where}: {ename}: {e.Message}" };
        foreach (var raw in e.ToString().Split('\n').Skip(1))
        {
            var text = raw.TrimEnd('\r');
            if (IsInfrastructureFrame(text)) continue;
            traceback.Add(Submission().Replace(RewriteCellPaths(text, cellOfPath), m => m.Groups["init"].Success ? "<cell code>" : ""));
        }
        return new CellError(CellErrorKind.Runtime, ename, e.Message, line, traceback);
    }

    public static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case TargetInvocationException { InnerException: { } inner }: e = inner; continue;
                case AggregateException { InnerExceptions.Count: 1 } agg: e = agg.InnerExceptions[0]; continue;
                default: return e;
            }
        }
    }

    private static bool IsInfrastructureFrame(string line)
    {
        var t = line.TrimStart();
        return t.StartsWith("at Microsoft.CodeAnalysis.Scripting.", StringComparison.Ordinal)
            || t.StartsWith("at System.Runtime.CompilerServices.", StringComparison.Ordinal)
            || t.StartsWith("at System.Runtime.ExceptionServices.", StringComparison.Ordinal)
            || t.StartsWith("at System.Threading.Tasks.", StringComparison.Ordinal)
            || t.StartsWith("at System.Threading.ExecutionContext.", StringComparison.Ordinal)
            || t.StartsWith("at Aevb.Notebooks.Running.", StringComparison.Ordinal)
            || t.StartsWith("--- End of stack trace from previous location", StringComparison.Ordinal);
    }

    private static string RewriteCellPaths(string line, Func<string, int?> cellOfPath)
        => CellFrame().Replace(line, m =>
        {
            var path = m.Groups["path"].Value;
            return cellOfPath(path) is int c ? $" in cell {c}, line {m.Groups["line"].Value}" : m.Value;
        });

    // Roslyn names cell code "Submission#3.<<Initialize>>d__0.MoveNext()" and cell methods "Submission#3.F(…)".
    [GeneratedRegex(@"Submission#\d+\.(?<init><<Initialize>>d__\d+\.MoveNext\(\))?")]
    private static partial Regex Submission();

    [GeneratedRegex(@" in (?<path>.+?):line (?<line>\d+)")]
    private static partial Regex CellFrame();
}
