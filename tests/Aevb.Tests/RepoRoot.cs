namespace Aevb.Tests;

/// <summary>The repository root: the nearest folder above the test binaries that holds Aevb.Notebooks.sln.</summary>
internal static class RepoRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Aevb.Notebooks.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No Aevb.Notebooks.sln above {AppContext.BaseDirectory}.");
    }
}
