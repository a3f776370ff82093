using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Aevb.IO;
using Aevb.Models;

namespace Aevb.Training;

/// <summary>What a checkpoint records beside the weights.</summary>
/// <param name="Dataset">The data set the model was trained on (<c>mnist</c>, <c>frey</c>, ...).</param>
/// <param name="SamplesSeen">Training datapoints processed when it was saved.</param>
public sealed record CheckpointInfo(string Dataset, long SamplesSeen);

/// <summary>A model read back from disk with its <see cref="CheckpointInfo"/> and the file it came from (for typed metadata).</summary>
public sealed record LoadedCheckpoint(Vae Model, CheckpointInfo Info, SafeTensorsFile File)
{
    public IReadOnlyDictionary<string, string> Metadata => File.Metadata;
}

/// <summary>
/// Saves a <see cref="Vae"/> as <c>.safetensors</c> that PyTorch users can load: tensors named as in a state
/// dict (<c>encoder.hidden.weight</c>, ..., <c>decoder.out.bias</c>), weights <c>[out, in]</c> as in
/// <c>nn.Linear</c>, biases 1-D <c>[out]</c>, float32; the architecture, data set and samples seen go into the
/// header's <c>__metadata__</c> (all strings, as the format requires): <c>input_size</c>, <c>hidden_size</c>,
/// <c>latent_size</c>, <c>decoder</c> (<c>bernoulli</c>|<c>gaussian</c>), <c>dataset</c>, <c>samples_seen</c>.
/// </summary>
public static class Checkpoint
{
    /// <summary>Writes the model atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, Vae model, CheckpointInfo info, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var c = model.Config;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["model"] = "aevb-vae",
            ["input_size"] = Str(c.InputSize),
            ["hidden_size"] = Str(c.HiddenSize),
            ["latent_size"] = Str(c.LatentSize),
            ["decoder"] = DecoderName(c.Decoder),
            ["dataset"] = info.Dataset,
            ["samples_seen"] = Str(info.SamplesSeen),
        };
        if (extraMetadata is not null)
            foreach (var (k, v) in extraMetadata) metadata.TryAdd(k, v);
        var tensors = model.NamedParameters.Select(p =>
        {
            var v = p.Parameter.Value;
            int[] shape = v.Rows == 1 && p.Name.EndsWith(".bias", StringComparison.Ordinal) ? [v.Cols] : [v.Rows, v.Cols];
            return new SafeTensor(p.Name, shape, v.Data);
        }).ToArray();
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>
    /// Reads a checkpoint written by <see cref="Save"/>. Errors (<see cref="InvalidDataException"/>,
    /// <see cref="FileNotFoundException"/>) name the file and what is wrong with it.
    /// </summary>
    public static LoadedCheckpoint Load(string path)
    {
        var file = SafeTensors.Read(path);
        var meta = file.Metadata;
        foreach (var key in new[] { "input_size", "hidden_size", "latent_size", "decoder", "dataset", "samples_seen" })
            if (!meta.ContainsKey(key))
                throw new InvalidDataException($"{path}: the metadata lacks '{key}'; not an aevb checkpoint (write one with `aevb train`).");
        int Size(string key) => (int)file.Integer(key, 1, int.MaxValue);

        var decoder = meta["decoder"] switch
        {
            "bernoulli" => DecoderKind.Bernoulli,
            "gaussian" => DecoderKind.Gaussian,
            var other => throw new InvalidDataException($"{path}: unknown decoder '{other}' (expected bernoulli or gaussian)."),
        };
        var config = new VaeConfig(Size("input_size"), Size("hidden_size"), Size("latent_size"), decoder);
        try
        {
            config.Validate(); // before the model is allocated: metadata claiming a huge model is refused, not allocated
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: metadata describes a model that cannot be loaded: {e.Message}", e);
        }
        var samples = file.Integer("samples_seen");

        var model = new Vae(config);
        var expected = model.NamedParameters.Select(p => p.Name).ToHashSet();
        foreach (var t in file.Tensors)
            if (!expected.Contains(t.Name))
                throw new InvalidDataException($"{path}: unexpected tensor '{t.Name}' for a {config} model.");
        foreach (var (name, p) in model.NamedParameters)
        {
            var t = file.Find(name) ?? throw new InvalidDataException($"{path}: tensor '{name}' is missing.");
            var v = p.Value;
            var ok = t.Shape.Length == 2 ? t.Shape[0] == v.Rows && t.Shape[1] == v.Cols
                : t.Shape.Length == 1 && v.Rows == 1 && t.Shape[0] == v.Cols;
            if (!ok)
                throw new InvalidDataException($"{path}: tensor '{name}' has shape [{string.Join(", ", t.Shape)}], expected [{(v.Rows == 1 ? "" : v.Rows + ", ")}{v.Cols}] for a {config} model.");
            t.Data.AsSpan().CopyTo(v.Span);
        }
        return new LoadedCheckpoint(model, new CheckpointInfo(meta["dataset"], samples), file);
    }

    /// <summary>
    /// Writes <paramref name="path"/> (e.g. <c>DIR/config.json</c>) describing the model and, when given, the
    /// training settings, so a run can be reproduced; atomic.
    /// </summary>
    public static void WriteConfig(string path, Vae model, CheckpointInfo info, TrainerOptions? options = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var c = model.Config;
            json.WriteStartObject();
            json.WriteString("model", "aevb-vae");
            json.WriteNumber("input_size", c.InputSize);
            json.WriteNumber("hidden_size", c.HiddenSize);
            json.WriteNumber("latent_size", c.LatentSize);
            json.WriteString("decoder", DecoderName(c.Decoder));
            json.WriteString("dataset", info.Dataset);
            json.WriteNumber("samples_seen", info.SamplesSeen);
            if (options is not null)
            {
                json.WriteStartObject("training");
                json.WriteNumber("batch_size", options.BatchSize);
                json.WriteNumber("samples_per_datapoint", options.SamplesPerDatapoint);
                json.WriteString("estimator", options.Estimator.ToString());
                json.WriteString("optimizer", options.Optimizer.ToString().ToLowerInvariant());
                json.WriteNumber("learning_rate", options.LearningRate);
                json.WriteNumber("weight_decay", options.WeightDecay);
                json.WriteNumber("init_std", options.InitStd);
                json.WriteNumber("seed", options.Seed);
                json.WriteEndObject();
            }
            if (extra is not null)
                foreach (var (k, v) in extra) json.WriteString(k, v);
            json.WriteEndObject();
        });
    }

    public static string DecoderName(DecoderKind kind) => kind == DecoderKind.Bernoulli ? "bernoulli" : "gaussian";

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);
}
