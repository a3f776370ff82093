using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Aevb.Data;

/// <summary>MATLAB array classes (the <c>mxCLASS</c> codes of the MAT-file format).</summary>
public enum MatClass
{
    Cell = 1, Struct = 2, Object = 3, Char = 4, Sparse = 5,
    Double = 6, Single = 7, Int8 = 8, UInt8 = 9, Int16 = 10, UInt16 = 11,
    Int32 = 12, UInt32 = 13, Int64 = 14, UInt64 = 15,
}

/// <summary>
/// One variable of a MAT file. Numeric arrays keep their real part as stored (element type
/// <see cref="StorageType"/>, column-major as MATLAB lays them out); <see cref="ToUInt8"/> and
/// <see cref="ToDouble"/> convert. Other classes (cell, struct, char, sparse) are listed by name
/// and class only.
/// </summary>
public sealed class MatVariable
{
    internal MatVariable(string name, MatClass matClass, int[] dimensions, bool isComplex, MatFile.DataType storageType, byte[]? realPart, bool bigEndian)
    {
        Name = name;
        Class = matClass;
        Dimensions = dimensions;
        IsComplex = isComplex;
        StorageType = storageType;
        _real = realPart;
        _bigEndian = bigEndian;
    }

    private readonly byte[]? _real;
    private readonly bool _bigEndian;

    public string Name { get; }
    public MatClass Class { get; }

    /// <summary>MATLAB dimensions, e.g. <c>[560, 1965]</c> for 560 rows and 1965 columns.</summary>
    public int[] Dimensions { get; }

    public bool IsComplex { get; }

    /// <summary>Element type the file uses for the data (MATLAB may store doubles as uint8 when they fit).</summary>
    public MatFile.DataType StorageType { get; }

    /// <summary>True for numeric (full, non-sparse) arrays, whose values can be read.</summary>
    public bool IsNumeric => _real is not null;

    /// <summary>Number of elements (product of the dimensions).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Dimensions) n *= d;
            return n;
        }
    }

    /// <summary>
    /// The real part as bytes in column-major order. Exact for uint8 storage; other storage types
    /// must hold integers in 0..255 (otherwise this throws rather than silently rounding).
    /// </summary>
    public byte[] ToUInt8()
    {
        var data = RequireNumeric();
        if (StorageType == MatFile.DataType.UInt8) return (byte[])data.Clone();
        var n = checked((int)ElementCount);
        var result = new byte[n];
        for (var i = 0; i < n; i++)
        {
            var v = Element(data, i);
            if (v is < 0 or > 255 || v != Math.Floor(v))
                throw new InvalidDataException($"MAT variable '{Name}': element {i} is {v}, not an integer in 0..255.");
            result[i] = (byte)v;
        }
        return result;
    }

    /// <summary>The real part as doubles in column-major order.</summary>
    public double[] ToDouble()
    {
        var data = RequireNumeric();
        var n = checked((int)ElementCount);
        var result = new double[n];
        for (var i = 0; i < n; i++) result[i] = Element(data, i);
        return result;
    }

    public override string ToString() => $"{Name}: {Class} {string.Join(" x ", Dimensions)}";

    private byte[] RequireNumeric()
        => _real ?? throw new InvalidOperationException($"MAT variable '{Name}' is a {Class} array, not a numeric one.");

    private double Element(byte[] data, int i)
    {
        var size = MatFile.SizeOf(StorageType);
        var s = data.AsSpan(i * size, size);
        var be = _bigEndian;
        return StorageType switch
        {
            MatFile.DataType.Int8 => (sbyte)s[0],
            MatFile.DataType.UInt8 => s[0],
            MatFile.DataType.Int16 => be ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s),
            MatFile.DataType.UInt16 => be ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s),
            MatFile.DataType.Int32 => be ? BinaryPrimitives.ReadInt32BigEndian(s) : BinaryPrimitives.ReadInt32LittleEndian(s),
            MatFile.DataType.UInt32 => be ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s),
            MatFile.DataType.Int64 => be ? BinaryPrimitives.ReadInt64BigEndian(s) : BinaryPrimitives.ReadInt64LittleEndian(s),
            MatFile.DataType.UInt64 => be ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s),
            MatFile.DataType.Single => be ? BinaryPrimitives.ReadSingleBigEndian(s) : BinaryPrimitives.ReadSingleLittleEndian(s),
            MatFile.DataType.Double => be ? BinaryPrimitives.ReadDoubleBigEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s),
            _ => throw new InvalidOperationException($"Unsupported storage type {StorageType}."),
        };
    }
}

