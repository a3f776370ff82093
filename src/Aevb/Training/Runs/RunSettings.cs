using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Aevb.Training.Runs;

/// <summary>What a run measures at each evaluation point.</summary>
public enum RunEvaluation
{
    /// <summary>Figure 2: average lower bound per datapoint (estimator B, L = 1) on the train and test sets.</summary>
    LowerBound,

    /// <summary>Figure 3: estimated marginal likelihood per datapoint on fixed train and test subsets.</summary>
    MarginalLikelihood,
}

/// <summary>Where a Monte Carlo EM chain starts when its datapoint is visited (Appendix E does not say).</summary>
public enum McemChainStart
{
    /// <summary>Where the chain of that datapoint stopped at its last visit (a persistent chain per datapoint).</summary>
    Persistent,

    /// <summary>A fresh draw from the prior <c>N(0, I)</c> at every visit.</summary>
    Prior,
}

/// <summary>
/// Everything that determines a figure run's numbers (two runs with equal settings produce the same log, bit for
/// bit). Stored in <c>run.json</c>; a folder holding a run with other settings is never resumed.
/// </summary>
public sealed record RunSettings
{
    /// <summary>A method's name in <see cref="MethodRegistry"/>: <c>aevb</c>, <c>wakesleep</c>, <c>mcem</c> (<see cref="RunMethod"/>).</summary>
    public required string Method { get; init; }

    /// <summary>A data set's name in <see cref="DatasetRegistry"/>: <c>mnist</c> (Bernoulli decoder), <c>frey</c> (Gaussian).</summary>
    public required string Dataset { get; init; }

    public required int Hidden { get; init; }

    public required int Latent { get; init; }

    /// <summary>Training datapoints used (the first N of the training split); null for all of it.</summary>
    public int? TrainCount { get; init; }

    /// <summary>Training datapoints to process in all (the x axis of the figures).</summary>
    public required long Samples { get; init; }

    public int BatchSize { get; init; } = 100;

    /// <summary>Figure runs train with Adagrad, the paper's optimiser; recorded in run.json.</summary>
    [JsonInclude]
    public string Optimizer => "adagrad";

    /// <summary>
    /// Adagrad's global step size when it is forced (<see cref="LearningRateCandidates"/> null); with candidates, the
    /// step size used is the one chosen at the start of the run and recorded in run.json.
    /// </summary>
    public float LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>The step size when none is forced and no candidates are given.</summary>
    public const float DefaultLearningRate = Optim.Adagrad.DefaultLearningRate;

    /// <summary>
    /// Step sizes to choose from, comma-separated (Section 5: "chosen from {0.01, 0.02, 0.1} based on performance on
    /// the training set in the first few iterations"): each is tried from the same initialisation up to the first
    /// evaluation point, and the run goes on with the one whose training-set score there is best (see
    /// <see cref="FigureRun"/>). Null: use <see cref="LearningRate"/> throughout. A string so the record keeps value equality.
    /// </summary>
    [JsonConverter(typeof(CandidateListConverter))]
    public string? LearningRateCandidates { get; init; }

    /// <summary>The paper's step-size candidates (Section 5).</summary>
    public const string PaperLearningRates = "0.01,0.02,0.1";

    /// <summary>
    /// Optional explicit annealing of the global step size, <c>η_t = η · τ / (τ + t)</c> with t the training samples
    /// seen and τ this value (null: none, Adagrad's own per-parameter decay only). Appendix E mentions "Adagrad
    /// stepsizes (with accompanying annealing schedule)" without giving it; see src/Aevb/Training/README.md.
    /// </summary>
    public long? AnnealSamples { get; init; }

    /// <summary>Precision λ of the <c>N(0, 1/λ)</c> prior on the parameters (1: the paper's <c>N(0, I)</c>).</summary>
    public float WeightDecay { get; init; } = 1f;

    /// <summary>Standard deviation of the <c>N(0, σ²)</c> initialisation (0.01, read as σ; see <see cref="TrainerOptions.InitStd"/>).</summary>
    public float InitStd { get; init; } = DefaultInitStd;

    /// <summary>Section 5's "N(0, 0.01)" read as σ = 0.01 (see <see cref="TrainerOptions.InitStd"/>).</summary>
    public const float DefaultInitStd = 0.01f;

    public ulong Seed { get; init; } = 1;

    public RunEvaluation Evaluation { get; init; } = RunEvaluation.LowerBound;

