using Aevb.Data;

namespace Aevb.Tests.Data;

public class MatFileTests
{
    /// <summary>A Frey-Face-shaped variable: 560 x 1965 uint8, column c = frame c.</summary>
    private static byte[] FakeFrames(int seed = 5)
    {
        var b = new byte[560 * 1965];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Level5RoundTrip(bool compress, bool bigEndian)
    {
        var frames = FakeFrames();
        var scale = new MatWriter.Var("scale", MatClass.Double, [1, 1], MatFile.DataType.Double, [2.5]);
        var bytes = MatWriter.Level5([scale, MatWriter.UInt8("ff", 560, 1965, frames)], compress, bigEndian, charVariable: "Frey faces");
        using var dir = new TempDir();
        var path = dir.File("frey_rawface.mat");
        File.WriteAllBytes(path, bytes);

        var vars = MatFile.Read(path);
        Assert.Equal(["note", "scale", "ff"], vars.Select(v => v.Name));
        Assert.Equal(MatClass.Char, vars[0].Class);
        Assert.False(vars[0].IsNumeric);
        Assert.Equal([2.5], vars[1].ToDouble());

        var ff = MatFile.ReadVariable(path, "ff");
        Assert.Equal(MatClass.UInt8, ff.Class);
        Assert.Equal([560, 1965], ff.Dimensions);
        Assert.Equal(MatFile.DataType.UInt8, ff.StorageType);
        Assert.Equal(frames, ff.ToUInt8());
    }

    [Fact]
    public void CompressedFileIsActuallyCompressed()
    {
        // Guards the test itself: the "compressed" case must exercise miCOMPRESSED.
        var zeros = new byte[560 * 1965];
        var plain = MatWriter.Level5([MatWriter.UInt8("ff", 560, 1965, zeros)]);
        var packed = MatWriter.Level5([MatWriter.UInt8("ff", 560, 1965, zeros)], compress: true);
        Assert.True(packed.Length < plain.Length / 50);
        Assert.Equal(zeros, MatFile.Parse(packed, "m").Single().ToUInt8());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Level4RoundTrip(bool bigEndian)
    {
        var frames = FakeFrames(9);
        var v = MatFile.Parse(MatWriter.Level4UInt8("ff", 560, 1965, frames, bigEndian), "old.mat").Single();
        Assert.Equal("ff", v.Name);
        Assert.Equal([560, 1965], v.Dimensions);
        Assert.Equal(frames, v.ToUInt8());
    }

    [Fact]
    public void DoubleStoredAsUInt8ConvertsLikeMatlabCompaction()
    {
        // MATLAB may store a double array's data as miUINT8 when the values fit.
        var v = new MatWriter.Var("ff", MatClass.Double, [2, 3], MatFile.DataType.UInt8, [0, 1, 2, 250, 254, 255]);
        var read = MatFile.Parse(MatWriter.Level5([v]), "m").Single();
        Assert.Equal(MatClass.Double, read.Class);
        Assert.Equal(new byte[] { 0, 1, 2, 250, 254, 255 }, read.ToUInt8());
        Assert.Equal([0.0, 1, 2, 250, 254, 255], read.ToDouble());
    }

    [Fact]
    public void NonIntegralValuesAreNotSilentlyRounded()
    {
        var v = new MatWriter.Var("ff", MatClass.Double, [1, 2], MatFile.DataType.Double, [3, 0.5]);
        var read = MatFile.Parse(MatWriter.Level5([v]), "m").Single();
        Assert.Throws<InvalidDataException>(() => read.ToUInt8());
    }

    [Fact]
    public void MissingVariableListsWhatIsThere()
    {
        var bytes = MatWriter.Level5([MatWriter.UInt8("faces", 2, 2, [1, 2, 3, 4])]);
        var e = Assert.Throws<DataFileException>(() => MatFile.Find(MatFile.Parse(bytes, "x.mat"), "ff", "x.mat"));
        Assert.Contains("no variable 'ff'", e.Message);
        Assert.Contains("faces", e.Message);
    }

    [Fact]
    public void TruncatedMatFileIsReported()
    {
        var bytes = MatWriter.Level5([MatWriter.UInt8("ff", 560, 1965, FakeFrames())]);
        var e = Assert.Throws<DataFileException>(() => MatFile.Parse(bytes.AsSpan(0, bytes.Length - 1000).ToArray(), "cut.mat"));
        Assert.Contains("cut.mat", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void TruncatedCompressedMatFileIsReported()
    {
        var bytes = MatWriter.Level5([MatWriter.UInt8("ff", 560, 1965, FakeFrames())], compress: true);
        var e = Assert.Throws<DataFileException>(() => MatFile.Parse(bytes.AsSpan(0, bytes.Length / 2).ToArray(), "cut.mat"));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Version73AndNonMatFilesAreRejectedClearly()
    {
        var bytes = MatWriter.Level5([]);
        bytes[124] = 0x00; bytes[125] = 0x02; // version 0x0200 (little-endian): MATLAB 7.3 / HDF5
        var e = Assert.Throws<DataFileException>(() => MatFile.Parse(bytes, "v73.mat"));
        Assert.Contains("7.3", e.Message);

        var e2 = Assert.Throws<DataFileException>(() => MatFile.Parse("hello, this is not a MAT file at all"u8.ToArray(), "x.txt"));
        Assert.Contains("not a MAT file", e2.Message);
    }

    [Fact]
    public void ConvertsFreyMatToIdxColumnsAsFrames()
    {
        var frames = FakeFrames(11);
        var file = DataManifest.Default.FindFile(FreyFace.FileName);
        var vars = MatFile.Parse(MatWriter.Level5([MatWriter.UInt8("ff", 560, 1965, frames)], compress: true), "frey_rawface.mat");
        var idx = IdxFile.Parse(DataFiles.ConvertMat(vars, "ff", file, "frey_rawface.mat"), "converted", [1965, 28, 20]);
        // Frame 7, row 3, column 4 is ff(3*20 + 4, 7) in 0-based MATLAB terms.
        Assert.Equal(frames[7 * 560 + 3 * 20 + 4], idx.Data[7 * 560 + 3 * 20 + 4]);
        Assert.Equal(frames, idx.Data.ToArray());

        // A transposed (1965 x 560) variable gives the same IDX.
        var t = new byte[frames.Length];
        for (var f = 0; f < 1965; f++)
            for (var p = 0; p < 560; p++) t[f + p * 1965] = frames[f * 560 + p];
        var transposed = MatFile.Parse(MatWriter.Level5([MatWriter.UInt8("ff", 1965, 560, t)]), "t.mat");
        Assert.Equal(idx.Content, DataFiles.ConvertMat(transposed, "ff", file, "t.mat"));

        var wrong = MatFile.Parse(MatWriter.Level5([MatWriter.UInt8("ff", 560, 1964, new byte[560 * 1964])]), "w.mat");
        var e = Assert.Throws<DataFileException>(() => DataFiles.ConvertMat(wrong, "ff", file, "w.mat"));
        Assert.Contains("wrong dimensions", e.Message);
        Assert.Contains("560 x 1964", e.Message);
    }

    [Fact]
    public void RealFreyFaceThroughAMatFileReproducesTheManifestChecksum()
    {
        // Write the shared Frey Face frames the way frey_rawface.mat holds them (uint8 560 x 1965,
        // compressed) and check the converter gives back exactly the verified IDX file.
        var shared = IdxFile.Read(Path.Combine(TestData.Directory, "frey-faces-idx3-ubyte.gz"), [1965, 28, 20]);
        var mat = MatWriter.Level5([MatWriter.UInt8("ff", 560, 1965, shared.Data.ToArray())], compress: true);
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("frey_rawface.mat"), mat);

        var frey = FreyFace.LoadAll(dir.Path); // verifies the SHA-256 of the converted bytes
        Assert.Equal(1965, frey.Count);
        var fromIdx = FreyFace.FromIdx(shared);
        Assert.Equal(fromIdx.X, frey.X);
    }
}
