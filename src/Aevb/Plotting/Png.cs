using System.Buffers.Binary;
using System.IO.Compression;

namespace Aevb.Plotting;

/// <summary>PNG colour types we write and read (8 bits per sample).</summary>
public enum PngColorType : byte
{
    /// <summary>One grey sample per pixel.</summary>
    Gray = 0,
    /// <summary>Red, green, blue.</summary>
    Rgb = 2,
    /// <summary>Grey and alpha.</summary>
    GrayAlpha = 4,
    /// <summary>Red, green, blue, alpha.</summary>
    Rgba = 6,
}

/// <summary>
/// A decoded (or to-be-encoded) 8-bit image: samples row-major with no row padding,
/// <see cref="Channels"/> bytes per pixel.
/// </summary>
public sealed class PngImage
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied) as an image of the given shape.</summary>
    public PngImage(int width, int height, PngColorType colorType, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size must be positive, got {width}x{height}.");
        int channels = Png.ChannelsOf(colorType);
        if ((long)width * height * channels != pixels.Length)
            throw new ArgumentException(
                $"Pixel buffer holds {pixels.Length} bytes but a {width}x{height} {colorType} image needs "
                + $"{(long)width * height * channels}.",
                nameof(pixels));
        Width = width;
        Height = height;
        ColorType = colorType;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>How samples are laid out per pixel.</summary>
    public PngColorType ColorType { get; }
    /// <summary>Bytes per pixel.</summary>
    public int Channels => Png.ChannelsOf(ColorType);
    /// <summary>Samples, row-major, <see cref="Channels"/> per pixel.</summary>
    public byte[] Pixels { get; }

    /// <summary>The pixel at (<paramref name="x"/>, <paramref name="y"/>) as RGBA, whatever the colour type.</summary>
    public (byte R, byte G, byte B, byte A) GetRgba(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"({x}, {y}) is outside the {Width}x{Height} image.");
        int i = (y * Width + x) * Channels;
        var p = Pixels;
        return ColorType switch
        {
            PngColorType.Gray => (p[i], p[i], p[i], 255),
            PngColorType.GrayAlpha => (p[i], p[i], p[i], p[i + 1]),
            PngColorType.Rgb => (p[i], p[i + 1], p[i + 2], 255),
            _ => (p[i], p[i + 1], p[i + 2], p[i + 3]),
        };
    }

    /// <summary>Encodes this image as PNG bytes.</summary>
    public byte[] Encode() => Png.Encode(Pixels, Width, Height, ColorType);
}

