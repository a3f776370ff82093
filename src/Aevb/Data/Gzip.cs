using System.Buffers.Binary;
using System.IO.Compression;

namespace Aevb.Data;

/// <summary>
/// Gzip handling for data files: detection by the magic bytes <c>1f 8b</c> (not the file name),
/// decompression into one exactly sized buffer, and detection of truncated streams.
/// </summary>
/// <remarks>
/// .NET's <see cref="GZipStream"/> does not report a stream cut short: it returns the bytes it
/// could inflate and then end-of-stream. So the decompressed length is checked against the
/// gzip trailer (ISIZE, the last four bytes), which a cut file no longer has in place.
/// </remarks>
public static class Gzip
{
    /// <summary>True when <paramref name="content"/> starts with the gzip magic bytes.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> content) => content.Length >= 2 && content[0] == 0x1f && content[1] == 0x8b;

    /// <summary>Reads a file and returns its content, decompressed when it is gzip.</summary>
    public static byte[] ReadAllBytesDecompressed(string path)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot be read: {e.Message}", inner: e);
        }
        return IsGzip(content) ? Decompress(content, path) : content;
    }

    /// <summary>Decompresses a single-member gzip stream; <paramref name="sourceName"/> names it in errors.</summary>
    public static byte[] Decompress(byte[] compressed, string sourceName)
    {
        // Header (10) + empty deflate (2) + trailer (8) is the smallest valid gzip file.
        if (compressed.Length < 18)
            throw new DataFileException(sourceName, $"gzip stream is truncated: only {compressed.Length} bytes");

        // ISIZE is the uncompressed length modulo 2^32; the data sets here are far below 4 GiB.
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 4));
        if (expected > Array.MaxLength)
            throw new DataFileException(sourceName, $"gzip stream is truncated or corrupt: its trailer claims {expected} uncompressed bytes");

        var output = new byte[expected];
        int read;
        bool more;
        try
        {
            using var gz = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            read = gz.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
            Span<byte> probe = stackalloc byte[1];
            more = read == output.Length && gz.Read(probe) > 0;
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(sourceName, $"gzip stream is corrupt: {e.Message}", inner: e);
        }

        if (read < output.Length || more)
            throw new DataFileException(sourceName,
                more
                    ? $"gzip stream is truncated or corrupt: it inflates to more than the {expected} bytes its trailer states"
                    : $"gzip stream is truncated: it inflates to {read} bytes but its trailer states {expected} (file cut short?)");
        return output;
    }

    /// <summary>Compresses <paramref name="content"/> as gzip.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> content, CompressionLevel level = CompressionLevel.Optimal)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, level, leaveOpen: true)) gz.Write(content);
        return ms.ToArray();
    }
}
