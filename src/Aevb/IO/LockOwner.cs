using System.Runtime.InteropServices;

namespace Aevb.IO;

/// <summary>
/// Reads the process id that <see cref="DirectoryLock"/> writes into its lock file, for the "in use by process N"
/// message. .NET opens a file for reading with a shared flock, which the owner's exclusive one refuses, so on Unix the
/// file is read with open(2)/read(2) directly (no lock taken).
/// </summary>
internal static partial class LockOwner
{
    /// <summary>The owner's process id as written in <paramref name="path"/>, or "" when it cannot be read.</summary>
    public static string Read(string path)
    {
        try
        {
            var text = OperatingSystem.IsWindows() ? File.ReadAllText(path) : ReadUnlocked(path);
            var pid = text.Trim();
            return pid.Length is > 0 and <= 10 && pid.All(char.IsAsciiDigit) ? pid : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return "";
        }
    }

    private static unsafe string ReadUnlocked(string path)
    {
        var fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0) return "";
        try
        {
            var buffer = stackalloc byte[32];
            var n = ReadBytes(fd, buffer, 32);
            return n > 0 ? System.Text.Encoding.ASCII.GetString(buffer, (int)n) : "";
        }
        finally
        {
            Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read")]
    private static unsafe partial nint ReadBytes(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
