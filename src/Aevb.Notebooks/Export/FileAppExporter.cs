using System.Text;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Running;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aevb.Notebooks.Export;

/// <summary>The app's source and what could not be carried over.</summary>
public sealed record FileAppExportResult(string Code, IReadOnlyList<string> Warnings);

/// <summary>
/// Exports a notebook as a .NET 10 file-based app (<c>dotnet run OUT.cs</c>), the migration path
/// Microsoft recommends away from Polyglot Notebooks. Script constructs become program constructs:
/// <list type="bullet">
/// <item>the library's <c>#r "…/Aevb.dll"</c> becomes a <c>#:project</c> directive (path relative to the app);</item>
/// <item><c>using</c> directives move to the top; type declarations move after the top-level
/// statements (C# requires that order); methods become local functions (access modifiers dropped);</item>
/// <item>a cell's final expression becomes <c>display(expr);</c>, and <c>display</c> is a small
/// class emitted at the end that prints text and saves HTML/PNG renderings (same formatter convention);</item>
/// <item><c>#load "x.csx"</c> is inlined when the file lies inside the notebook's folder tree (symbolic links resolved);
/// one outside it is refused unless the caller allows it, so exporting a notebook never copies, say,
/// <c>../../secret.env</c> into an app that is then shared;</item>
/// <item>markdown cells become comments, every line of them: all of C#'s line terminators (\n, \r, U+0085, U+2028,
/// U+2029) start a new <c>//</c> line, so no markdown text can end a comment and become code.</item>
/// </list>
/// </summary>
public static class FileAppExporter
{
    /// <summary>src/Aevb/Aevb.csproj in the repository above <paramref name="notebookPath"/>, or null.</summary>
    public static string? FindLibraryProject(string notebookPath)
    {
        var root = NotebookTemplate.FindRepositoryRoot(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!)
                   ?? NotebookTemplate.FindRepositoryRoot(Directory.GetCurrentDirectory());
        return root is null ? null : Path.Combine(root, "src", "Aevb", "Aevb.csproj");
    }

    /// <param name="notebook">The notebook (its <see cref="Notebook.Path"/> resolves #load files).</param>
    /// <param name="appPath">Where the app will be written (the #:project path is relative to it).</param>
    /// <param name="libraryProject">The library project to reference.</param>
    /// <param name="allowLoadOutside">Inline <c>#load</c> files outside the notebook's folder tree too (otherwise a
    /// <see cref="NotebookFormatException"/> names the directive and the file).</param>
    public static FileAppExportResult Export(Notebook notebook, string appPath, string libraryProject, bool allowLoadOutside = false)
    {
        var warnings = new List<string>();
        var appDir = Path.GetDirectoryName(Path.GetFullPath(appPath))!;
        var notebookDir = notebook.Path is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(notebook.Path)!;
        var projectRef = Path.GetRelativePath(appDir, Path.GetFullPath(libraryProject)).Replace('\\', '/');
        var libraryName = Path.GetFileNameWithoutExtension(libraryProject);

        var usings = new List<string>(ScriptSetup.DefaultImports.Select(n => $"using {n};"));
        var body = new StringBuilder();
        var types = new StringBuilder();
        var name = notebook.Path is null ? "notebook" : Path.GetFileName(notebook.Path);
        var loads = new LoadPolicy(notebookDir, allowLoadOutside, name);

        foreach (var cell in notebook.Cells)
        {
            if (cell.IsMarkdown)
            {
                body.Append($"// ---- cell {cell.Number} (markdown) ----\n");
                AppendComment(body, cell.Source);
                body.Append('\n');
                continue;
            }
            if (!cell.IsCode) continue;
            var (code, problems) = CellCode.Prepare(cell, notebook.DefaultKernelName);
            body.Append($"// ---- cell {cell.Number} ----\n");
            if (problems.Count > 0)
            {
                foreach (var p in problems) warnings.Add($"{p} (left out of the app as a comment)");
                AppendComment(body, $"Not C# the app can run ({problems[0].Message}):");
                AppendComment(body, cell.Source);
                body.Append('\n');
                continue;
            }
            AppendCell(code, cell.Number, isLastCellExpression: true, body, types, usings, warnings, notebookDir, libraryName, new HashSet<string>(), loads);
            body.Append('\n');
        }

        var sb = new StringBuilder();
        sb.Append($"#:project {projectRef}\n");
        // Scripts compile like this; and a repository's Directory.Build.props (warnings as
        // errors, nullable) must not turn notebook code that ran fine into a failed build.
        sb.Append("#:property Nullable=disable\n");
        sb.Append("#:property TreatWarningsAsErrors=false\n");
        sb.Append("#:property ImplicitUsings=disable\n");
        sb.Append("#:property AllowUnsafeBlocks=true\n");
        sb.Append("#:property PublishAot=false\n");
        sb.Append("#:property NoWarn=$(NoWarn);CS1998;CS8321;CS0168;CS0219;CS0162;IL2026;IL2075;IL2072;IL3050\n");
        sb.Append('\n');
        AppendComment(sb, $"Exported from {name} by `aevb notebook export --app`. Run: dotnet run {Path.GetFileName(appPath)}");
        sb.Append("// Set AEVB_QUICK=1 for the notebook's quick settings. display(...) prints text and saves\n");
        sb.Append("// rich outputs (charts, image grids) as files; see NotebookDisplay at the end.\n");
        foreach (var u in usings.Distinct(StringComparer.Ordinal)) sb.Append(u).Append('\n');
        sb.Append("using static NotebookDisplay;\n\n");
        // The cells ran in the notebook's folder: so does the app, wherever it is started from (relative paths such as
        // ../data or #load keep their meaning). The folder is found from this source file's own path (CallerFilePath).
        var relativeNotebookDir = Path.GetRelativePath(appDir, Path.GetFullPath(notebookDir)).Replace('\\', '/');
        var displayName = Path.GetFileNameWithoutExtension(appPath);
        sb.Append("// Run in the notebook's folder, as the notebook did; rich displays go to a folder under the system temp folder.\n");
        sb.Append($"NotebookDisplay.OutputDirectory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), \"aevb-display\", \"{Escape(displayName)}\");\n");
        sb.Append($"NotebookApp.EnterNotebookFolder(\"{Escape(relativeNotebookDir)}\");\n\n");
        sb.Append(body);
        if (types.Length > 0)
        {
            sb.Append("// ---- types declared in the notebook (C# wants them after the top-level code) ----\n\n");
            sb.Append(types);
        }
        sb.Append(AppClass);
        sb.Append(DisplayClass);
        return new FileAppExportResult(sb.ToString(), warnings);
    }