    /// <summary>First evaluation point; later ones are log-spaced, <see cref="EvaluationsPerDecade"/> per decade, ending at <see cref="Samples"/>.</summary>
    public long FirstEvaluation { get; init; } = 10_000;

    public int EvaluationsPerDecade { get; init; } = 5;

    /// <summary>Checkpoint (and re-seed the minibatch and noise streams) at least this often, in samples.</summary>
    public long CheckpointInterval { get; init; } = 1_000_000;

    /// <summary>Lower bound on the first this-many training points (null: all of them).</summary>
    public int? TrainEvaluationSize { get; init; }

    /// <summary>Lower bound on the first this-many test points (null: all of them).</summary>
    public int? TestEvaluationSize { get; init; }

    /// <summary>Marginal likelihood: datapoints of each subset (the first ones of the training subset and of the test split).</summary>
    public int MarginalPoints { get; init; } = 100;

    /// <summary>Appendix D estimator: L posterior samples per stage, chains per datapoint, warm-up transitions.</summary>
    public int HmcSamples { get; init; } = 200;

    public int HmcChains { get; init; } = 10;

    public int HmcWarmup { get; init; } = 100;

    /// <summary>Importance samples per datapoint for the two cross-checks, encoder proposal and fitted-Gaussian proposal (0: skip them).</summary>
    public int ImportanceSamples { get; init; } = 5000;

    /// <summary>Leapfrog steps per HMC transition of the estimator (Appendix E: 4).</summary>
    public int HmcLeapfrog { get; init; } = 4;

    /// <summary>
    /// Evaluation points: log-spaced from <see cref="FirstEvaluation"/> up to this many samples, then every this-many
    /// samples (for Figure 3's linear x axis). Null: log-spaced throughout.
    /// </summary>
    public long? LinearEvaluationEvery { get; init; }

    /// <summary>MCEM (Appendix E): leapfrog steps per E-step (10), weight updates per E-step (5), and where a chain starts at each visit.</summary>
    public int McemLeapfrog { get; init; } = 10;

    public int McemWeightUpdates { get; init; } = 5;

    public McemChainStart McemChainStart { get; init; } = McemChainStart.Persistent;

    /// <summary>MCEM: the acceptance rate HMC's step size is tuned towards (Appendix E: "automatically tuned stepsize
    /// such that acceptance rate was 90%"; other values are ablations).</summary>
    public float McemTargetAcceptance { get; init; } = 0.9f;

    /// <summary>Wake-sleep's sleep phase dreams the Bernoulli decoder's means instead of binary samples (an ablation; see <see cref="Inference.WakeSleep.DreamMeans"/>).</summary>
    [JsonPropertyName("wakesleep_dreams"), JsonConverter(typeof(DreamsConverter))]
    public bool WakeSleepDreamMeans { get; init; }

    /// <summary>
    /// MNIST binarized once, each pixel drawn from Bernoulli(intensity) with the run's seed (an ablation; by default the
    /// intensities are the Bernoulli decoder's targets: our choice, the paper does not say whether it binarized).
    /// </summary>
    [JsonPropertyName("mnist_binarization"), JsonConverter(typeof(BinarizationConverter))]
    public bool BinarizeMnist { get; init; }

    /// <summary>Gaussian decoder (Frey Face): how its mean layer's output becomes the mean (an ablation; default the
    /// sigmoid of Section 5).</summary>
    public Models.GaussianMean GaussianMean { get; init; }

    /// <summary>Gaussian decoder (Frey Face): how its variance layer's output becomes σ² (an ablation; default log σ²,
    /// Appendix C.2).</summary>
    public Models.GaussianVariance GaussianVariance { get; init; }

    /// <summary>Frey Face: which frames are the test set (an ablation; default ours, see
    /// <see cref="Data.FreyFace"/>); a random split is drawn with the run's seed.</summary>
    public Data.FreySplit FreySplit { get; init; }

