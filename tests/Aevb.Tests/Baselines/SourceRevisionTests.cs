using System.Diagnostics;
using System.Reflection;
using Aevb.Tests.Data;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

/// <summary>
/// The revision a run records is the one its binary was built from (<c>src/Aevb/SourceRevision.targets</c>): the
/// build's target runs here in a throwaway repository laid out like ours, through each case it must tell apart.
/// </summary>
public class SourceRevisionTests
{
    [Fact]
    public void RunsRecordTheRevisionEmbeddedInTheLibrary()
    {
        var embedded = typeof(RunProvenance).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == RunProvenance.SourceRevisionKey).Value;
        Assert.Equal(embedded, RunProvenance.GitRevision());
        Assert.Matches("^([0-9a-f]{40}(\\+dirty)?|unknown)$", embedded);
        Assert.Equal("unknown", RunProvenance.BuiltFrom(typeof(SourceRevisionTests).Assembly));
    }

    [SkippableFact]
    public void TheBuildEmbedsHeadAndDirtyOnlyForSourcesAndUnknownWithoutItsRepository()
    {
        using var dir = new TempDir();
        var root = Path.Combine(dir.Path, "outer", "repo");
        var project = Path.Combine(root, "src", "Aevb", "probe.proj");
        Directory.CreateDirectory(Path.GetDirectoryName(project)!);
        File.Copy(Path.Combine(RepoRoot.Find(), "src", "Aevb", "SourceRevision.targets"),
            Path.Combine(root, "src", "Aevb", "SourceRevision.targets"));
        File.WriteAllText(project, "<Project><Import Project=\"SourceRevision.targets\" /></Project>");
        foreach (var file in new[] { "src/Aevb/Code.cs", "results/fig2/log.csv", "notebooks/01.ipynb" })
            Write(root, file, "1");
        Skip.IfNot(Git(root, "init", "-q"), "git is not available here");
        Assert.True(Git(root, "add", "-A"));
        Assert.True(Git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"));
        var head = Output("git", root, "rev-parse", "HEAD").Trim();

        Assert.Equal(head, Revision(project));
        Write(root, "results/fig2/log.csv", "2"); // a run writing its results
        Write(root, "notebooks/01.ipynb", "2");
        Assert.Equal(head, Revision(project));
        Write(root, "src/Aevb/Code.cs", "2");
        Assert.Equal(head + "+dirty", Revision(project));
        Assert.Equal("given", Revision(project, "-p:AevbSourceRevision=given"));

        // The same files inside another repository (a tarball unpacked in one) are not that repository's code.
        Directory.Move(Path.Combine(root, ".git"), Path.Combine(dir.Path, "outer", ".git"));
        Assert.Equal("unknown", Revision(project));
        Directory.Delete(Path.Combine(dir.Path, "outer", ".git"), recursive: true);
        Assert.Equal("unknown", Revision(project)); // no repository at all
    }

    private static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string Revision(string project, params string[] more)
        => Output(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Path.GetDirectoryName(project)!,
            ["msbuild", project, "-nologo", "-nodeReuse:false", "-t:AevbSourceRevision",
                "-getProperty:AevbSourceRevision", .. more]).Trim();

    private static bool Git(string directory, params string[] args)
    {
        try
        {
            Output("git", directory, args);
            return true;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The standard output of a command; <see cref="InvalidOperationException"/> if it fails.</summary>
    private static string Output(string program, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // The test host's MSBuild settings would steer the child build; git must not look above the temporary folder.
        var msbuild = start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase));
        foreach (var key in msbuild.ToList())
            start.Environment.Remove(key);
        start.Environment["GIT_CEILING_DIRECTORIES"] = Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Result
            : throw new InvalidOperationException(
                $"{program} {string.Join(' ', args)}: exit {process.ExitCode}: {error}");
    }
}
