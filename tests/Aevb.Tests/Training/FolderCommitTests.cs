using Aevb.IO;
using Aevb.Tests.Data;

namespace Aevb.Tests.Training;

/// <summary>
/// <see cref="FolderCommit"/> in each state a crash can leave it: before the commit rename the old files stand, after
/// it the new ones, and <see cref="FolderCommit.Recover"/> finishes a move cut short.
/// </summary>
public class FolderCommitTests
{
    private static void WriteSet(string dir, string version)
        => FolderCommit.Write(dir, staging =>
        {
            File.WriteAllText(Path.Combine(staging, "a.txt"), version);
            File.WriteAllText(Path.Combine(staging, "b.txt"), version);
        });

    private static string[] Read(string dir) => [File.ReadAllText(Path.Combine(dir, "a.txt")), File.ReadAllText(Path.Combine(dir, "b.txt"))];

    [Fact]
    public void ReplacesAllFilesAndLeavesNoBookkeeping()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, "1");
        WriteSet(dir.Path, "2");
        Assert.Equal(["2", "2"], Read(dir.Path));
        Assert.Equal(["a.txt", "b.txt"], dir.Entries().Order());
    }

    [Fact]
    public void AFailedWriteKeepsThePreviousSet()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, "1");
        Assert.Throws<IOException>(() => FolderCommit.Write(dir.Path, staging =>
        {
            File.WriteAllText(Path.Combine(staging, "a.txt"), "2");
            throw new IOException("No space left on device");
        }));
        Assert.Equal(["1", "1"], Read(dir.Path));
        Assert.Equal(["a.txt", "b.txt"], dir.Entries().Order());
    }

    [Fact]
    public void RecoverDropsAnUncommittedSetAndStaleTempFiles()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, "1");
        var pending = Path.Combine(dir.Path, FolderCommit.PendingName);
        Directory.CreateDirectory(pending);
        File.WriteAllText(Path.Combine(pending, "a.txt"), "2"); // killed before b.txt was written
        File.WriteAllText(dir.File(".a.txt.12345.0123456789abcdef.tmp"), "half");
        FolderCommit.Recover(dir.Path);
        Assert.Equal(["1", "1"], Read(dir.Path));
        Assert.Equal(["a.txt", "b.txt"], dir.Entries().Order());
    }

    [Fact]
    public void RecoverFinishesACommittedSetMovedInHalfway()
    {
        using var dir = new TempDir();
        WriteSet(dir.Path, "1");
        var committed = Path.Combine(dir.Path, FolderCommit.CommittedName);
        Directory.CreateDirectory(committed);
        File.WriteAllText(Path.Combine(committed, "b.txt"), "2");
        File.WriteAllText(dir.File("a.txt"), "2"); // a.txt had been moved in when the process died
        FolderCommit.Recover(dir.Path);
        Assert.Equal(["2", "2"], Read(dir.Path));
        Assert.Equal(["a.txt", "b.txt"], dir.Entries().Order());

        // The next write goes on top of it.
        Directory.CreateDirectory(committed);
        File.WriteAllText(Path.Combine(committed, "a.txt"), "3");
        WriteSet(dir.Path, "4");
        Assert.Equal(["4", "4"], Read(dir.Path));
    }
}
