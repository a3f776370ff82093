namespace Aevb.IO;

/// <summary>A folder is in use by another run.</summary>
public sealed class DirectoryLockedException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// An OS-level lock on a run folder: <c>DIR/.lock</c> opened with <see cref="FileShare.None"/> (an exclusive
/// <c>flock</c> on Unix, a sharing lock on Windows), held until disposed. The OS drops it when the process ends, however
/// it ends, so a crashed run never leaves a stale lock. The file holds the owner's process id, for the message.
/// </summary>
public sealed class DirectoryLock : IDisposable
{
    public const string FileName = ".lock";

    private readonly FileStream _stream;

    private DirectoryLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock of <paramref name="directory"/> (created if missing), or throws <see cref="DirectoryLockedException"/>
    /// naming the folder and the process holding it. <paramref name="what"/> names the run for the message (e.g. "aevb train").
    /// </summary>
    public static DirectoryLock Acquire(string directory, string what = "another run")
    {
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), FileName);
        return AcquireFile(path, System.IO.Path.GetFullPath(directory), what, "Wait for that run to end, or use another output folder.");
    }

    /// <summary>
    /// Takes the lock file <paramref name="path"/> that stands for <paramref name="subject"/> (e.g. a notebook), or throws
    /// <see cref="DirectoryLockedException"/> saying "<paramref name="subject"/> is in use by <paramref name="what"/> (process N)"
    /// and <paramref name="advice"/>.
    /// </summary>
    public static DirectoryLock AcquireFile(string path, string subject, string what, string advice)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            var owner = LockOwner.Read(path);
            var by = owner.Length > 0 ? $" (process {owner})" : "";
            throw new DirectoryLockedException($"{subject} is in use by {what}{by}: {path} is locked. {advice}", e);
        }
        try
        {
            stream.SetLength(0);
            var text = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            stream.Write(text);
            stream.Flush();
        }
        catch (IOException)
        {
            // The pid is only for the message; the lock is what matters.
        }
        return new DirectoryLock(stream, path);
    }

    public void Dispose() => _stream.Dispose();
}
