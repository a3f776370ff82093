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

    /// <summary>Writes the file at <paramref name="path"/> as of <paramref name="revision"/> to
    /// <paramref name="destination"/>; false where git or that revision is not available (a shallow clone, an archive).</summary>
    public static bool CopyFromHistory(string revision, string path, string destination)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git", ["-C", Find(), "show", $"{revision}:{path}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var git = System.Diagnostics.Process.Start(start)!;
            using (var file = File.Create(destination)) git.StandardOutput.BaseStream.CopyTo(file);
            git.StandardError.ReadToEnd();
            git.WaitForExit();
            return git.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no git on this machine
        }
    }
}
