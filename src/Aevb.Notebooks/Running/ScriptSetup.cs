using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;

namespace Aevb.Notebooks.Running;

/// <summary>The Roslyn scripting options a notebook runs with.</summary>
internal static class ScriptSetup
{
    /// <summary>
    /// The namespaces .NET Interactive's C# kernel imports by default; the same set here, so a
    /// notebook that runs in the aevb runner also runs in Polyglot Notebooks and vice versa.
    /// </summary>
    public static readonly string[] DefaultImports =
        ["System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq"];

    // Only the shared framework, not the runner's own dependencies: a notebook that #r's its own
    // copy of Aevb.dll must not see a second Aevb (that would make every Aevb type ambiguous).
    private static readonly Lazy<ImmutableArray<MetadataReference>> FrameworkReferences = new(() =>
    {
        var runtimeDir = Path.GetFullPath(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var paths = tpa.Where(p => Path.GetFullPath(p).StartsWith(runtimeDir, StringComparison.Ordinal)).ToList();
        if (paths.Count == 0)
            paths = Directory.EnumerateFiles(runtimeDir, "*.dll").Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll" or "Microsoft.CSharp.dll" or "Microsoft.VisualBasic.dll" or "Microsoft.Win32.Primitives.dll").ToList();
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    /// <summary>Options for a notebook in <paramref name="notebookDir"/>: <c>#r</c> and <c>#load</c> resolve relative to it.</summary>
    public static ScriptOptions Create(string notebookDir)
        => ScriptOptions.Default
            .WithReferences(FrameworkReferences.Value)
            // This assembly, for the globals (display) and the Display() extension's namespace.
            .AddReferences(MetadataReference.CreateFromFile(typeof(NotebookGlobals).Assembly.Location))
            .WithImports([.. DefaultImports, typeof(Scripting.DisplayExtensions).Namespace!])
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(notebookDir))
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, notebookDir))
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithAllowUnsafe(true)
            // Debug information gives exceptions line numbers, which become "cell 3, line 2".
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8);

    /// <summary>
    /// Whether the submission ends in an expression with a value (no semicolon, not void), which
    /// Jupyter shows as the cell's <c>execute_result</c> even when the value is null.
    /// </summary>
    public static bool EndsWithValue(Compilation compilation, string cellPath)
    {
        var tree = compilation.SyntaxTrees.LastOrDefault(t => t.FilePath == cellPath);
        if (tree?.GetRoot() is not CompilationUnitSyntax root) return false;
        if (root.Members.LastOrDefault() is not GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }
            || !statement.SemicolonToken.IsMissing)
            return false;
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }
}
