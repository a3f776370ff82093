namespace Aevb.Notebooks.Documents;

/// <summary>
/// The starting point for a new project notebook (ARCHITECTURE.md, "Notebooks"): Polyglot metadata, a title, a first
/// code cell that loads the library with <c>#r</c> (path relative to the notebook) and the
/// <c>Quick</c> switch that <c>aevb notebook run --quick</c> turns on.
/// </summary>
public static class NotebookTemplate
{
    /// <summary>Where the README's build command puts the library, relative to the repository root.</summary>
    public const string LibraryDllFromRoot = "src/Aevb/bin/Release/net9.0/Aevb.dll";

    public static Notebook Create(string path, string? title = null)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        title ??= TitleFromFileName(full);
        var dll = LibraryReference(dir);

        var notebook = Notebook.CreatePolyglot();
        notebook.AddMarkdownCell($"# {title}\n\nWhat this notebook shows, and which part of Kingma & Welling (2014) it follows.");
        notebook.AddCodeCell(
            "// The Aevb library, built by the README's command (dotnet build src/Aevb -c Release).\n" +
            $"#r \"{dll}\"\n" +
            "using Aevb;");
        notebook.AddMarkdownCell(
            "## Settings\n\n" +
            "`Quick` picks small settings that finish in seconds (CI runs `aevb notebook run --quick`, which sets `AEVB_QUICK=1`); " +
            "otherwise the paper's settings are used.");
        notebook.AddCodeCell(
            "var Quick = Environment.GetEnvironmentVariable(\"AEVB_QUICK\") == \"1\";\n" +
            "Console.WriteLine(Quick ? \"Quick settings (AEVB_QUICK=1).\" : \"Paper settings.\");");
        return notebook;
    }

    /// <summary>
    /// The <c>#r</c> path of the library for a notebook in <paramref name="dir"/>: relative when the notebook is inside
    /// the repository (the checkout can move), else the absolute path of the repository this tool was built from (a
    /// bare "Aevb.dll" would resolve against the notebook's folder, where there is none).
    /// </summary>
    public static string LibraryReference(string dir, string? toolDirectory = null)
    {
        if (FindRepositoryRoot(dir) is { } root)
            return Path.GetRelativePath(dir, Path.Combine(root, LibraryDllFromRoot)).Replace('\\', '/');
        if (FindRepositoryRoot(toolDirectory ?? AppContext.BaseDirectory) is { } toolRoot)
            return Path.Combine(toolRoot, LibraryDllFromRoot).Replace('\\', '/');
        return "Aevb.dll";
    }

    /// <summary>The nearest folder at or above <paramref name="dir"/> holding <c>src/Aevb/Aevb.csproj</c>.</summary>
    public static string? FindRepositoryRoot(string dir)
    {
        for (var d = new DirectoryInfo(dir); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "src", "Aevb", "Aevb.csproj"))) return d.FullName;
        return null;
    }

    private static string TitleFromFileName(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path).Replace('-', ' ').Replace('_', ' ').Trim();
        // "01 elbo" -> "Elbo"; keep leading numbers out of the title.
        name = name.TrimStart("0123456789 ".ToCharArray());
        return name.Length == 0 ? "Notebook" : char.ToUpperInvariant(name[0]) + name[1..];
    }
}
