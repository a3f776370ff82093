using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Aevb.Plotting;

namespace Aevb.Tests.Plotting;

public class PngTests
{
    private record Chunk(string Type, byte[] Data, uint StoredCrc);

    // An independent chunk walker, so the encoder is not checked only by its own decoder.
    private static List<Chunk> Chunks(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = new List<Chunk>();
        int pos = 8;
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            var type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            chunks.Add(new Chunk(type, data, crc));
            pos += 12 + length;
        }
        Assert.Equal(png.Length, pos);
        return chunks;
    }

    private static byte[] RandomPixels(int n, int seed)
    {
        var bytes = new byte[n];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute(ReadOnlySpan<byte>.Empty));
        Assert.Equal(Crc32.Compute("hello world"u8), Crc32.Append(Crc32.Compute("hello "u8), "world"u8));
    }

    [Fact]
    public void Encoded_file_has_signature_header_and_valid_chunk_crcs()
    {
        var png = Png.Encode(RandomPixels(37 * 23, 1), 37, 23, PngColorType.Gray);
        var chunks = Chunks(png);
        Assert.Equal(new[] { "IHDR", "IDAT", "IEND" }, chunks.Select(c => c.Type));
        foreach (var c in chunks)
            Assert.Equal(Crc32.Append(Crc32.Compute(Encoding.ASCII.GetBytes(c.Type)), c.Data), c.StoredCrc);
        var ihdr = chunks[0].Data;
        Assert.Equal(13, ihdr.Length);
        Assert.Equal(37, BinaryPrimitives.ReadInt32BigEndian(ihdr));
        Assert.Equal(23, BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4)));
        Assert.Equal(8, ihdr[8]);     // bit depth
        Assert.Equal(0, ihdr[9]);     // greyscale
        Assert.Equal(0, ihdr[12]);    // not interlaced
        Assert.Empty(chunks[2].Data);
    }

    [Fact]
    public void Idat_inflates_to_filtered_scanlines_that_unfilter_to_the_pixels()
    {
        int w = 19, h = 11;
        // A gradient makes the encoder pick predicting filters (Sub/Up/Average/Paeth), not just None.
        var pixels = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                pixels[(y * w + x) * 3] = (byte)(x * 13);
                pixels[(y * w + x) * 3 + 1] = (byte)(y * 7 + x);
                pixels[(y * w + x) * 3 + 2] = (byte)(x ^ y);
            }
        var png = Png.Encode(pixels, w, h, PngColorType.Rgb);
        var idat = Chunks(png).Single(c => c.Type == "IDAT").Data;
        using var z = new ZLibStream(new MemoryStream(idat), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        int stride = w * 3;
        Assert.Equal((stride + 1) * h, bytes.Length);
        var filters = Enumerable.Range(0, h).Select(y => bytes[y * (stride + 1)]).ToArray();
        Assert.All(filters, f => Assert.InRange(f, (byte)0, (byte)4));
        Assert.Contains(filters, f => f != 0);

        // Undo the filters here, independently of Png.Decode.
        var result = new byte[stride * h];
        for (int y = 0; y < h; y++)
            for (int i = 0; i < stride; i++)
            {
                int a = i >= 3 ? result[y * stride + i - 3] : 0;
                int b = y > 0 ? result[(y - 1) * stride + i] : 0;
                int c = i >= 3 && y > 0 ? result[(y - 1) * stride + i - 3] : 0;
                int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                int paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                int pred = filters[y] switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => paeth };
                result[y * stride + i] = (byte)(bytes[y * (stride + 1) + 1 + i] + pred);
            }
        Assert.Equal(pixels, result);
    }

    [Theory]
    [InlineData(PngColorType.Gray, 1, 1)]
    [InlineData(PngColorType.Gray, 28, 28)]
    [InlineData(PngColorType.GrayAlpha, 5, 9)]
    [InlineData(PngColorType.Rgb, 33, 2)]
    [InlineData(PngColorType.Rgba, 64, 48)]
    public void Decode_round_trips_every_colour_type(PngColorType type, int w, int h)
    {
        int channels = type switch { PngColorType.Gray => 1, PngColorType.GrayAlpha => 2, PngColorType.Rgb => 3, _ => 4 };
        var pixels = RandomPixels(w * h * channels, w * 31 + h);
        var image = Png.Decode(Png.Encode(pixels, w, h, type));
        Assert.Equal((w, h, type), (image.Width, image.Height, image.ColorType));
        Assert.Equal(pixels, image.Pixels);
        Assert.Equal(image.Pixels, Png.Decode(image.Encode()).Pixels);
    }

    [Fact]
    public void GetRgba_expands_grey()
    {
        var image = new PngImage(2, 1, PngColorType.Gray, new byte[] { 10, 200 });
        Assert.Equal(((byte)200, (byte)200, (byte)200, (byte)255), image.GetRgba(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => image.GetRgba(2, 0));
    }

    [Fact]
    public void Corrupt_and_truncated_files_are_reported_clearly()
    {
        var png = Png.Encode(RandomPixels(16 * 16, 3), 16, 16, PngColorType.Gray);

        var flipped = (byte[])png.Clone();
        flipped[40] ^= 0xFF;   // inside the IDAT data
        Assert.Contains("CRC mismatch", Assert.Throws<InvalidDataException>(() => Png.Decode(flipped)).Message);

        Assert.Contains("Truncated", Assert.Throws<InvalidDataException>(() => Png.Decode(png[..(png.Length - 20)])).Message);
        Assert.Contains("signature", Assert.Throws<InvalidDataException>(() => Png.Decode("GIF89a.........."u8.ToArray())).Message);

        var dir = Directory.CreateTempSubdirectory("aevb-png-");
        try
        {
            var path = Path.Combine(dir.FullName, "bad.png");
            File.WriteAllBytes(path, flipped);
            Assert.Contains(path, Assert.Throws<InvalidDataException>(() => Png.Read(path)).Message);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Encode_rejects_a_buffer_of_the_wrong_size()
    {
        var e = Assert.Throws<ArgumentException>(() => Png.Encode(new byte[10], 4, 4, PngColorType.Gray));
        Assert.Contains("16", e.Message);
    }
}
