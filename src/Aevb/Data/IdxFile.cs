using System.Buffers.Binary;

namespace Aevb.Data;

/// <summary>
/// An IDX array (the MNIST container format) of unsigned bytes: the whole uncompressed file in
/// <see cref="Content"/> and the payload from <see cref="DataOffset"/>, so a checksum of the file
/// and a view of the data share one buffer.
/// </summary>
public sealed class IdxArray
{
    internal IdxArray(int[] shape, byte[] content, int dataOffset)
    {
        Shape = shape;
        Content = content;
        DataOffset = dataOffset;
    }

    /// <summary>Dimensions, outermost first (e.g. <c>[60000, 28, 28]</c>).</summary>
    public int[] Shape { get; }

    /// <summary>The uncompressed file: header followed by the data.</summary>
    public byte[] Content { get; }

    public int DataOffset { get; }

    /// <summary>The values in row-major order.</summary>
    public ReadOnlySpan<byte> Data => Content.AsSpan(DataOffset);

    /// <summary>Number of items (the first dimension).</summary>
    public int Count => Shape[0];

    /// <summary>Elements per item (product of the remaining dimensions).</summary>
    public int ItemSize => Shape.Length == 1 ? 1 : Product(Shape.AsSpan(1));

    internal static int Product(ReadOnlySpan<int> dims)
    {
        long p = 1;
        foreach (var d in dims) p *= d;
        return checked((int)p);
    }
}

/// <summary>
/// Reads and writes IDX files of unsigned bytes (magic <c>0x00000801</c> for vectors such as
/// labels, <c>0x00000803</c> for image stacks), gzipped or raw. Every structural problem is a
/// <see cref="DataFileException"/> naming the file: wrong magic, wrong rank or dimensions, and a
/// length that is not exactly header plus data.
/// </summary>
public static class IdxFile
{
    /// <summary>The IDX type code for unsigned bytes (third magic byte).</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>Reads <paramref name="path"/> (gzip detected by its magic bytes) and validates it.</summary>
    /// <param name="expectedShape">When given, the file must have exactly this shape (and hence rank).</param>
    public static IdxArray Read(string path, ReadOnlySpan<int> expectedShape = default)
        => Parse(Gzip.ReadAllBytesDecompressed(path), path, expectedShape);

    /// <summary>Validates uncompressed IDX bytes; <paramref name="sourceName"/> names them in errors.</summary>
    public static IdxArray Parse(byte[] content, string sourceName, ReadOnlySpan<int> expectedShape = default)
    {
        if (content.Length < 4)
            throw new DataFileException(sourceName, $"is not an IDX file: {content.Length} bytes, too short for the 4-byte magic number");

        var magic = BinaryPrimitives.ReadUInt32BigEndian(content);
        var type = content[2];
        var rank = content[3];
        var expectedMagicText = expectedShape.IsEmpty ? "" : $"; expected {FormatMagic(MagicFor(expectedShape.Length))} (IDX, unsigned bytes, {Dims(expectedShape.Length)})";
        if (content[0] != 0 || content[1] != 0 || rank == 0)
            throw new DataFileException(sourceName, $"wrong magic number {FormatMagic(magic)}: not an IDX file{expectedMagicText}");
        if (type != UnsignedByte)
            throw new DataFileException(sourceName, $"wrong magic number {FormatMagic(magic)}: IDX of {TypeName(type)}, not unsigned bytes{expectedMagicText}");
        if (!expectedShape.IsEmpty && rank != expectedShape.Length)
            throw new DataFileException(sourceName, $"wrong magic number {FormatMagic(magic)}: {Dims(rank)}{expectedMagicText}");

        var headerLength = 4 + 4 * rank;
        if (content.Length < headerLength)
            throw new DataFileException(sourceName, $"truncated IDX header: {content.Length} bytes, the header alone needs {headerLength}");

        var shape = new int[rank];
        long dataLength = 1;
        for (var i = 0; i < rank; i++)
        {
            var d = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(4 + 4 * i));
            if (d < 0)
                throw new DataFileException(sourceName, $"corrupt IDX header: dimension {i} is {d}");
            shape[i] = d;
            dataLength *= d;
        }

        if (!expectedShape.IsEmpty && !shape.AsSpan().SequenceEqual(expectedShape))
            throw new DataFileException(sourceName, $"wrong dimensions: the file holds {FormatShape(shape)}, expected {FormatShape(expectedShape)}");

        var actual = (long)content.Length - headerLength;
        if (actual < dataLength)
            throw new DataFileException(sourceName, $"truncated: a {FormatShape(shape)} IDX array needs {dataLength} data bytes after the {headerLength}-byte header, the file has {actual}");
        if (actual > dataLength)
            throw new DataFileException(sourceName, $"wrong length: a {FormatShape(shape)} IDX array needs {dataLength} data bytes after the {headerLength}-byte header, the file has {actual - dataLength} more");

        return new IdxArray(shape, content, headerLength);
    }

    /// <summary>The uncompressed IDX bytes for <paramref name="data"/> of <paramref name="shape"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<int> shape, ReadOnlySpan<byte> data)
    {
        if (shape.IsEmpty || shape.Length > 255) throw new ArgumentException("An IDX array has 1 to 255 dimensions.", nameof(shape));
        long n = 1;
        foreach (var d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            n *= d;
        }
        if (n != data.Length) throw new ArgumentException($"Shape {FormatShape(shape)} needs {n} bytes; got {data.Length}.", nameof(data));

        var header = 4 + 4 * shape.Length;
        var bytes = new byte[header + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, MagicFor(shape.Length));
        for (var i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        data.CopyTo(bytes.AsSpan(header));
        return bytes;
    }

    /// <summary>Writes an IDX file atomically, gzipped when <paramref name="gzip"/> is set.</summary>
    public static void Write(string path, ReadOnlySpan<int> shape, ReadOnlySpan<byte> data, bool gzip = false)
    {
        var bytes = Encode(shape, data);
        var stored = gzip ? Gzip.Compress(bytes) : bytes;
        IO.AtomicFile.Write(path, s => s.Write(stored));
    }

    /// <summary>The magic number of an unsigned-byte IDX file of the given rank (0x0801, 0x0803, ...).</summary>
    public static uint MagicFor(int rank) => (uint)(UnsignedByte << 8 | rank);

    /// <summary>"60000 x 28 x 28".</summary>
    public static string FormatShape(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++) parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(" x ", parts);
    }

    private static string FormatMagic(uint magic) => $"0x{magic:X8}";

    private static string Dims(int rank) => rank == 1 ? "1 dimension" : $"{rank} dimensions";

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed bytes",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => $"unknown type 0x{type:X2}",
    };
}
