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
        long expected = BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 4));

        // Size the buffer from the trailer so a good file inflates into one exact array; but a cut
        // file's "trailer" is arbitrary bytes, so trust it only up to a plausible ratio and grow
        // beyond that (deflate can reach ~1000:1, real image data is nearer 5:1).
        var capacity = (int)Math.Min(expected, Math.Min((long)compressed.Length * 64, Array.MaxLength));
        var output = new byte[capacity];
        var total = 0;
        try
        {
            using var gz = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            while (true)
            {
                if (total == output.Length)
                {
                    var next = gz.ReadByte();
                    if (next < 0) break;
                    if (output.Length == Array.MaxLength)
                        throw new DataFileException(sourceName, "gzip stream inflates to more than the largest array .NET can hold");
                    Array.Resize(ref output, (int)Math.Min(2L * output.Length + 1024, Array.MaxLength));
                    output[total++] = (byte)next;
                    continue;
                }
                var n = gz.Read(output, total, output.Length - total);
                if (n == 0) break;
                total += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(sourceName, $"gzip stream is corrupt: {e.Message}", inner: e);
        }

        if (total != expected)
            throw new DataFileException(sourceName,
                $"gzip stream is truncated or corrupt: it inflates to {total} bytes but its trailer states {expected} (file cut short?)");
        if (total != output.Length) Array.Resize(ref output, total);
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
