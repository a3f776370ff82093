using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Aevb.Training.Runs;

/// <summary>
/// How <see cref="RunSettings"/> reads and writes run.json's <c>settings</c>: System.Text.Json with snake_case names,
/// the property names and value spellings every earlier version wrote, and the defaults that stand for keys added
/// after the first runs were committed.
/// </summary>
internal static class RunSettingsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    /// <summary>Keys added with the paper's protocol and later: absent from earlier runs, read as the values those runs
    /// used.</summary>
    private static readonly HashSet<string> s_addedLater =
    [
        "optimizer", "learning_rate_candidates", "anneal_samples", "hmc_leapfrog", "linear_evaluation_every",
        "mcem_leapfrog", "mcem_weight_updates", "mcem_chain_start", "wakesleep_dreams", "mnist_binarization",
        "method_options", "train_count", "train_evaluation_size", "test_evaluation_size",
        // Frey Face ablations (issue 16): every earlier run used the sigmoid mean, log σ² and our block split.
        "gaussian_mean", "gaussian_variance", "frey_split",
        // MCEM adaptation ablation (issue 16): every earlier run tuned HMC towards 90 % acceptance.
        "mcem_target_acceptance",
    ];

    /// <summary>Every key run.json's settings hold, as this version writes them.</summary>
    private static readonly Lazy<string[]> s_keys = new(() =>
        new RunSettings { Method = "", Dataset = "", Hidden = 0, Latent = 0, Samples = 0 }.ToJson()
            .Select(p => p.Key).ToArray());

    public static RunSettings Read(JsonObject json, string source)
    {
        var copy = json.DeepClone().AsObject();
        var keys = s_keys.Value;
        // With candidates, learning_rate is the step size the run chose, null before the choice (FigureRun compares a
        // stored run with the settings asking for it without it).
        var learningRateOptional = copy["learning_rate_candidates"] is JsonArray;
        if (learningRateOptional && copy["learning_rate"] is null) copy.Remove("learning_rate");
        foreach (var key in keys)
            if (!copy.ContainsKey(key) && !s_addedLater.Contains(key)
                && !(learningRateOptional && key == "learning_rate"))
                throw new InvalidDataException($"{source}: settings lack '{key}'.");
        // The estimator's leapfrog steps before they were a setting.
        if (!copy.ContainsKey("hmc_leapfrog")) copy["hmc_leapfrog"] = 10;
        copy.Remove("optimizer"); // always Adagrad (read-only)
        try
        {
            var settings = copy.Deserialize<RunSettings>(Options)
                           ?? throw new InvalidDataException($"{source}: settings are null.");
            // An alias (e.g. "ws") in a hand-written file names the same method.
            return MethodRegistry.Find(settings.Method) is { } method
                ? settings with { Method = method.Name }
                : settings;
        }
        catch (JsonException e)
        {
            var key = e.Path is { Length: > 2 } path ? path[2..] : "?";
            throw new InvalidDataException($"{source}: setting '{key}' has the wrong type or value ({e.Message}).", e);
        }
    }
}

/// <summary>Step-size candidates, a comma-separated string in the record, a JSON array of positive numbers in
/// run.json.</summary>
internal sealed class CandidateListConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        var values = JsonSerializer.Deserialize<JsonNode?[]>(ref reader, options) ?? [];
        return string.Join(",", values.Select(c =>
            c is JsonValue v && v.TryGetValue<float>(out var rate) && float.IsFinite(rate) && rate > 0
                ? rate.ToString("R", CultureInfo.InvariantCulture)
                : throw new JsonException(
                    $"'learning_rate_candidates' holds {c?.ToJsonString() ?? "null"}, not a positive number.")));
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartArray();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            writer.WriteNumberValue(
                float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : float.NaN);
        writer.WriteEndArray();
    }
}

/// <summary>A method's own settings, <c>k=5</c> in the record, <c>{"k": 5}</c> in run.json.</summary>
internal sealed class MethodOptionsConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, double>>(ref reader, options)
                     ?? throw new JsonException("'method_options' is not an object of numbers.");
        return RunSettings.FormatMethodOptions(values.Select(p => (p.Key, p.Value)));
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, v) in RunSettings.ParseMethodOptions(value)) writer.WriteNumber(name, v);
        writer.WriteEndObject();
    }
}

/// <summary>A switch run.json spells as one of two words (so a reader sees what it means, not <c>true</c>).</summary>
internal abstract class WordSwitchConverter(string on, string off) : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var word = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return word == on || (word == off
            ? false
            : throw new JsonException($"Expected \"{on}\" or \"{off}\", got {word ?? reader.TokenType.ToString()}."));
    }

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options)
        => writer.WriteStringValue(value ? on : off);
}

/// <summary><c>wakesleep_dreams</c>: <c>means</c> or <c>samples</c>.</summary>
internal sealed class DreamsConverter() : WordSwitchConverter("means", "samples");

/// <summary><c>mnist_binarization</c>: <c>static</c> or <c>none</c>.</summary>
internal sealed class BinarizationConverter() : WordSwitchConverter("static", "none");