/// <summary>
/// Reader for MATLAB MAT files: Level 5 (MATLAB 5 to 7, <c>-v6</c>/<c>-v7</c>, little- or
/// big-endian, with zlib-compressed <c>miCOMPRESSED</c> elements) and the older Level 4 format.
/// Written for <c>frey_rawface.mat</c> (variable <c>ff</c>, uint8 560 x 1965), but general for
/// numeric matrices. MATLAB 7.3 files are HDF5 and are reported as unsupported.
/// </summary>
/// <remarks>Format reference: MathWorks, "MAT-File Format" (matfile_format.pdf), Level 5 chapter.</remarks>
public static class MatFile
{
    /// <summary>Level 5 data element types (<c>miINT8</c> ... <c>miUTF32</c>).</summary>
    public enum DataType
    {
        Int8 = 1, UInt8 = 2, Int16 = 3, UInt16 = 4, Int32 = 5, UInt32 = 6,
        Single = 7, Double = 9, Int64 = 12, UInt64 = 13,
        Matrix = 14, Compressed = 15, Utf8 = 16, Utf16 = 17, Utf32 = 18,
    }

    private const int Level5HeaderLength = 128;

    /// <summary>All variables of the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<MatVariable> Read(string path)
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
        return Parse(content, path);
    }

    /// <summary>The variable <paramref name="name"/> of the file at <paramref name="path"/>.</summary>
    public static MatVariable ReadVariable(string path, string name) => Find(Read(path), name, path);

    /// <summary>All variables in MAT-file bytes; <paramref name="sourceName"/> names them in errors.</summary>
    public static IReadOnlyList<MatVariable> Parse(byte[] content, string sourceName)
    {
        try
        {
            if (content.Length >= Level5HeaderLength && IsLevel5(content))
                return ParseLevel5(content, sourceName);
            if (content.Length >= 20 && LooksLikeLevel4(content))
                return ParseLevel4(content, sourceName);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException or InvalidDataException)
        {
            throw new DataFileException(sourceName, $"corrupt or truncated MAT file: {e.Message}", inner: e);
        }
        throw new DataFileException(sourceName, "not a MAT file (neither a Level 5 header nor a Level 4 matrix header)");
    }

    /// <summary>Picks <paramref name="name"/> out of <paramref name="variables"/>, with a clear error if absent.</summary>
    public static MatVariable Find(IReadOnlyList<MatVariable> variables, string name, string sourceName)
    {
        foreach (var v in variables)
            if (v.Name == name) return v;
        var names = variables.Count == 0 ? "none" : string.Join(", ", variables.Select(v => v.Name));
        throw new DataFileException(sourceName, $"MAT file has no variable '{name}' (variables: {names})");
    }

    internal static int SizeOf(DataType t) => t switch
    {
        DataType.Int8 or DataType.UInt8 or DataType.Utf8 => 1,
        DataType.Int16 or DataType.UInt16 or DataType.Utf16 => 2,
        DataType.Int32 or DataType.UInt32 or DataType.Single or DataType.Utf32 => 4,
        DataType.Double or DataType.Int64 or DataType.UInt64 => 8,
        _ => throw new InvalidDataException($"data type {(int)t} is not a numeric element type"),
    };

    // ---- Level 5 ---------------------------------------------------------------------------

    private static bool IsLevel5(byte[] c)
    {
        // Level 5: 116 bytes of text, 8 bytes subsystem offset, version 0x0100, endian "IM"/"MI".
        // Level 4 files have a zero among their first four bytes (the small type code).
        if (c[0] == 0 || c[1] == 0 || c[2] == 0 || c[3] == 0) return false;
        return (c[126] == 'I' && c[127] == 'M') || (c[126] == 'M' && c[127] == 'I');
    }

    private static IReadOnlyList<MatVariable> ParseLevel5(byte[] c, string sourceName)
    {
        // The writer stored 'M''I' as a 16-bit value: read back as "IM" on disk, the file is little-endian.
        var bigEndian = c[126] == 'M';
        var version = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(c.AsSpan(124)) : BinaryPrimitives.ReadUInt16LittleEndian(c.AsSpan(124));
        if (version == 0x0200)
            throw new DataFileException(sourceName, "is a MATLAB 7.3 MAT file (HDF5), which this reader does not support; re-save it in MATLAB with save(..., '-v7')");
        if (version != 0x0100)
            throw new DataFileException(sourceName, $"unknown MAT-file version 0x{version:X4} (expected 0x0100, Level 5)");

        var reader = new Level5Reader(bigEndian);
        var variables = new List<MatVariable>();
        reader.ReadElements(c.AsMemory(Level5HeaderLength), variables, sourceName);
        return variables;
    }

    private sealed class Level5Reader(bool bigEndian)
    {
        private uint U32(ReadOnlySpan<byte> s) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
        private int I32(ReadOnlySpan<byte> s) => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(s) : BinaryPrimitives.ReadInt32LittleEndian(s);

        /// <summary>Reads a sequence of top-level elements (the file body or a decompressed block).</summary>
        public void ReadElements(ReadOnlyMemory<byte> body, List<MatVariable> into, string sourceName)
        {
            var pos = 0;
            while (pos < body.Length)
            {
                if (body.Length - pos < 8)
                {
                    // Trailing zero padding is harmless; anything else is a cut-off tag.
                    if (body.Span[pos..].IndexOfAnyExcept((byte)0) < 0) break;
                    throw new InvalidDataException($"truncated data element tag at offset {pos}");
                }
                var (type, length, dataOffset, next) = Tag(body.Span, pos);
                if (dataOffset + (long)length > body.Length)
                    throw new InvalidDataException($"data element at offset {pos} claims {length} bytes, only {body.Length - dataOffset} remain (file truncated?)");
                var data = body.Slice(dataOffset, (int)length);
                switch (type)
                {
                    case DataType.Compressed:
                        ReadElements(Inflate(data), into, sourceName);
                        // MATLAB writes compressed elements without padding to 8 bytes.
                        next = dataOffset + (int)length;
                        break;
                    case DataType.Matrix:
                        if (length > 0) into.Add(ReadMatrix(data.Span));
                        break;
                    default:
                        // Not a variable (e.g. subsystem data): skip it.
                        break;
                }
                pos = next;
            }
        }

        /// <summary>Parses an element tag: type, byte count, where its data starts and where the next element starts.</summary>
        private (DataType Type, uint Length, int DataOffset, int Next) Tag(ReadOnlySpan<byte> s, int pos)
        {
            var first = U32(s[pos..]);
            if ((first >> 16) != 0)
            {
                // Small data element: type and byte count share the first word, data (<= 4 bytes) follows.
                var smallLength = first >> 16;
                if (smallLength > 4) throw new InvalidDataException($"small data element at offset {pos} claims {smallLength} bytes (at most 4)");
                return ((DataType)(first & 0xFFFF), smallLength, pos + 4, pos + 8);
            }
            var length = U32(s[(pos + 4)..]);
            if (length > int.MaxValue - 16) throw new InvalidDataException($"data element at offset {pos} claims {length} bytes");
            var dataOffset = pos + 8;
            var next = dataOffset + (int)((length + 7) & ~7u);
            return ((DataType)first, length, dataOffset, next);
        }

        private static ReadOnlyMemory<byte> Inflate(ReadOnlyMemory<byte> data)
        {
            using var input = new MemoryStream(data.ToArray(), writable: false);
            using var z = new ZLibStream(input, CompressionMode.Decompress);
            var output = new MemoryStream();
            z.CopyTo(output);
            return output.GetBuffer().AsMemory(0, (int)output.Length);
        }

        /// <summary>Reads one miMATRIX element's content: flags, dimensions, name, then data.</summary>
        private MatVariable ReadMatrix(ReadOnlySpan<byte> m)
        {
            var pos = 0;
            var (flagsAt, flagsLength, _) = Sub(m, ref pos, "array flags");
            var flags = m.Slice(flagsAt, flagsLength);
            if (flags.Length < 8) throw new InvalidDataException("array flags element shorter than 8 bytes");
            var flagWord = U32(flags);
            var matClass = (MatClass)(flagWord & 0xFF);
            var isComplex = (flagWord & 0x0800) != 0;

            var (dimsAt, dimsLength, _) = Sub(m, ref pos, "dimensions");
            var dimsBytes = m.Slice(dimsAt, dimsLength);
            var dims = new int[dimsBytes.Length / 4];
            for (var i = 0; i < dims.Length; i++)
            {
                dims[i] = I32(dimsBytes[(4 * i)..]);
                if (dims[i] < 0) throw new InvalidDataException($"negative dimension {dims[i]}");
            }

            var (nameAt, nameLength, _) = Sub(m, ref pos, "array name");
            var nameBytes = m.Slice(nameAt, nameLength);
            var name = Encoding.ASCII.GetString(nameBytes).TrimEnd('\0');

            var numeric = matClass is >= MatClass.Double and <= MatClass.UInt64;
            if (!numeric)
                return new MatVariable(name, matClass, dims, isComplex, default, null, bigEndian);

            var (realAt, realLength, realType) = Sub(m, ref pos, "real part");
            var real = m.Slice(realAt, realLength);
            long count = 1;
            foreach (var d in dims) count *= d;
            var size = SizeOf(realType);
            if (real.Length != count * size)
                throw new InvalidDataException($"variable '{name}': {string.Join(" x ", dims)} needs {count * size} bytes of {realType}, the element holds {real.Length}");
            return new MatVariable(name, matClass, dims, isComplex, realType, real.ToArray(), bigEndian);
        }

        /// <summary>Reads the sub-element at <paramref name="pos"/> of a matrix element and advances past it.</summary>
        private (int Offset, int Length, DataType Type) Sub(ReadOnlySpan<byte> m, ref int pos, string what)
        {
            if (m.Length - pos < 8) throw new InvalidDataException($"matrix element ends before its {what}");
            var (type, length, dataOffset, next) = Tag(m, pos);
            if (dataOffset + (long)length > m.Length) throw new InvalidDataException($"{what} runs past the end of its matrix element");
            pos = Math.Min(next, m.Length);
            return (dataOffset, (int)length, type);
        }
    }

    // ---- Level 4 ---------------------------------------------------------------------------

    private static bool LooksLikeLevel4(byte[] c)
    {
        var le = BinaryPrimitives.ReadInt32LittleEndian(c);
        var be = BinaryPrimitives.ReadInt32BigEndian(c);
        return IsLevel4Type(le) || IsLevel4Type(be);
    }

    // Type code MOPT: M machine (0 little-endian, 1 big-endian), O = 0, P precision 0..5, T 0..2.
    private static bool IsLevel4Type(int t) => t is >= 0 and < 2000 && t / 100 % 10 == 0 && t / 10 % 10 <= 5 && t % 10 <= 2;

    private static IReadOnlyList<MatVariable> ParseLevel4(byte[] c, string sourceName)
    {
        var variables = new List<MatVariable>();
        var pos = 0;
        while (c.Length - pos >= 20)
        {
            var le = BinaryPrimitives.ReadInt32LittleEndian(c.AsSpan(pos));
            var bigEndian = !IsLevel4Type(le);
            int I(int o) => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(c.AsSpan(pos + o)) : BinaryPrimitives.ReadInt32LittleEndian(c.AsSpan(pos + o));
            var type = I(0);
            int rows = I(4), cols = I(8), imag = I(12), nameLength = I(16);
            if (!IsLevel4Type(type) || rows < 0 || cols < 0 || nameLength < 1 || nameLength > 4096)
                throw new InvalidDataException($"bad Level 4 matrix header at offset {pos}");
            var precision = type / 10 % 10;
            var kind = type % 10;
            var storage = precision switch
            {
                0 => DataType.Double, 1 => DataType.Single, 2 => DataType.Int32,
                3 => DataType.Int16, 4 => DataType.UInt16, _ => DataType.UInt8,
            };
            var nameStart = pos + 20;
            var name = Encoding.ASCII.GetString(c, nameStart, nameLength).TrimEnd('\0');
            var dataStart = nameStart + nameLength;
            var bytes = (long)rows * cols * SizeOf(storage) * (imag != 0 ? 2 : 1);
            if (dataStart + bytes > c.Length)
                throw new InvalidDataException($"variable '{name}' needs {bytes} data bytes, only {c.Length - dataStart} remain (file truncated?)");
            var real = kind == 0 ? c.AsSpan(dataStart, checked((int)((long)rows * cols * SizeOf(storage)))).ToArray() : null;
            var matClass = kind switch
            {
                1 => MatClass.Char,
                2 => MatClass.Sparse,
                _ => storage switch
                {
                    DataType.Single => MatClass.Single, DataType.Int32 => MatClass.Int32, DataType.Int16 => MatClass.Int16,
                    DataType.UInt16 => MatClass.UInt16, DataType.UInt8 => MatClass.UInt8, _ => MatClass.Double,
                },
            };
            variables.Add(new MatVariable(name, matClass, [rows, cols], imag != 0, storage, real, bigEndian));
            pos = checked((int)(dataStart + bytes));
        }
        return variables;
    }
}
