using System.Buffers.Binary;
using Aevb.Data;

namespace Aevb.Tests.Data;

public class IdxFileTests
{
    private static byte[] Pixels(int n)
    {
        var b = new byte[n];
        for (var i = 0; i < n; i++) b[i] = (byte)(i * 37 + 11);
        return b;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripsRawAndGzip(bool gzip)
    {
        using var dir = new TempDir();
        var path = dir.File("images-idx3-ubyte" + (gzip ? ".gz" : ""));
        var data = Pixels(5 * 4 * 3);
        IdxFile.Write(path, [5, 4, 3], data, gzip);

        Assert.Equal(gzip, Gzip.IsGzip(File.ReadAllBytes(path)));
        var idx = IdxFile.Read(path, [5, 4, 3]);
        Assert.Equal([5, 4, 3], idx.Shape);
        Assert.Equal(5, idx.Count);
        Assert.Equal(12, idx.ItemSize);
        Assert.Equal(data, idx.Data.ToArray());
        Assert.Equal(0x00000803u, BinaryPrimitives.ReadUInt32BigEndian(idx.Content));
    }

    [Fact]
    public void GzipIsDetectedByMagicBytesNotName()
    {
        using var dir = new TempDir();
        var data = Pixels(7);
        // A gzip file without .gz and a raw file with .gz both read correctly.
        var gzNoExt = dir.File("labels");
        File.WriteAllBytes(gzNoExt, Gzip.Compress(IdxFile.Encode([7], data)));
        var rawWithExt = dir.File("labels.gz");
        File.WriteAllBytes(rawWithExt, IdxFile.Encode([7], data));
        Assert.Equal(data, IdxFile.Read(gzNoExt, [7]).Data.ToArray());
        Assert.Equal(data, IdxFile.Read(rawWithExt, [7]).Data.ToArray());
    }

    [Fact]
    public void LabelsUseMagic0801()
    {
        var bytes = IdxFile.Encode([3], [1, 2, 3]);
        Assert.Equal(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3 }, bytes);
    }

    [Fact]
    public void WrongRankIsReportedAsWrongMagic()
    {
        var labels = IdxFile.Encode([12], Pixels(12));
        var e = Assert.Throws<DataFileException>(() => IdxFile.Parse(labels, "x/images", [3, 2, 2]));
        Assert.Equal("x/images", e.FilePath);
        Assert.Contains("wrong magic number 0x00000801", e.Message);
        Assert.Contains("expected 0x00000803", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x00, 0x0D, 0x03 }, "float32")]
    [InlineData(new byte[] { 0x00, 0x00, 0x0C, 0x01 }, "int32")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 }, "not an IDX file")]
    [InlineData(new byte[] { 0x00, 0x00, 0x08, 0x00 }, "not an IDX file")]
    public void WrongMagicIsNamed(byte[] magic, string expected)
    {
        var content = IdxFile.Encode([2, 2, 2], Pixels(8));
        magic.CopyTo(content, 0);
        var e = Assert.Throws<DataFileException>(() => IdxFile.Parse(content, "bad-file", [2, 2, 2]));
        Assert.Contains("wrong magic number", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("bad-file:", e.Message);
    }

    [Fact]
    public void WrongDimensionsAreNamed()
    {
        var content = IdxFile.Encode([4, 28, 28], new byte[4 * 28 * 28]);
        var e = Assert.Throws<DataFileException>(() => IdxFile.Parse(content, "t10k-images", [10000, 28, 28]));
        Assert.Contains("wrong dimensions", e.Message);
        Assert.Contains("4 x 28 x 28", e.Message);
        Assert.Contains("10000 x 28 x 28", e.Message);
    }

    [Fact]
    public void TruncatedDataIsReported()
    {
        var content = IdxFile.Encode([10, 3], Pixels(30));
        var cut = content.AsSpan(0, content.Length - 5).ToArray();
        var e = Assert.Throws<DataFileException>(() => IdxFile.Parse(cut, "f", [10, 3]));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("needs 30 data bytes", e.Message);
        Assert.Contains("has 25", e.Message);
    }

    [Fact]
    public void ExtraBytesAreReported()
    {
        var content = IdxFile.Encode([10, 3], Pixels(30));
        var longer = content.Concat(new byte[] { 1, 2 }).ToArray();
        var e = Assert.Throws<DataFileException>(() => IdxFile.Parse(longer, "f"));
        Assert.Contains("wrong length", e.Message);
        Assert.Contains("2 more", e.Message);
    }

    [Fact]
    public void TruncatedHeaderAndEmptyFileAreReported()
    {
        var content = IdxFile.Encode([10, 3], Pixels(30));
        var e1 = Assert.Throws<DataFileException>(() => IdxFile.Parse(content.AsSpan(0, 9).ToArray(), "f"));
        Assert.Contains("truncated IDX header", e1.Message);
        var e2 = Assert.Throws<DataFileException>(() => IdxFile.Parse([], "f"));
        Assert.Contains("too short", e2.Message);
    }

    [Fact]
    public void ReadNamesThePath()
    {
        using var dir = new TempDir();
        var path = dir.File("bad");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8]);
        var e = Assert.Throws<DataFileException>(() => IdxFile.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ":", e.Message);
    }
}

public class GzipTests
{
    private static byte[] Sample()
    {
        var rng = new Random(3);
        var b = new byte[20000];
        rng.NextBytes(b.AsSpan(0, 5000)); // part random, part repetitive: a realistic deflate stream
        return b;
    }

    [Fact]
    public void RoundTrips()
    {
        var data = Sample();
        var gz = Gzip.Compress(data);
        Assert.True(Gzip.IsGzip(gz));
        Assert.Equal(data, Gzip.Decompress(gz, "x"));
    }

    [Theory]
    [InlineData(1)]   // last byte of ISIZE missing
    [InlineData(4)]   // whole ISIZE missing
    [InlineData(8)]   // trailer missing (data complete)
    [InlineData(9)]   // last byte of deflate data missing
    [InlineData(500)]
    [InlineData(-17)] // a header and a sliver of data
    [InlineData(-3)]  // only the magic and method bytes
    public void TruncatedGzipGivesAClearError(int cut)
    {
        var gz = Gzip.Compress(Sample());
        var length = cut > 0 ? gz.Length - cut : -cut;
        using var dir = new TempDir();
        var path = dir.File("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, gz.AsSpan(0, length).ToArray());
        var e = Assert.Throws<DataFileException>(() => IdxFile.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("gzip stream is truncated", e.Message);
    }

    [Fact]
    public void TruncatedRealMnistGzipIsReported()
    {
        var source = Path.Combine(TestData.Directory, "t10k-labels-idx1-ubyte.gz");
        var gz = File.ReadAllBytes(source);
        using var dir = new TempDir();
        var path = dir.File("t10k-labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, gz.AsSpan(0, gz.Length / 2).ToArray());
        var e = Assert.Throws<DataFileException>(() => DataFiles.Load(DataManifest.Default.FindFile("t10k-labels-idx1-ubyte"), dir.Path));
        Assert.Contains("gzip stream is truncated", e.Message);
        Assert.Contains("data fetch --dataset mnist", e.Message);
    }

    [Fact]
    public void CorruptGzipGivesAClearError()
    {
        var gz = Gzip.Compress(Sample());
        gz[gz.Length - 6] ^= 0xFF; // CRC byte
        var e = Assert.Throws<DataFileException>(() => Gzip.Decompress(gz, "f.gz"));
        Assert.Contains("gzip stream is", e.Message);
        Assert.Contains("f.gz", e.Message);
    }
}