    private static void AppendCell(string code, int cellNumber, bool isLastCellExpression, StringBuilder body, StringBuilder types,
        List<string> usings, List<string> warnings, string baseDir, string libraryName, HashSet<string> loading, LoadPolicy loads)
    {
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest, kind: SourceCodeKind.Script));
        var root = (CompilationUnitSyntax)tree.GetRoot();

        // Directives (#r, #load) live in trivia before the first token.
        foreach (var directive in root.GetFirstToken(includeZeroWidth: true).LeadingTrivia.Where(t => t.IsDirective).Select(t => t.GetStructure()))
        {
            switch (directive)
            {
                case ReferenceDirectiveTriviaSyntax r:
                {
                    var file = r.File.ValueText;
                    if (Path.GetFileNameWithoutExtension(file).Equals(libraryName, StringComparison.OrdinalIgnoreCase))
                    {
                        AppendComment(body, $"#r \"{file}\" -> #:project at the top of this file");
                    }
                    else
                    {
                        AppendComment(body, $"#r \"{file}\" (not supported in a file-based app: add a #:project or #:package directive)");
                        warnings.Add($"cell {cellNumber}: #r \"{file}\" has no file-based-app equivalent; add a #:project or #:package directive by hand.");
                    }
                    break;
                }
                case LoadDirectiveTriviaSyntax l:
                {
                    var file = Path.GetFullPath(Path.Combine(baseDir, l.File.ValueText));
                    if (!File.Exists(file))
                    {
                        warnings.Add($"cell {cellNumber}: #load \"{l.File.ValueText}\": {file} not found.");
                        AppendComment(body, $"#load \"{l.File.ValueText}\" (file not found when exporting)");
                    }
                    else if (loading.Add(file))
                    {
                        loads.Check(file, cellNumber, l.File.ValueText);
                        AppendComment(body, $"#load \"{l.File.ValueText}\" (inlined)");
                        AppendCell(File.ReadAllText(file), cellNumber, false, body, types, usings, warnings, Path.GetDirectoryName(file)!, libraryName, loading, loads);
                    }
                    break;
                }
            }
        }

        foreach (var u in root.Usings) usings.Add(u.WithoutTrivia().ToFullString());
        foreach (var e in root.Externs) warnings.Add($"cell {cellNumber}: extern alias is not carried over: {e.WithoutTrivia()}");

        var members = root.Members;
        for (var i = 0; i < members.Count; i++)
        {
            var member = StripDirectives(members[i]);
            switch (member)
            {
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax or BaseNamespaceDeclarationSyntax:
                    types.Append(member.ToFullString().Trim('\n', '\r')).Append("\n\n");
                    break;
                case GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } expr } when i == members.Count - 1 && isLastCellExpression:
                    // The cell's value, shown by Polyglot: show it here too.
                    body.Append(member.GetLeadingTrivia().ToFullString())
                        .Append("display(").Append(expr.Expression.WithoutTrivia().ToFullString()).Append(");\n");
                    break;
                case MethodDeclarationSyntax or FieldDeclarationSyntax:
                    body.Append(WithoutMemberModifiers((MemberDeclarationSyntax)member).ToFullString().TrimEnd()).Append('\n');
                    break;
                case GlobalStatementSyntax:
                    body.Append(member.ToFullString().TrimEnd()).Append('\n');
                    break;
                default:
                    warnings.Add($"cell {cellNumber}: a top-level {member.Kind()} has no equivalent in a program; it was copied as is and may not compile.");
                    body.Append(member.ToFullString().TrimEnd()).Append('\n');
                    break;
            }
        }
        // Comments after the last member (end of cell).
        var trailing = root.EndOfFileToken.LeadingTrivia.Where(t => !t.IsDirective).Aggregate("", (s, t) => s + t.ToFullString()).Trim();
        if (trailing.Length > 0) body.Append(trailing).Append('\n');
    }

    /// <summary>C#'s line terminators (C# spec §6.3.2): any of them ends a <c>//</c> comment.</summary>
    private static readonly char[] LineTerminators = ['\n', '\r', '\u0085', '\u2028', '\u2029'];

    /// <summary>
    /// Appends <paramref name="text"/> as <c>//</c> comment lines. Every line terminator C# knows starts a new comment line,
    /// so nothing in the text (a markdown cell, a file name) can end the comment and be compiled as code.
    /// </summary>
    internal static void AppendComment(StringBuilder sb, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd(LineTerminators).Split(LineTerminators);
        foreach (var line in lines) sb.Append(line.Length == 0 ? "//\n" : $"// {line}\n");
    }

    /// <summary>
    /// Where <c>#load</c> may read from: the notebook's folder and the folders below it, judged on the real paths (symbolic
    /// links resolved), unless the caller allows every file.
    /// </summary>
    private sealed class LoadPolicy(string notebookDir, bool allowOutside, string notebookName)
    {
        private readonly string _root = RealPath(notebookDir);

        public void Check(string file, int cellNumber, string written)
        {
            if (allowOutside) return;
            var real = RealPath(file);
            var root = _root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar;
            if (!real.StartsWith(root, StringComparison.Ordinal))
                throw new NotebookFormatException(
                    $"{notebookName}: cell {cellNumber}: #load \"{written}\" reads {real}, outside the notebook's folder {_root}; the export inlines only " +
                    "files inside it (move the file there, or pass --allow-load-outside if you mean to copy it into the app).");
        }

        /// <summary>The path with every symbolic link along it resolved (at most 40 links, as Linux allows).</summary>
        private static string RealPath(string path, int depth = 0)
        {
            var full = Path.GetFullPath(path);
            var current = Path.GetPathRoot(full)!;
            foreach (var part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
            {
                current = Path.Combine(current, part);
                var info = new FileInfo(current);
                if (info.LinkTarget is not null && depth < 40 && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                    current = RealPath(target.FullName, depth + 1);
            }
            return current;
        }
    }

    private static MemberDeclarationSyntax StripDirectives(MemberDeclarationSyntax member)
    {
        var trivia = member.GetLeadingTrivia();
        if (!trivia.Any(t => t.IsDirective)) return member;
        var kept = new List<SyntaxTrivia>();
        foreach (var t in trivia)
            if (!t.IsDirective) kept.Add(t);
        // Leading blank lines left behind by the removed directives.
        while (kept.Count > 0 && kept[0].IsKind(SyntaxKind.EndOfLineTrivia)) kept.RemoveAt(0);
        return member.WithLeadingTrivia(kept);
    }

    // Script fields and methods become locals and local functions, which take no access
    // modifiers (and locals take no static/readonly).
    private static MemberDeclarationSyntax WithoutMemberModifiers(MemberDeclarationSyntax member)
    {
        var drop = member is FieldDeclarationSyntax
            ? new[] { SyntaxKind.PublicKeyword, SyntaxKind.PrivateKeyword, SyntaxKind.ProtectedKeyword, SyntaxKind.InternalKeyword, SyntaxKind.StaticKeyword, SyntaxKind.ReadOnlyKeyword }
            : new[] { SyntaxKind.PublicKeyword, SyntaxKind.PrivateKeyword, SyntaxKind.ProtectedKeyword, SyntaxKind.InternalKeyword };
        var modifiers = member.Modifiers;
        var leading = member.GetLeadingTrivia();
        var kept = SyntaxFactory.TokenList(modifiers.Where(m => !drop.Contains(m.Kind())));
        if (kept.Count == modifiers.Count) return member;
        return member.WithModifiers(kept).WithLeadingTrivia(leading);
    }

    /// <summary>The text as the inside of a C# string literal: quotes, backslashes and control or line-terminator characters escaped.</summary>
    private static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (c is '\\' or '"') sb.Append('\\').Append(c);
            else if (char.IsControl(c) || c is '\u2028' or '\u2029') sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private const string AppClass = """

// ---- where the app runs ----
static class NotebookApp
{
    /// <summary>The folder of this .cs file (its path as compiled), whatever the current folder.</summary>
    public static string SourceDirectory => System.IO.Path.GetDirectoryName(SourcePath())!;

    private static string SourcePath([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    /// <summary>Makes the notebook's folder (relative to this file) the current one, as it was when the notebook ran.</summary>
    public static void EnterNotebookFolder(string relative)
    {
        var folder = System.IO.Path.GetFullPath(System.IO.Path.Combine(SourceDirectory, relative));
        if (System.IO.Directory.Exists(folder)) System.IO.Directory.SetCurrentDirectory(folder);
        else Console.Error.WriteLine($"note: the notebook's folder {folder} is gone; running in {System.IO.Directory.GetCurrentDirectory()}");
    }
}

""";

    private const string DisplayClass = """

// ---- display(...) for a console app ----
// Polyglot Notebooks showed values below the cell; here text goes to the console and rich
// renderings (text/html, image/png from the library's formatters) are saved as files.
static class NotebookDisplay
{
    private static int _count;

    /// <summary>Where rich displays are saved (set at the top of the app; never the repository).</summary>
    public static string OutputDirectory { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aevb-display");

    public static DisplayHandle display(object value, params string[] mimeTypes)
    {
        var handle = new DisplayHandle(++_count, mimeTypes);
        handle.Update(value);
        return handle;
    }

    public static DisplayHandle Display(this object value, params string[] mimeTypes) => display(value, mimeTypes);

    public sealed class DisplayHandle(int number, string[] mimeTypes)
    {
        public void Update(object value) => Show(number, value, mimeTypes);
    }

    private static void Show(int number, object value, string[] mimeTypes)
    {
        var rendered = new System.Collections.Generic.Dictionary<string, string>();
        // The .NET Interactive formatter convention: [TypeFormatterSource(typeof(S))] on the type,
        // S.CreateTypeFormatters() yields objects with MimeType and Format(object, TextWriter).
        for (var t = value?.GetType(); t is not null && rendered.Count == 0; t = t.BaseType)
        {
            var attribute = System.Linq.Enumerable.FirstOrDefault(t.GetCustomAttributes(false), a => a.GetType().Name == "TypeFormatterSourceAttribute");
            if (attribute?.GetType().GetProperty("FormatterSourceType")?.GetValue(attribute) is not Type sourceType) continue;
            var source = Activator.CreateInstance(sourceType, true);
            if (sourceType.GetMethod("CreateTypeFormatters")?.Invoke(source, null) is not System.Collections.IEnumerable formatters) continue;
            foreach (var f in formatters)
            {
                var mime = f?.GetType().GetProperty("MimeType")?.GetValue(f) as string;
                var format = f?.GetType().GetMethod("Format", new[] { typeof(object), typeof(System.IO.TextWriter) });
                if (mime is null || format is null || rendered.ContainsKey(mime)) continue;
                if (mimeTypes.Length > 0 && Array.IndexOf(mimeTypes, mime) < 0) continue;
                var writer = new System.IO.StringWriter();
                try { if ((bool)format.Invoke(f, new object[] { value, writer })) rendered[mime] = writer.ToString(); }
                catch (Exception e) { Console.Error.WriteLine($"display {number}: the {mime} formatter failed: {e.InnerException?.Message ?? e.Message}"); }
            }
        }
        Console.WriteLine(rendered.TryGetValue("text/plain", out var text) ? text : Plain(value));
        foreach (var (mime, content) in rendered)
        {
            var extension = mime switch { "text/html" => ".html", "image/png" => ".png", "image/svg+xml" => ".svg", _ => null };
            if (extension is null) continue;
            System.IO.Directory.CreateDirectory(OutputDirectory);
            var file = System.IO.Path.Combine(OutputDirectory, $"display-{number}{extension}");
            if (mime == "image/png") System.IO.File.WriteAllBytes(file, Convert.FromBase64String(content.Trim()));
            else System.IO.File.WriteAllText(file, mime == "text/html" ? $"<!DOCTYPE html><meta charset=\"utf-8\">{content}" : content);
            Console.WriteLine($"  [display {number}: {mime} saved to {file}]");
        }
    }

    private static string Plain(object value) => value switch
    {
        null => "<null>",
        string s => s,
        System.Collections.IEnumerable e => "[ " + string.Join(", ", System.Linq.Enumerable.Take(System.Linq.Enumerable.Cast<object>(e), 20)) + " ]",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

""";
}
