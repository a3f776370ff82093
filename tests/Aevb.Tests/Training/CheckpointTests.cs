using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Training;

namespace Aevb.Tests.Training;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "aevb-ckpt-" + Guid.NewGuid().ToString("N"));

    public CheckpointTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void RoundTripKeepsEveryValueAndTheSettings(DecoderKind decoder)
    {
        var model = Vae.Create(new VaeConfig(12, 7, 3, decoder), 0.3f, new Rng(1));
        var path = PathOf("model.safetensors");
        Checkpoint.Save(path, model, new CheckpointInfo("mnist", 123456));
        var loaded = Checkpoint.Load(path);
        Assert.Equal(model.Config, loaded.Model.Config);
        Assert.Equal(new CheckpointInfo("mnist", 123456), loaded.Info);
        foreach (var ((name, p), (name2, q)) in model.NamedParameters.Zip(loaded.Model.NamedParameters))
        {
            Assert.Equal(name, name2);
            Assert.True(p.Value.Span.SequenceEqual(q.Value.Span), name);
        }
        Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(_dir).Select(Path.GetFileName)); // no temp file left
    }

    [Fact]
    public void FileFollowsTheSafetensorsLayout()
    {
        var model = Vae.Create(new VaeConfig(5, 4, 2), 0.3f, new Rng(1));
        var path = PathOf("m.safetensors");
        Checkpoint.Save(path, model, new CheckpointInfo("frey", 7));
        var bytes = File.ReadAllBytes(path);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + n) % 8);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, n));
        var meta = header.RootElement.GetProperty("__metadata__");
        Assert.Equal("5", meta.GetProperty("input_size").GetString());
        Assert.Equal("4", meta.GetProperty("hidden_size").GetString());
        Assert.Equal("2", meta.GetProperty("latent_size").GetString());
        Assert.Equal("bernoulli", meta.GetProperty("decoder").GetString());
        Assert.Equal("frey", meta.GetProperty("dataset").GetString());
        Assert.Equal("7", meta.GetProperty("samples_seen").GetString());
        var w = header.RootElement.GetProperty("decoder.out.weight");
        Assert.Equal("F32", w.GetProperty("dtype").GetString());
        Assert.Equal(new[] { 5, 4 }, w.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(new[] { 5 }, header.RootElement.GetProperty("decoder.out.bias").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        // The weight's bytes are its values, little-endian, row-major [out, in].
        var offsets = w.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var value = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + n + offsets[0] + 4 * (2 * 4 + 3)));
        Assert.Equal(model.GetParameter("decoder.out.weight").Value[2, 3], value);
        Assert.Equal(bytes.Length, 8 + n + header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__")
            .Max(p => p.Value.GetProperty("data_offsets")[1].GetInt32()));
    }

    private string Saved()
    {
        var path = PathOf("model.safetensors");
        Checkpoint.Save(path, Vae.Create(new VaeConfig(6, 5, 2), 0.3f, new Rng(1)), new CheckpointInfo("mnist", 1));
        return path;
    }

    /// <summary>Rewrites the JSON header of a saved checkpoint (keeping its data) through <paramref name="edit"/>.</summary>
    private string WithHeader(Func<string, string> edit)
    {
        var bytes = File.ReadAllBytes(Saved());
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(bytes, 8, n)));
        var path = PathOf("edited.safetensors");
        var output = new byte[8 + header.Length + bytes.Length - 8 - n];
        BinaryPrimitives.WriteUInt64LittleEndian(output, (ulong)header.Length);
        header.CopyTo(output, 8);
        bytes.AsSpan(8 + n).CopyTo(output.AsSpan(8 + header.Length));
        File.WriteAllBytes(path, output);
        return path;
    }

    private static void AssertRejected(string path, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TruncatedFileIsRejected()
    {
        var path = Saved();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        AssertRejected(path, "truncated");
        File.WriteAllBytes(path, bytes[..5]);
        AssertRejected(path, "fewer than the 8-byte header length");
        File.WriteAllBytes(path, bytes[..100]);
        AssertRejected(path, "header length");
    }

    [Fact]
    public void HeaderDefectsAreRejected()
    {
        AssertRejected(WithHeader(h => h.Replace("\"F32\"", "\"F16\"")), "only F32");
        AssertRejected(WithHeader(h => h[..^5]), "not valid JSON");
        AssertRejected(WithHeader(h => h.Replace("\"shape\":[5,6]", "\"shape\":[6,5]").Replace("\"shape\":[5]", "\"shape\":[4]")), "data_offsets span");
        AssertRejected(WithHeader(h => h.Replace("\"hidden_size\":\"5\"", "\"hidden_size\":\"x\"")), "hidden_size");
        AssertRejected(WithHeader(h => h.Replace("\"decoder\":\"bernoulli\"", "\"decoder\":\"poisson\"")), "unknown decoder 'poisson'");
        AssertRejected(WithHeader(h => h.Replace("\"dataset\":\"mnist\",", "")), "lacks 'dataset'");
        AssertRejected(WithHeader(h => h.Replace("\"latent_size\":\"2\"", "\"latent_size\":\"3\"")), "tensor 'encoder.mu.weight' has shape [2, 5], expected [3, 5]");
        AssertRejected(WithHeader(h => h.Replace("decoder.out.bias", "decoder.output.bias")), "unexpected tensor 'decoder.output.bias'");
    }

    [Fact]
    public void GarbageAndMissingFilesAreRejected()
    {
        var path = PathOf("garbage.safetensors");
        File.WriteAllBytes(path, Enumerable.Range(0, 64).Select(i => (byte)(i * 37)).ToArray());
        AssertRejected(path, "header length");
        var missing = PathOf("nope.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(missing));
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void ConfigJsonDescribesTheRun()
    {
        var model = new Vae(new VaeConfig(784, 500, 20));
        var path = PathOf("config.json");
        Checkpoint.WriteConfig(path, model, new CheckpointInfo("mnist", 1000), new TrainerOptions { LearningRate = 0.01f, Seed = 4 });
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Assert.Equal(500, root.GetProperty("hidden_size").GetInt32());
        Assert.Equal("bernoulli", root.GetProperty("decoder").GetString());
        Assert.Equal(1000, root.GetProperty("samples_seen").GetInt64());
        Assert.Equal(4UL, root.GetProperty("training").GetProperty("seed").GetUInt64());
        Assert.Equal("adagrad", root.GetProperty("training").GetProperty("optimizer").GetString());
        Assert.Equal(0.01, root.GetProperty("training").GetProperty("learning_rate").GetDouble(), 6);
    }

    [Fact]
    public void LogCsvRoundTrips()
    {
        var log = new TrainingLog();
        log.Add(new TrainingLogEntry(1000, 0.5, -200.25, -201.5, double.NaN));
        log.Add(new TrainingLogEntry(3162, 1.75, -150.125, double.NaN, -149.0));
        var path = PathOf("log.csv");
        log.WriteCsv(path);
        Assert.StartsWith("samples,seconds,train_bound,test_bound,minibatch_bound\n1000,0.5,-200.25,-201.5,\n", File.ReadAllText(path));
        Assert.Equal(log.Entries, TrainingLog.ReadCsv(path).Entries);
        File.WriteAllText(path, "samples,seconds,train_bound,test_bound,minibatch_bound\n1000,x,1,2,3\n");
        var e = Assert.Throws<InvalidDataException>(() => TrainingLog.ReadCsv(path));
        Assert.Contains("line 2", e.Message);
    }
}