/// <summary>
/// A small, complete PNG codec for 8-bit grey/RGB(A) images: our own so that image grids need
/// no imaging package, and so tests can check what headless Chromium produced.
/// Encoding picks a filter per row (the usual minimum-sum-of-absolute-differences heuristic) and
/// deflates with <see cref="ZLibStream"/>; decoding verifies every chunk's CRC.
/// </summary>
public static class Png
{
    /// <summary>The 8-byte PNG signature.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    internal static int ChannelsOf(PngColorType colorType) => colorType switch
    {
        PngColorType.Gray => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        PngColorType.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(colorType), $"Unsupported PNG colour type {(int)colorType}."),
    };

    /// <summary>Encodes 8-bit samples (row-major, no padding) as a PNG file's bytes.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size must be positive, got {width}x{height}.");
        int bpp = ChannelsOf(colorType);
        long expected = (long)width * height * bpp;
        if (pixels.Length != expected)
            throw new ArgumentException(
                $"Pixel buffer holds {pixels.Length} bytes but a {width}x{height} {colorType} image needs {expected}.",
                nameof(pixels));

        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;                 // bit depth
        ihdr[9] = (byte)colorType;
        ihdr[10] = 0;                // compression: deflate
        ihdr[11] = 0;                // filter method 0 (adaptive, five filter types)
        ihdr[12] = 0;                // no interlace
        WriteChunk(output, "IHDR"u8, ihdr);

        WriteChunk(output, "IDAT"u8, Deflate(pixels, width, height, bpp));
        WriteChunk(output, "IEND"u8, ReadOnlySpan<byte>.Empty);
        return output.ToArray();
    }

    private static byte[] Deflate(ReadOnlySpan<byte> pixels, int width, int height, int bpp)
    {
        int stride = width * bpp;
        var previous = new byte[stride];            // the row above the first row is all zeros
        var candidates = new byte[5][];
        for (int f = 0; f < 5; f++) candidates[f] = new byte[stride];

        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * stride, stride);
                int best = 0;
                long bestScore = long.MaxValue;
                for (int f = 0; f < 5; f++)
                {
                    long score = FilterRow(f, row, previous, candidates[f], bpp);
                    if (score < bestScore) { bestScore = score; best = f; }
                }
                z.WriteByte((byte)best);
                z.Write(candidates[best]);
                row.CopyTo(previous);
            }
        }
        return compressed.ToArray();
    }

    // Applies filter type f to one row; returns the sum of |signed byte| used to pick a filter.
    private static long FilterRow(int f, ReadOnlySpan<byte> row, ReadOnlySpan<byte> up, Span<byte> dest, int bpp)
    {
        long score = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = up[i];
            int c = i >= bpp ? up[i - bpp] : 0;
            int predictor = f switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => Paeth(a, b, c),
            };
            byte v = (byte)(row[i] - predictor);
            dest[i] = v;
            score += Math.Abs((int)(sbyte)v);
        }
        return score;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        uint crc = Crc32.Append(Crc32.Compute(type), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    /// <summary>Reads and decodes the PNG file at <paramref name="path"/>; errors name the file.</summary>
    public static PngImage Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new FileNotFoundException($"PNG file '{path}' does not exist.", path); }
        try { return Decode(bytes); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}': {e.Message}", e); }
    }

    /// <summary>
    /// Decodes a non-interlaced 8-bit grey, grey+alpha, RGB or RGBA PNG. Every chunk's CRC is
    /// checked. Other variants (palette, 16-bit, Adam7) are rejected with a message saying so.
    /// </summary>
    public static PngImage Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < Signature.Length || !png[..Signature.Length].SequenceEqual(Signature))
            throw new InvalidDataException("Not a PNG: the 8-byte PNG signature is missing.");
        using var idat = new MemoryStream();
        var (width, height, colorType) = ReadChunks(png, idat);
        int bpp = ChannelsOf(colorType);
        int stride = checked(width * bpp);
        var raw = new byte[checked((long)(stride + 1) * height)];
        idat.Position = 0;
        Inflate(idat, raw, width, height);
        return new PngImage(width, height, colorType, Unfilter(raw, stride, height, bpp));
    }

    /// <summary>
    /// Walks the chunks after the signature up to IEND, checking each CRC: returns the IHDR's size and colour type
    /// and appends the IDAT chunks' data to <paramref name="idat"/>.
    /// </summary>
    private static (int Width, int Height, PngColorType ColorType) ReadChunks(ReadOnlySpan<byte> png,
        MemoryStream idat)
    {
        int pos = Signature.Length;
        (int Width, int Height, PngColorType ColorType)? header = null;
        bool sawEnd = false;
        while (pos < png.Length)
        {
            if (png.Length - pos < 12)
                throw new InvalidDataException($"Truncated PNG: chunk header at byte {pos} is incomplete.");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
            if (length > int.MaxValue || length > png.Length - pos - 12)
                throw new InvalidDataException(
                    $"Truncated PNG: chunk at byte {pos} claims {length} bytes but the file ends first.");
            var type = png.Slice(pos + 4, 4);
            var data = png.Slice(pos + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + (int)length)..]);
            uint actual = Crc32.Append(Crc32.Compute(type), data);
            string typeName = System.Text.Encoding.ASCII.GetString(type);
            if (stored != actual)
                throw new InvalidDataException($"Corrupt PNG: CRC mismatch in chunk '{typeName}' at byte {pos} "
                    + $"(stored {stored:X8}, computed {actual:X8}).");
            pos += 12 + (int)length;

            switch (typeName)
            {
                case "IHDR":
                    header = ReadHeader(data, length);
                    break;
                case "IDAT":
                    if (header is null) throw new InvalidDataException("Corrupt PNG: IDAT before IHDR.");
                    idat.Write(data);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
            }
            if (sawEnd) break;
        }
        if (header is null) throw new InvalidDataException("Corrupt PNG: no IHDR chunk.");
        if (!sawEnd) throw new InvalidDataException("Truncated PNG: no IEND chunk.");
        return header.Value;
    }

    /// <summary>The IHDR chunk's size and colour type, refusing what <see cref="Decode"/> does not read.</summary>
    private static (int Width, int Height, PngColorType ColorType) ReadHeader(ReadOnlySpan<byte> data, uint length)
    {
        if (length != 13) throw new InvalidDataException("Corrupt PNG: IHDR chunk is not 13 bytes.");
        var width = BinaryPrimitives.ReadInt32BigEndian(data);
        var height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
        byte depth = data[8];
        var colorType = (PngColorType)data[9];
        if (width <= 0 || height <= 0) throw new InvalidDataException($"Corrupt PNG: size {width}x{height}.");
        if (depth != 8)
            throw new InvalidDataException($"Unsupported PNG: bit depth {depth} (only 8 bits per sample are read).");
        if (colorType is not (PngColorType.Gray or PngColorType.Rgb or PngColorType.GrayAlpha or PngColorType.Rgba))
            throw new InvalidDataException($"Unsupported PNG: colour type {data[9]} (palette images are not read).");
        if (data[10] != 0 || data[11] != 0)
            throw new InvalidDataException("Corrupt PNG: unknown compression or filter method.");
        if (data[12] != 0) throw new InvalidDataException("Unsupported PNG: interlaced (Adam7) images are not read.");
        return (width, height, colorType);
    }

    /// <summary>Inflates the IDAT data into <paramref name="raw"/>, which it must fill exactly.</summary>
    private static void Inflate(MemoryStream idat, byte[] raw, int width, int height)
    {
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        int read = 0;
        try
        {
            while (read < raw.Length)
            {
                int n = z.Read(raw, read, raw.Length - read);
                if (n == 0) break;
                read += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Corrupt PNG: image data does not inflate ({e.Message}).", e);
        }
        if (read != raw.Length)
            throw new InvalidDataException($"Truncated PNG: image data holds {read} bytes, a {width}x{height} image "
                + $"needs {raw.Length}.");
    }

    /// <summary>
    /// Undoes each row's filter (its first byte): the row's bytes are differences from a prediction made from the
    /// pixel to the left (a), above (b) and above-left (c).
    /// </summary>
    private static byte[] Unfilter(byte[] raw, int stride, int height, int bpp)
    {
        var pixels = new byte[(long)stride * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            var src = raw.AsSpan(y * (stride + 1) + 1, stride);
            var dst = pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> up = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? dst[i - bpp] : 0;
                int b = up[i];
                int c = i >= bpp ? up[i - bpp] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) >> 1,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"Corrupt PNG: row {y} uses unknown filter type {filter}."),
                };
                dst[i] = (byte)(src[i] + predictor);
            }
        }
        return pixels;
    }
}
