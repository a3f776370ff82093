namespace Aevb.Data;

/// <summary>A folder searched for data files and why it is searched.</summary>
/// <param name="Directory">Absolute path.</param>
/// <param name="Origin">Why it is on the search path: <c>argument</c>, <c>AEVB_DATA_DIR</c> or <c>data/cache</c>.</param>
public sealed record DataLocation(string Directory, string Origin)
{
    public override string ToString() => $"{Directory} ({Origin})";
}

/// <summary>
/// Where data files are looked for. An explicit folder (an argument) is the only place searched
/// when given; otherwise <c>AEVB_DATA_DIR</c> first, then the repository's <c>data/cache/</c>
/// (what <c>aevb data fetch</c> fills), then the repository's <c>data/</c> (files shipped in git: Frey Face). The repository root is the nearest folder holding
/// <c>Aevb.Notebooks.sln</c> above the current directory (or above this assembly, so a notebook
/// or a tool started elsewhere still finds the cache).
/// </summary>
public static class DataDirectories
{
    public const string EnvironmentVariable = "AEVB_DATA_DIR";
    public const string SolutionFileName = "Aevb.Notebooks.sln";

    /// <summary>Origin of the repository's own <c>data/</c> folder on the search path (files shipped in git).</summary>
    public const string BundledOrigin = "data (in git)";

    /// <summary>The cache folder relative to the repository root.</summary>
    public static readonly string CacheRelativePath = Path.Combine("data", "cache");

    /// <summary>Nearest folder at or above <paramref name="start"/> (default: current directory, then this assembly's folder) holding the solution file.</summary>
    public static string? FindRepositoryRoot(string? start = null)
    {
        if (start is not null) return WalkUp(start);
        return WalkUp(Directory.GetCurrentDirectory())
               ?? (AppContext.BaseDirectory is { Length: > 0 } b ? WalkUp(b) : null)
               ?? (Path.GetDirectoryName(typeof(DataDirectories).Assembly.Location) is { Length: > 0 } a ? WalkUp(a) : null);
    }

    /// <summary>
    /// The repository's <c>data/</c> folder, which ships the small data sets in git (Frey Face, 1 MB gzipped) so a
    /// fresh clone needs no download for them; null outside a repository.
    /// </summary>
    public static string? BundledDirectory()
        => FindRepositoryRoot() is { } root ? Path.Combine(root, "data") : null;

    /// <summary>The repository's <c>data/cache</c> folder, or null outside a repository.</summary>
    public static string? DefaultCacheDirectory()
        => FindRepositoryRoot() is { } root ? Path.Combine(root, CacheRelativePath) : null;

    /// <summary>The folders searched, in order (see the class summary).</summary>
    public static IReadOnlyList<DataLocation> SearchPath(string? explicitDirectory = null)
        => SearchPath(explicitDirectory, Environment.GetEnvironmentVariable(EnvironmentVariable), DefaultCacheDirectory(), BundledDirectory());

    /// <summary>The search-path rule itself, with its inputs given (tests use this rather than changing the process environment).</summary>
    internal static IReadOnlyList<DataLocation> SearchPath(string? explicitDirectory, string? environmentValue, string? cacheDirectory,
        string? bundledDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
            return [new DataLocation(Path.GetFullPath(explicitDirectory), "argument")];
        var list = new List<DataLocation>(2);
        if (!string.IsNullOrWhiteSpace(environmentValue)) list.Add(new DataLocation(Path.GetFullPath(environmentValue), EnvironmentVariable));
        if (!string.IsNullOrWhiteSpace(cacheDirectory)) list.Add(new DataLocation(Path.GetFullPath(cacheDirectory), "data/cache"));
        if (!string.IsNullOrWhiteSpace(bundledDirectory)) list.Add(new DataLocation(Path.GetFullPath(bundledDirectory), BundledOrigin));
        return list;
    }

    /// <summary>Lines describing the search path, including what is absent from it and why.</summary>
    public static IReadOnlyList<string> Describe(IReadOnlyList<DataLocation> search)
    {
        var lines = search.Select(l => $"{l.Directory} ({l.Origin}{(Directory.Exists(l.Directory) ? "" : ", does not exist")})").ToList();
        if (search.All(l => l.Origin != "argument"))
        {
            if (search.All(l => l.Origin != EnvironmentVariable)) lines.Add($"({EnvironmentVariable} is not set)");
            if (search.All(l => l.Origin != "data/cache"))
                lines.Add($"(no repository cache: no folder holding {SolutionFileName} above {Directory.GetCurrentDirectory()})");
        }
        return lines;
    }

    private static string? WalkUp(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName))) return dir.FullName;
        return null;
    }
}
