using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Aevb.IO;

namespace Aevb.Training;

/// <summary>A named float32 tensor as stored in a .safetensors file.</summary>
public sealed record SafeTensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// The contents of a .safetensors file: tensors in file order and the string metadata. <paramref name="Source"/> (the
/// file's path when read from disk) names the file in the errors of the typed metadata readers.
/// </summary>
public sealed record SafeTensorsFile(IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata, string Source = "safetensors")
{
    public SafeTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>Metadata <paramref name="key"/>; <see cref="InvalidDataException"/> naming the file and key when it is absent.</summary>
    public string Text(string key) => Metadata.TryGetValue(key, out var v) ? v
        : throw new InvalidDataException($"{Source}: the metadata lacks '{key}'.");

    /// <summary>Metadata <paramref name="key"/> as a whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long Integer(string key, long min = 0, long max = long.MaxValue)
        => Check(key, long.TryParse(Text(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null, min, max, "a whole number");

    /// <summary>Metadata <paramref name="key"/> as an unsigned 64-bit whole number (a seed).</summary>
    public ulong Unsigned(string key)
        => ulong.TryParse(Text(key), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : throw new InvalidDataException($"{Source}: metadata '{key}' = '{Text(key)}' is not a whole number from 0 to {ulong.MaxValue}.");

    /// <summary>Metadata <paramref name="key"/> as a finite number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public double Number(string key, double min, double max)
        => Check(key, double.TryParse(Text(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null, min, max, "a number");

    /// <summary>The one range check behind the typed readers: a parsed value inside its range, else an error naming the file, key and value.</summary>
    private T Check<T>(string key, T? value, T min, T max, string kind) where T : struct, IComparable<T>
        => value is { } v && v.CompareTo(min) >= 0 && v.CompareTo(max) <= 0 ? v
            : throw new InvalidDataException($"{Source}: metadata '{key}' = '{Text(key)}' is not {kind} from " +
                                             $"{Convert.ToString(min, CultureInfo.InvariantCulture)} to {Convert.ToString(max, CultureInfo.InvariantCulture)}.");
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

    /// <summary>Most values one tensor may claim: its bytes must fit the largest array this reader holds.</summary>
    private const long MaxTensorValues = int.MaxValue / 4;

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
        if (Directory.Exists(path)) throw new InvalidDataException($"{path}: is a folder, not a .safetensors file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found.", path);
        // A FIFO would block open(2) until a writer comes, a device never ends: both (and an empty file) have size 0 here.
        if (Aevb.IO.RegularFile.Length(new FileInfo(path)) == 0)
            throw new InvalidDataException($"{path}: empty, or not a regular file (a FIFO, socket or device such as /dev/zero); give the path of a .safetensors file.");
        try
        {
            return Parse(ReadBounded(path)) with { Source = path };
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path}: not a valid .safetensors file: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: cannot be read ({e.Message})", e);
        }
    }

    /// <summary>
    /// The file's bytes, read no further than its header says it holds (plus one byte to notice trailing data), so a
    /// device such as /dev/zero or an endless stream is refused instead of read until memory runs out.
    /// </summary>
    private static byte[] ReadBounded(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var prefix = new byte[8];
        var got = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        if (got < 8) throw new FormatException($"the file has {got} bytes, fewer than the 8-byte header length.");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength < 2 || headerLength > MaxHeaderBytes)
            throw new FormatException($"the header length {headerLength} is out of range (not safetensors).");
        var header = new byte[headerLength];
        got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length) throw new FormatException($"the header length {headerLength} does not fit a {8 + got}-byte file (truncated or not safetensors).");
        // The data, and one byte more so that Parse reports a file longer than its header says; read in chunks, so memory
        // grows with what the file really holds, not with what a damaged header claims.
        var wanted = Math.Min(DataLength(header), Array.MaxLength - 16 - header.Length) + 1;
        var bytes = new MemoryStream();
        bytes.Write(prefix);
        bytes.Write(header);
        var chunk = new byte[1 << 20];
        for (long left = wanted; left > 0;)
        {
            var n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, left));
            if (n == 0) break;
            bytes.Write(chunk, 0, n);
            left -= n;
        }
        return bytes.ToArray();
    }

    /// <summary>The end of the last tensor's data, from a header that <see cref="Parse"/> validates in full later (0 if unreadable here).</summary>
    private static long DataLength(byte[] header)
    {
        try
        {
            using var doc = JsonDocument.Parse(header);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return 0;
            long end = 0;
            foreach (var prop in doc.RootElement.EnumerateObject())
                if (prop.Value.ValueKind == JsonValueKind.Object && prop.Value.TryGetProperty("data_offsets", out var off)
                    && off.ValueKind == JsonValueKind.Array && off.GetArrayLength() == 2 && off[1].TryGetInt64(out var e))
                    end = Math.Max(end, e);
            return end;
        }
        catch (JsonException)
        {
            return 0;
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
            if (dim > 0 && count > MaxTensorValues / dim)
                throw new FormatException($"tensor '{name}' has shape {shapeEl.GetRawText()}, over {MaxTensorValues:N0} values, more than this reader holds.");
            count *= dim;
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
