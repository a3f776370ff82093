namespace Aevb.IO;

/// <summary>
/// Reads a whole input file only when it is an ordinary file with content. A FIFO would block the reader forever
/// (open(2) waits for a writer), and a device such as /dev/zero never ends: a reader grows without bound before any
/// message. Both report a size of 0 (as does an empty file, which is no valid input either), so the size is checked
/// before the file is opened, and no more than that size is read.
/// </summary>
public static class RegularFile
{
    /// <summary>
    /// The bytes of <paramref name="path"/> (symlinks followed); <see cref="InvalidDataException"/> naming the file when it is a
    /// folder, empty, or not a regular file, <see cref="FileNotFoundException"/> when missing.
    /// </summary>
    public static byte[] ReadAllBytes(string path)
    {
        if (Directory.Exists(path)) throw new InvalidDataException($"{path}: a folder, not a file.");
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: file not found.", path);
        var length = Length(info);
        if (length == 0)
            throw new InvalidDataException($"{path}: empty, or not a regular file (a FIFO, socket or device such as /dev/zero); give the path of an ordinary file.");
        if (length > Array.MaxLength) throw new InvalidDataException($"{path}: {length:N0} bytes, too large to read.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var bytes = new byte[length];
        var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read != bytes.Length) throw new IOException($"{path}: shrank from {length:N0} to {read:N0} bytes while being read.");
        return bytes;
    }

    /// <summary>
    /// The size of the file <paramref name="info"/> names, symlinks followed (FileInfo.Length of a symlink is the
    /// link's own size: a link to /dev/zero would pass for a file of 9 bytes); 0 for a FIFO, device or dangling link.
    /// </summary>
    public static long Length(FileInfo info)
    {
        if (info.LinkTarget is null) return info.Exists ? info.Length : 0;
        return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target ? target.Length : 0;
    }
}
