using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Aevb.IO;

namespace Aevb.Training;

/// <summary>A named float32 tensor as stored in a .safetensors file.</summary>
public sealed record SafeTensor(string Name, int[] Shape, float[] Data);

/// <summary>The contents of a .safetensors file: tensors in file order and the string metadata.</summary>
public sealed record SafeTensorsFile(IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    public SafeTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);
}

/// <summary>
/// Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON
/// header <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}</c>
/// padded with spaces to a multiple of 8, then the raw little-endian tensor bytes, contiguous and in order.
/// Only F32 is supported, which is all this engine stores. Files written here load with
/// <c>safetensors.torch.load_file</c>.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes <paramref name="tensors"/> and <paramref name="metadata"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        => AtomicFile.Write(path, stream => Write(stream, tensors, metadata));

    public static void Write(Stream stream, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            var names = new HashSet<string>();
            foreach (var t in tensors)
            {
                if (t.Name == "__metadata__" || !names.Add(t.Name)) throw new ArgumentException($"Tensor name '{t.Name}' is reserved or repeated.");
                var count = t.Shape.Aggregate(1L, (a, s) => a * s);
                if (t.Shape.Any(s => s < 0) || count != t.Data.Length)
                    throw new ArgumentException($"Tensor '{t.Name}' has shape [{string.Join(", ", t.Shape)}] but {t.Data.Length} values.");
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var s in t.Shape) json.WriteNumberValue(s);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += 4L * t.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var t in tensors) WriteFloats(stream, t.Data);
    }

    /// <summary>
    /// Reads and validates a .safetensors file. Any defect (too short, header length out of range, bad JSON,
    /// a dtype other than F32, offsets that do not match the shape or leave holes) raises
    /// <see cref="InvalidDataException"/> naming the file and the problem.
    /// </summary>
    public static SafeTensorsFile Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found.", path);
        var bytes = Aevb.IO.RegularFile.ReadAllBytes(path); // a FIFO or device is refused, not read forever
        try
        {
            return Parse(bytes);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path}: not a valid .safetensors file: {e.Message}", e);
        }
    }

    private static SafeTensorsFile Parse(byte[] bytes)
    {
        if (bytes.Length < 8) throw new FormatException($"the file has {bytes.Length} bytes, fewer than the 8-byte header length.");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || headerLength > (ulong)bytes.Length - 8)
            throw new FormatException($"the header length {headerLength} does not fit a {bytes.Length}-byte file (truncated or not safetensors).");
        var dataStart = 8 + (int)headerLength;
        var dataLength = bytes.Length - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw new FormatException($"the header is not valid JSON ({e.Message}).");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException("the header is not a JSON object.");
            var metadata = new Dictionary<string, string>();
            var entries = new List<(string Name, int[] Shape, long Begin, long End)>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw new FormatException("__metadata__ is not an object.");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw new FormatException($"metadata '{m.Name}' is not a string.");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(prop));
            }

            // Tensors must tile the data buffer exactly, as the reference implementation requires.
            long expected = 0;
            foreach (var e in entries.OrderBy(e => e.Begin))
            {
                if (e.Begin != expected) throw new FormatException($"tensor '{e.Name}' starts at byte {e.Begin}, expected {expected} (overlap or hole).");
                expected = e.End;
            }
            if (expected != dataLength)
                throw new FormatException($"the tensors cover {expected} bytes but the file holds {dataLength} bytes of data (truncated or padded).");

            var tensors = entries.Select(e =>
            {
                var data = new float[(e.End - e.Begin) / 4];
                ReadFloats(bytes.AsSpan(dataStart + (int)e.Begin, (int)(e.End - e.Begin)), data);
                return new SafeTensor(e.Name, e.Shape, data);
            }).ToArray();
            return new SafeTensorsFile(tensors, metadata);
        }
    }

    private static (string, int[], long, long) ParseEntry(JsonProperty prop)
    {
        var name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw new FormatException($"entry '{name}' is not an object.");
        if (!v.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw new FormatException($"tensor '{name}' has no dtype.");
        if (dtype.GetString() != "F32") throw new FormatException($"tensor '{name}' has dtype {dtype.GetString()}; only F32 is supported.");
        if (!v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw new FormatException($"tensor '{name}' has no shape.");
        var shape = new int[shapeEl.GetArrayLength()];
        var i = 0;
        long count = 1;
        foreach (var s in shapeEl.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt32(out var dim) || dim < 0)
                throw new FormatException($"tensor '{name}' has an invalid shape.");
            shape[i++] = dim;
            count = checked(count * dim);
        }
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2
            || !off[0].TryGetInt64(out var begin) || !off[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw new FormatException($"tensor '{name}' has invalid data_offsets.");
        if (end - begin != 4 * count)
            throw new FormatException($"tensor '{name}' has shape [{string.Join(", ", shape)}] ({4 * count} bytes) but data_offsets span {end - begin} bytes.");
        return (name, shape, begin, end);
    }

    private static void WriteFloats(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        var buffer = new byte[4];
        foreach (var f in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, f);
            stream.Write(buffer);
        }
    }

    private static void ReadFloats(ReadOnlySpan<byte> source, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        for (var i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(4 * i));
    }
}
