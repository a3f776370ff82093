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
            // .NET reports every zlib data error, a CRC-32 mismatch included, as "unsupported compression method": say what it is.
            throw new DataFileException(sourceName, Diagnose(compressed) ?? $"gzip stream is corrupt: {e.Message}", inner: e);
        }

        if (total != expected)
            throw new DataFileException(sourceName, Diagnose(compressed)
                ?? $"gzip stream is truncated or corrupt: it inflates to {total} bytes but its trailer states {expected} (file cut short?)");
        if (total != output.Length) Array.Resize(ref output, total);
        return output;
    }

    /// <summary>
    /// What is wrong with a gzip file that did not inflate cleanly: not deflate, damaged deflate data, a CRC-32 mismatch
    /// (damaged content), bytes appended after the stream, or a file cut short. Null when no cause is found.
    /// </summary>
    internal static string? Diagnose(byte[] gz)
    {
        if (gz.Length < 18 || !IsGzip(gz)) return null;
        if (gz[2] != 8) return $"gzip header names compression method {gz[2]}, not deflate (8): not a gzip file this reader (or gunzip) can inflate";
        var flags = gz[3];
        var pos = 10;
        try
        {
            if ((flags & 4) != 0) pos += 2 + BinaryPrimitives.ReadUInt16LittleEndian(gz.AsSpan(pos)); // FEXTRA
            if ((flags & 8) != 0) pos = Array.IndexOf(gz, (byte)0, pos) + 1; // FNAME
            if ((flags & 16) != 0) pos = Array.IndexOf(gz, (byte)0, pos) + 1; // FCOMMENT
            if ((flags & 2) != 0) pos += 2; // FHCRC
        }
        catch (ArgumentOutOfRangeException)
        {
            return "gzip header is cut short";
        }
        if (pos <= 0 || pos >= gz.Length) return "gzip header is cut short";

        var raw = new MemoryStream();
        try
        {
            using var deflate = new DeflateStream(new MemoryStream(gz, pos, gz.Length - pos, writable: false), CompressionMode.Decompress);
            deflate.CopyTo(raw);
        }
        catch (InvalidDataException)
        {
            return "gzip stream is corrupt: its deflate data is damaged (the file was altered or badly copied)";
        }
        var content = raw.GetBuffer().AsSpan(0, (int)raw.Length);
        var crc = Crc32(content);
        var size = (uint)content.Length;
        // The true trailer (CRC-32 and size of what inflated) sits right after the deflate data: find it.
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], size);
        var at = gz.AsSpan(pos).IndexOf(trailer);
        if (at >= 0)
        {
            var extra = gz.Length - (pos + at + 8);
            return extra > 0
                ? $"gzip stream is followed by {extra} byte(s) of unexpected data (appended junk?); the stream itself is intact, so `gunzip -c FILE > OUT` (or cutting the extra bytes) repairs it"
                : null;
        }
        var statedCrc = BinaryPrimitives.ReadUInt32LittleEndian(gz.AsSpan(gz.Length - 8));
        var statedSize = BinaryPrimitives.ReadUInt32LittleEndian(gz.AsSpan(gz.Length - 4));
        if (statedSize == size)
            return $"gzip stream is damaged (CRC-32 mismatch): the content inflates to {size} bytes as stated, but its CRC-32 is {crc:x8} where the trailer states {statedCrc:x8}: the data is damaged";
        return $"gzip stream is truncated: it inflates to {size} bytes but its trailer states {statedSize} (file cut short?)";
    }

    private static readonly uint[] s_crcTable = MakeCrcTable();

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>CRC-32 (IEEE 802.3, as gzip uses).</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data) c = s_crcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    /// <summary>Compresses <paramref name="content"/> as gzip.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> content, CompressionLevel level = CompressionLevel.Optimal)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, level, leaveOpen: true)) gz.Write(content);
        return ms.ToArray();
    }
}
