namespace Aevb.IO;

/// <summary>
/// Replaces several files of a folder as one unit (a checkpoint: model, optimiser state, log, run record), so that a
/// crash, a kill or a full disk at any instant leaves either the previous complete set or the new complete set, never
/// a mix. Renaming one file is atomic, renaming several is not; so the new files are first written into
/// <c>DIR/.pending/</c>, which one rename turns into <c>DIR/.commit/</c> (the commit point), after which they are moved
/// over the old ones. <see cref="Recover"/>, called by whoever next takes the folder's lock, finishes that move if a
/// crash interrupted it and drops a <c>.pending</c> that never got committed. The files keep their names in the folder
/// (no generation subfolders), so older checkpoints and every reader of them work unchanged.
/// </summary>
public static class FolderCommit
{
    /// <summary>The new files while they are written (not yet part of the folder's state).</summary>
    public const string PendingName = ".pending";

    /// <summary>The new files once complete: they are the folder's state from the rename onwards.</summary>
    public const string CommittedName = ".commit";

    /// <summary>
    /// Writes a new set of files into <paramref name="directory"/> as one unit: <paramref name="write"/> gets a staging
    /// folder and writes the files there under their final names; they replace the folder's files only once all are
    /// written. An exception in <paramref name="write"/> (e.g. a full disk) leaves the folder as it was and is rethrown.
    /// The caller holds the folder's lock.
    /// </summary>
    public static void Write(string directory, Action<string> write)
    {
        Recover(directory); // a committed set left by a crash goes in first, so this one lands on top of it
        var pending = Path.Combine(directory, PendingName);
        var committed = Path.Combine(directory, CommittedName);
        Directory.CreateDirectory(pending);
        try
        {
            write(pending);
        }
        catch
        {
            TryDeleteTree(pending);
            throw;
        }
        Directory.Move(pending, committed); // the commit point
        MoveIn(committed, directory);
    }

    /// <summary>
    /// Brings <paramref name="directory"/> to its last complete state after a crash: moves in the files of a committed
    /// set, deletes a set that was never committed, and removes temporary files (<c>.*.tmp</c>) that killed writers left.
    /// Call it with the folder's lock held (no writer is running then), before reading the folder.
    /// </summary>
    public static void Recover(string directory)
    {
        if (!Directory.Exists(directory)) return;
        var committed = Path.Combine(directory, CommittedName);
        if (Directory.Exists(committed)) MoveIn(committed, directory);
        var pending = Path.Combine(directory, PendingName);
        if (Directory.Exists(pending)) TryDeleteTree(pending);
        foreach (var temp in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Whether <paramref name="name"/> (a file name in a run folder) is part of this class's bookkeeping.</summary>
    public static bool IsBookkeeping(string name) => name is PendingName or CommittedName;

    // Each move is atomic and moving a file that is already in place is skipped, so running this again after a crash
    // part-way through finishes the job.
    private static void MoveIn(string committed, string directory)
    {
        foreach (var file in Directory.GetFiles(committed).Order(StringComparer.Ordinal))
            File.Move(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        Directory.Delete(committed, recursive: true);
    }

    private static void TryDeleteTree(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
