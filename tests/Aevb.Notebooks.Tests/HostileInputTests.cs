using System.Diagnostics;

namespace Aevb.Notebooks.Tests;

/// <summary>
/// Issue 20's stack traces in <c>aevb notebook</c>: bad options, folders, devices, unreadable or read-only files and
/// malformed notebooks are one line naming the input and the problem, with a nonzero exit code.
/// </summary>
[Collection("runner")]
public class HostileInputTests
{
    private static (int Code, string Error) Cli(params string[] args) => NotebookCli.Run(args);

    private static void AssertOneLine(string error, params string[] expected)
    {
        Assert.DoesNotContain("   at ", error); // no stack trace
        Assert.Single(error.Trim().Split('\n'));
        foreach (var e in expected) Assert.Contains(e, error);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    [InlineData("5000000")]
    [InlineData("-1")]
    public void ATimeoutOutOfRangeIsAUsageError(string seconds)
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("t.ipynb", "1");
        var before = File.ReadAllText(path);
        var (code, error) = Cli("run", path, "--timeout-per-cell", seconds);
        Assert.Equal(2, code);
        AssertOneLine(error, "--timeout-per-cell", "--no-timeout");
        Assert.Equal(before, File.ReadAllText(path));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("check")]
    [InlineData("export")]
    public void AFolderADeviceAndAnUnreadableFileAreNamed(string verb)
    {
        using var dir = new TempNotebookDir();
        string[] More(string input) => verb == "export" ? ["--html", dir.PathOf("out.html")] : [];
        foreach (var (input, problem) in new[] { (dir.Dir, "folder"), ("/dev/zero", "not a regular file"), ("/proc/self/mem", "not a regular file") })
        {
            var (code, error) = Cli([verb, input, .. More(input)]);
            Assert.True(code == 2, $"{verb} {input}: exit {code}, {error}");
            AssertOneLine(error, input, problem);
        }
        Assert.False(File.Exists(dir.PathOf("out.html")));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("check")]
    [InlineData("export")]
    public void ANotebookWithTheCellsKeyTwiceIsNamed(string verb)
    {
        using var dir = new TempNotebookDir();
        var path = dir.PathOf("twice.ipynb");
        File.WriteAllText(path, "{\"cells\": [], \"cells\": [], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 2}");
        string[] more = verb == "export" ? ["--html", dir.PathOf("out.html")] : [];
        var (code, error) = Cli([verb, path, .. more]);
        Assert.Equal(2, code);
        AssertOneLine(error, path, "cells");
    }

    /// <summary>
    /// Makes <paramref name="path"/> unwritable until disposed: <c>chattr +i</c> as root (whom file modes do not stop),
    /// <c>chmod a-w</c> otherwise.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static IDisposable ReadOnly(string path)
    {
        var root = Environment.UserName == "root";
        var mode = File.GetUnixFileMode(path);
        if (root) Chattr("+i", path);
        else File.SetUnixFileMode(path, mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        return new Undo(() =>
        {
            if (root) Chattr("-i", path);
            else File.SetUnixFileMode(path, mode);
        });
    }

    private static void Chattr(string flag, string path)
    {
        using var process = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chattr {flag} {path}: {process.StandardError.ReadToEnd()}");
    }

    private sealed class Undo(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void CheckFixOnAReadOnlyFileSaysSo()
    {
        using var dir = new TempNotebookDir();
        var bare = dir.PathOf("bare.ipynb");
        File.WriteAllText(bare, "{\"cells\": [{\"cell_type\": \"code\", \"execution_count\": null, \"metadata\": {}, \"outputs\": [], \"source\": \"1\"}], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 2}");
        var before = File.ReadAllText(bare);
        int code;
        string error;
        using (ReadOnly(bare)) (code, error) = Cli("check", "--fix", bare);
        Assert.Equal(1, code);
        AssertOneLine(error, bare, "cannot");
        Assert.Equal(before, File.ReadAllText(bare));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void NewIntoAReadOnlyFolderOrOverAFolderSaysSo()
    {
        using var dir = new TempNotebookDir();
        var locked = dir.PathOf("locked");
        Directory.CreateDirectory(locked);
        var path = Path.Combine(locked, "n.ipynb");
        int code;
        string error;
        using (ReadOnly(locked)) (code, error) = Cli("new", path);
        Assert.Equal(1, code);
        AssertOneLine(error, path, "cannot");
        Assert.False(File.Exists(path));

        var folder = dir.PathOf("folder.ipynb");
        Directory.CreateDirectory(folder);
        (code, error) = Cli("new", folder);
        Assert.Equal(2, code);
        AssertOneLine(error, folder, "is a folder");
        (code, error) = Cli("new", folder, "--force");
        Assert.Equal(2, code);
        AssertOneLine(error, folder, "is a folder");
    }
}
