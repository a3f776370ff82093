namespace Aevb.Notebooks.Running;

/// <summary>
/// Checks, before any work, that a file can be written where a result will go: the folder exists and takes a file of
/// about the expected size (a read-only or full disk fails here, not after every cell has run). Failures are an
/// <see cref="IOException"/> whose message is one line naming the file and the problem.
/// </summary>
public static class OutputTarget
{
    public static void Check(string path, long expectedBytes)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{full}: is a folder; give a file name to write to.");
        var dir = Path.GetDirectoryName(full) ?? ".";
        try
        {
            Directory.CreateDirectory(dir); // as the write itself would
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{full}: cannot write here: the folder {dir} cannot be created ({OneLine(e.Message)}).", e);
        }
        if (File.Exists(full) && new FileInfo(full).IsReadOnly) throw new IOException($"{full}: cannot write it: the file is read-only.");
        var probe = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.probe");
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.DeleteOnClose);
            var block = new byte[64 * 1024];
            for (var left = Math.Max(expectedBytes, 1); left > 0; left -= block.Length)
                stream.Write(block, 0, (int)Math.Min(block.Length, left));
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{full}: cannot write it: {OneLine(e.Message)}", e);
        }
        finally
        {
            try { File.Delete(probe); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The message on one line, without the path repeated by the OS error when it names the probe.</summary>
    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