    /// <summary>
    /// The method's own settings (<see cref="MethodDescription.Options"/>), as <c>name=value</c> pairs sorted by name,
    /// comma-separated (a string so the record keeps value equality); null for methods without any.
    /// </summary>
    [JsonConverter(typeof(MethodOptionsConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MethodOptions { get; init; }

    /// <summary>Whether this is <paramref name="other"/>'s run (method, model, data, seed, every setting) with another
    /// step size, however chosen, and of any length: an ablation of the step size alone.</summary>
    public bool DiffersOnlyInStepSize(RunSettings other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with { LearningRate = 0, LearningRateCandidates = null, Samples = 0 }
            == other with { LearningRate = 0, LearningRateCandidates = null, Samples = 0 };
    }

    /// <summary>Folder-friendly name, e.g. <c>mnist-n1000-h100-z3-mcem</c>.</summary>
    [JsonIgnore]
    public string Name => $"{Dataset}{(TrainCount is { } n ? $"-n{n}" : "")}-h{Hidden}-z{Latent}-{Method}"
                          + string.Concat(MethodOptionValues().Select(o => $"-{o.Name}{Invariant(o.Value)}"));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        var method = MethodRegistry.Get(Method);
        DatasetRegistry.Get(Dataset);
        if (method.Name != Method) throw new ArgumentException($"Method '{Method}' is spelled '{method.Name}' in settings.");
        ValidateMethodOptions(method);
        if (Hidden <= 0 || Latent <= 0) throw new ArgumentException($"Hidden ({Hidden}) and latent ({Latent}) sizes must be positive.");
        if (TrainCount is <= 0) throw new ArgumentException($"The training subset size must be positive, got {TrainCount}.");
        if (Samples <= 0) throw new ArgumentException($"Samples must be positive, got {Samples}.");
        if (BatchSize <= 0) throw new ArgumentException($"Batch size must be positive, got {BatchSize}.");
        if (TrainCount is { } n && n < BatchSize) throw new ArgumentException($"The training subset ({n}) is smaller than the batch size ({BatchSize}).");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentException($"Learning rate must be positive, got {LearningRate}.");
        if (!(WeightDecay >= 0) || !float.IsFinite(WeightDecay)) throw new ArgumentException($"Weight decay must be zero or positive, got {WeightDecay}.");
        if (!(InitStd >= 0) || !float.IsFinite(InitStd)) throw new ArgumentException($"Init std must be zero or positive, got {InitStd}.");
        foreach (var c in LearningRates())
            if (!(c > 0) || !float.IsFinite(c)) throw new ArgumentException($"Learning-rate candidates must be positive, got '{LearningRateCandidates}'.");
        if (AnnealSamples is <= 0) throw new ArgumentException($"The annealing time scale must be positive, got {AnnealSamples}.");
        if (LinearEvaluationEvery is <= 0) throw new ArgumentException($"The linear evaluation interval must be positive, got {LinearEvaluationEvery}.");
        if (HmcLeapfrog <= 0 || McemLeapfrog <= 0 || McemWeightUpdates <= 0)
            throw new ArgumentException($"Leapfrog steps ({HmcLeapfrog}, MCEM {McemLeapfrog}) and MCEM weight updates ({McemWeightUpdates}) must be positive.");
        if (!(McemTargetAcceptance is > 0 and < 1))
            throw new ArgumentException($"The MCEM target acceptance must lie between 0 and 1, got {McemTargetAcceptance}.");
        if (FirstEvaluation <= 0 || EvaluationsPerDecade <= 0 || CheckpointInterval <= 0)
            throw new ArgumentException("First evaluation, evaluations per decade and checkpoint interval must be positive.");
        if (TrainEvaluationSize is <= 0 || TestEvaluationSize is <= 0) throw new ArgumentException("Evaluation subset sizes must be positive.");
        ValidateDataSettings();
        if (Evaluation == RunEvaluation.MarginalLikelihood && (MarginalPoints <= 0 || HmcSamples < Latent + 2 || HmcChains < 2 || HmcWarmup < 0 || ImportanceSamples < 0))
            throw new ArgumentException($"Marginal-likelihood settings out of range (points {MarginalPoints}, HMC samples {HmcSamples} ≥ latent + 2, chains {HmcChains} ≥ 2, warm-up {HmcWarmup}, importance samples {ImportanceSamples}).");
    }

    private void ValidateDataSettings()
    {
        var dataset = DatasetRegistry.Get(Dataset);
        if (!Enum.IsDefined(GaussianMean) || !Enum.IsDefined(GaussianVariance) || !Enum.IsDefined(FreySplit))
            throw new ArgumentException(
                $"Unknown decoder link ({GaussianMean}, {GaussianVariance}) or split ({FreySplit}).");
        if (dataset.Decoder != Models.DecoderKind.Gaussian
            && (GaussianMean != default || GaussianVariance != default))
            throw new ArgumentException(
                $"{dataset.Label} has a {dataset.Decoder} decoder: the Gaussian decoder's links do not apply.");
        if (FreySplit != default && Dataset != Data.FreyFace.DatasetName)
            throw new ArgumentException($"The Frey Face split does not apply to {dataset.Label}.");
    }

    /// <summary>The step sizes to try (empty when <see cref="LearningRate"/> is forced).</summary>
    public float[] LearningRates() => LearningRateCandidates is null ? []
        : LearningRateCandidates.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : float.NaN).ToArray();

    /// <summary>The global step size after <paramref name="samples"/> training samples, at base rate <paramref name="rate"/>.</summary>
    public float AnnealedRate(float rate, long samples) => AnnealSamples is { } tau ? (float)(rate * tau / (double)(tau + samples)) : rate;

    /// <summary>
    /// The evaluation points: log-spaced from <see cref="FirstEvaluation"/> (then every <see cref="LinearEvaluationEvery"/>
    /// samples, if set), then <see cref="Samples"/>.
    /// </summary>
    public long[] EvaluationPoints()
    {
        var first = Math.Min(FirstEvaluation, Samples);
        if (LinearEvaluationEvery is not { } every || every >= Samples) return EvaluationSchedule.LogSpaced(first, Samples, EvaluationsPerDecade);
        var points = every > first ? EvaluationSchedule.LogSpaced(first, every, EvaluationsPerDecade).ToList() : [every];
        for (var p = points[^1] / every * every + every; p < Samples; p += every) points.Add(p);
        points.Add(Samples);
        return points.Distinct().ToArray();
    }

    /// <summary>The object run.json stores under <c>settings</c> (snake_case names, as every version wrote them).</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, RunSettingsJson.Options)!.AsObject();

    /// <summary>Reads the object written by <see cref="ToJson"/> (or by any earlier version); <paramref name="source"/> names the file in errors.</summary>
    public static RunSettings FromJson(JsonObject json, string source) => RunSettingsJson.Read(json, source);

    /// <summary>The settings that differ from <paramref name="other"/>, as <c>name: a → b</c> (for the mismatch error).</summary>
    public IReadOnlyList<string> Differences(RunSettings other)
    {
        var a = ToJson();
        var b = other.ToJson();
        var result = new List<string>();
        foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
        {
            var x = a[key]?.ToJsonString() ?? "null";
            var y = b[key]?.ToJsonString() ?? "null";
            if (x != y) result.Add($"{key}: {x} → {y}");
        }
        return result;
    }

    /// <summary>The method's own settings as (name, value) pairs, in the order <see cref="MethodOptions"/> holds them.</summary>
    public IEnumerable<(string Name, double Value)> MethodOptionValues() => ParseMethodOptions(MethodOptions);

    /// <summary>The value of the method's own setting <paramref name="name"/>, or its registered default.</summary>
    public double MethodOption(string name)
    {
        foreach (var (key, value) in MethodOptionValues())
            if (key == name) return value;
        return MethodRegistry.Get(Method).Options.FirstOrDefault(o => o.Name == name)?.Default
               ?? throw new ArgumentException($"Method '{Method}' has no setting '{name}'.");
    }

    /// <summary><see cref="MethodOptions"/>' canonical text for these values (sorted by name; null when there are none).</summary>
    public static string? FormatMethodOptions(IEnumerable<(string Name, double Value)> values)
    {
        var sorted = values.OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => $"{v.Name}={Invariant(v.Value)}").ToArray();
        return sorted.Length == 0 ? null : string.Join(",", sorted);
    }

    internal static IEnumerable<(string Name, double Value)> ParseMethodOptions(string? text)
    {
        if (string.IsNullOrEmpty(text)) yield break;
        foreach (var pair in text.Split(','))
        {
            var parts = pair.Split('=');
            if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new ArgumentException($"Method options '{text}' are not name=value pairs.");
            yield return (parts[0], value);
        }
    }

    private void ValidateMethodOptions(MethodDescription method)
    {
        var values = MethodOptionValues().ToList();
        if (FormatMethodOptions(values) != MethodOptions)
            throw new ArgumentException($"Method options '{MethodOptions}' are not sorted name=value pairs.");
        foreach (var (name, value) in values)
        {
            var option = method.Options.FirstOrDefault(o => o.Name == name)
                         ?? throw new ArgumentException($"Method '{Method}' has no setting '{name}'.");
            if (!(value >= option.Min && value <= option.Max) || (option.IsInteger && value != Math.Floor(value)))
                throw new ArgumentException($"Setting '{name}' of {Method} must be {(option.IsInteger ? "a whole number " : "")}in [{option.Min}, {option.Max}], got {value}.");
        }
    }

    internal static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
