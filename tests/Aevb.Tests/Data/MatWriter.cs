using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Aevb.Data;

namespace Aevb.Tests.Data;

/// <summary>
/// A minimal MAT-file writer written independently of the reader, from the MathWorks format
/// description, so the reader is tested against files laid out the way MATLAB lays them out.
/// </summary>
internal static class MatWriter
{
    /// <summary>A variable: class, MATLAB dimensions and the real part as values of <paramref name="Storage"/> type.</summary>
    public sealed record Var(string Name, MatClass Class, int[] Dims, MatFile.DataType Storage, double[] Values);

    public static Var UInt8(string name, int rows, int cols, byte[] columnMajor)
        => new(name, MatClass.UInt8, [rows, cols], MatFile.DataType.UInt8, columnMajor.Select(b => (double)b).ToArray());

    /// <summary>Level 5 file: 128-byte header then one element per variable (each zlib-compressed when asked).</summary>
    public static byte[] Level5(IEnumerable<Var> variables, bool compress = false, bool bigEndian = false, string? charVariable = null)
    {
        var ms = new MemoryStream();
        var text = Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Sat Nov 21 12:00:00 2026, written by Aevb tests".PadRight(116));
        ms.Write(text, 0, 116);
        ms.Write(new byte[8]); // subsystem data offset: none
        var tail = new byte[4];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(tail, 0x0100);
            tail[2] = (byte)'M'; tail[3] = (byte)'I';
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(tail, 0x0100);
            tail[2] = (byte)'I'; tail[3] = (byte)'M';
        }
        ms.Write(tail);

        if (charVariable is not null) Write(ms, CharMatrix(charVariable, "note", bigEndian), compress, bigEndian);
        foreach (var v in variables) Write(ms, Matrix(v, bigEndian), compress, bigEndian);
        return ms.ToArray();
    }

    private static void Write(MemoryStream ms, byte[] matrixElement, bool compress, bool bigEndian)
    {
        if (!compress)
        {
            ms.Write(matrixElement);
            return;
        }
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zs.Write(matrixElement);
        ms.Write(Tag(MatFile.DataType.Compressed, (int)z.Length, bigEndian));
        ms.Write(z.ToArray()); // compressed elements are not padded
    }

    /// <summary>A complete miMATRIX element (tag included).</summary>
    private static byte[] Matrix(Var v, bool bigEndian)
    {
        var body = new MemoryStream();
        var flags = new byte[8];
        U32(flags, (uint)v.Class, bigEndian);
        body.Write(Element(MatFile.DataType.UInt32, flags, bigEndian));
        var dims = new byte[4 * v.Dims.Length];
        for (var i = 0; i < v.Dims.Length; i++) U32(dims.AsSpan(4 * i), (uint)v.Dims[i], bigEndian);
        body.Write(Element(MatFile.DataType.Int32, dims, bigEndian));
        body.Write(Element(MatFile.DataType.Int8, Encoding.ASCII.GetBytes(v.Name), bigEndian));
        body.Write(Element(v.Storage, Encode(v.Storage, v.Values, bigEndian), bigEndian));
        var content = body.ToArray();
        return [.. Tag(MatFile.DataType.Matrix, content.Length, bigEndian), .. content];
    }

    private static byte[] CharMatrix(string text, string name, bool bigEndian)
    {
        var body = new MemoryStream();
        var flags = new byte[8];
        U32(flags, (uint)MatClass.Char, bigEndian);
        body.Write(Element(MatFile.DataType.UInt32, flags, bigEndian));
        var dims = new byte[8];
        U32(dims, 1, bigEndian);
        U32(dims.AsSpan(4), (uint)text.Length, bigEndian);
        body.Write(Element(MatFile.DataType.Int32, dims, bigEndian));
        body.Write(Element(MatFile.DataType.Int8, Encoding.ASCII.GetBytes(name), bigEndian));
        body.Write(Element(MatFile.DataType.Utf8, Encoding.UTF8.GetBytes(text), bigEndian));
        var content = body.ToArray();
        return [.. Tag(MatFile.DataType.Matrix, content.Length, bigEndian), .. content];
    }

    /// <summary>A data element, padded to 8 bytes; 1..4 data bytes use the small element form as MATLAB does.</summary>
    private static byte[] Element(MatFile.DataType type, byte[] data, bool bigEndian)
    {
        if (data.Length is > 0 and <= 4)
        {
            var small = new byte[8];
            U32(small, (uint)data.Length << 16 | (uint)type, bigEndian);
            data.CopyTo(small, 4);
            return small;
        }
        var padded = (data.Length + 7) & ~7;
        var e = new byte[8 + padded];
        Tag(type, data.Length, bigEndian).CopyTo(e, 0);
        data.CopyTo(e, 8);
        return e;
    }

    private static byte[] Tag(MatFile.DataType type, int length, bool bigEndian)
    {
        var t = new byte[8];
        U32(t, (uint)type, bigEndian);
        U32(t.AsSpan(4), (uint)length, bigEndian);
        return t;
    }

    private static byte[] Encode(MatFile.DataType type, double[] values, bool bigEndian)
    {
        var size = type switch { MatFile.DataType.UInt8 or MatFile.DataType.Int8 => 1, MatFile.DataType.UInt16 or MatFile.DataType.Int16 => 2, MatFile.DataType.Double => 8, _ => 4 };
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            var s = bytes.AsSpan(i * size, size);
            switch (type)
            {
                case MatFile.DataType.UInt8: s[0] = (byte)values[i]; break;
                case MatFile.DataType.Int8: s[0] = (byte)(sbyte)values[i]; break;
                case MatFile.DataType.UInt16: if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(s, (ushort)values[i]); else BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)values[i]); break;
                case MatFile.DataType.Int32: if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(s, (int)values[i]); else BinaryPrimitives.WriteInt32LittleEndian(s, (int)values[i]); break;
                case MatFile.DataType.Single: if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(s, (float)values[i]); else BinaryPrimitives.WriteSingleLittleEndian(s, (float)values[i]); break;
                case MatFile.DataType.Double: if (bigEndian) BinaryPrimitives.WriteDoubleBigEndian(s, values[i]); else BinaryPrimitives.WriteDoubleLittleEndian(s, values[i]); break;
                default: throw new NotSupportedException(type.ToString());
            }
        }
        return bytes;
    }

    private static void U32(Span<byte> s, uint v, bool bigEndian)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(s, v);
        else BinaryPrimitives.WriteUInt32LittleEndian(s, v);
    }

    /// <summary>Level 4 file with one uint8 matrix (type code M0P0 with P = 5).</summary>
    public static byte[] Level4UInt8(string name, int rows, int cols, byte[] columnMajor, bool bigEndian = false)
    {
        var ms = new MemoryStream();
        var header = new byte[20];
        var nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        int[] fields = [(bigEndian ? 1000 : 0) + 50, rows, cols, 0, nameBytes.Length];
        for (var i = 0; i < 5; i++)
            if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * i), fields[i]);
            else BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4 * i), fields[i]);
        ms.Write(header);
        ms.Write(nameBytes);
        ms.Write(columnMajor);
        return ms.ToArray();
    }
}
