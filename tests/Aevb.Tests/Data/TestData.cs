using Aevb.Data;

namespace Aevb.Tests.Data;

/// <summary>
/// Where the real data sets are for tests: <c>AEVB_DATA_DIR</c> (CI sets it), else
/// <c>../shared/data</c> beside the repository. Absent data fails the test with that message;
/// nothing is skipped silently.
/// </summary>
public static class TestData
{
    private static readonly Lazy<string?> s_directory = new(Find);

    /// <summary>The data folder, or a test failure explaining how to provide one.</summary>
    public static string Directory => s_directory.Value
        ?? throw new InvalidOperationException(
            $"Real data sets not found: set {DataDirectories.EnvironmentVariable} to a folder holding the MNIST and Frey Face files " +
            $"(or place them in ../shared/data beside the repository, or run `{DataManifest.DefaultFetchCommand}` and point {DataDirectories.EnvironmentVariable} at data/cache).");

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable(DataDirectories.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
        if (DataDirectories.FindRepositoryRoot() is { } root)
        {
            var shared = Path.GetFullPath(Path.Combine(root, "..", "shared", "data"));
            if (System.IO.Directory.Exists(shared)) return shared;
        }
        return null;
    }
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aevb-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Every entry in the folder, hidden temp files included.</summary>
    public string[] Entries() => System.IO.Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).ToArray()!;

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
