using System.Text.RegularExpressions;

namespace Aevb.Notebooks.Documents;

/// <summary>
/// Turns a code cell's text into C# the runner can compile, applying Polyglot Notebooks' rules:
/// a first-line <c>#!csharp</c> / <c>#!c#</c> magic selects C# (it is blanked, so line numbers
/// stay those of the cell); any other <c>#!</c> magic, a cell in another kernel, and
/// <c>#r "nuget:…"</c> / <c>#i "nuget:…"</c> are reported as problems naming cell and line.
/// </summary>
public static partial class CellCode
{
    private static readonly string[] CSharpMagics = ["#!csharp", "#!c#", "#!cs", "#!C#"];

    /// <summary>The C# to compile (same line count as the cell) and the problems that prevent running it.</summary>
    public static (string Code, IReadOnlyList<NotebookProblem> Problems) Prepare(NotebookCell cell, string? notebookDefaultKernel)
    {
        var problems = new List<NotebookProblem>();
        var lines = cell.Source.Split('\n');
        var firstLine = lines[0].Trim();
        string kernel;
        if (firstLine.StartsWith("#!", StringComparison.Ordinal))
        {
            if (CSharpMagics.Contains(firstLine))
            {
                lines[0] = "";
                kernel = PolyglotMetadata.CSharpKernel;
            }
            else
            {
                // Any other first-line magic is either another kernel (#!fsharp, #!pwsh, #!html…)
                // or a command (#!time, #!set…); neither exists outside .NET Interactive.
                kernel = firstLine[2..].Split(' ', 2)[0];
                problems.Add(new NotebookProblem(cell.Number, 1,
                    $"magic command '{firstLine}' is not supported by the aevb runner, which executes C# only " +
                    "(a cell may start with '#!csharp' or '#!c#'; move other kernels' code out of the notebook)."));
                return (string.Join('\n', lines), problems);
            }
        }
        else
        {
            kernel = cell.KernelName ?? notebookDefaultKernel ?? PolyglotMetadata.CSharpKernel;
        }

        if (!PolyglotMetadata.IsCSharp(kernel))
        {
            problems.Add(new NotebookProblem(cell.Number, null,
                $"the cell is in kernel '{kernel}' (cell metadata polyglot_notebook.kernelName); the aevb runner executes C# cells only."));
            return (string.Join('\n', lines), problems);
        }

        for (var i = 1; i <= lines.Length; i++)
        {
            var line = lines[i - 1].TrimStart();
            if (i > 1 && line.StartsWith("#!", StringComparison.Ordinal))
            {
                problems.Add(new NotebookProblem(cell.Number, i,
                    $"magic command '{line.TrimEnd()}' is not supported by the aevb runner " +
                    "(only '#!csharp' or '#!c#' on a cell's first line is accepted)."));
            }
            else if (NuGetDirective().Match(line) is { Success: true } m)
            {
                problems.Add(new NotebookProblem(cell.Number, i,
                    $"'{line.TrimEnd()}' is not supported: the aevb runner loads no NuGet packages. " +
                    $"Reference a built assembly instead, e.g. #r \"../src/Aevb/bin/Release/net9.0/Aevb.dll\"{(m.Groups[1].Value == "i" ? " (and drop the #i package source line)" : "")}."));
            }
        }
        return (string.Join('\n', lines), problems);
    }

    [GeneratedRegex("^#(r|i)\\s+\"\\s*nuget\\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex NuGetDirective();
}
