using System.Reflection;

namespace Aevb.Training.Runs;

/// <summary>
/// Departures from the paper's protocol for ablations and quick looks (<c>aevb reproduce</c>'s options); every null
/// member keeps the default of <see cref="FigurePlan"/>. A setting is one property here, nothing else: it sets the
/// <see cref="RunSettings"/> property of the same name (<see cref="Apply"/> pairs them by name), and its
/// <see cref="ProtocolOptionAttribute"/> is its command-line option, help and check (the CLI builds its options from
/// <see cref="Options"/>, in the order the properties are declared); a setting that holds for some data sets only
/// says so in <see cref="AppliesTo"/>.
/// </summary>
public sealed record FigureProtocol
{
    /// <summary>Force one Adagrad step size instead of choosing from {0.01, 0.02, 0.1}.</summary>
    [ProtocolOption("--lr", "Force one Adagrad step size (default: chosen per run from 0.01,0.02,0.1 on the "
        + "training set at the first evaluation point, Section 5).",
        HelpName = "RATE", Above = 0, Must = "a positive number")]
    public float? LearningRate { get; init; }

    [ProtocolOption("--anneal", "Anneal the step size as rate·TAU/(TAU+t), t = samples seen (our reading of "
        + "Appendix E's \"annealing schedule\"; default: off).",
        HelpName = "TAU", Above = 0, Must = "a positive whole number of samples")]
    public long? AnnealSamples { get; init; }

    /// <summary>The initialisation's standard deviation (an ablation of our reading of Section 5's
    /// "N(0, 0.01)").</summary>
    [ProtocolOption("--init-std", "Standard deviation of the N(0, σ²) initialisation (default 0.01: we read "
        + "Section 5's \"N(0, 0.01)\" as σ; 0.1 is the other reading, variance 0.01).",
        HelpName = "SIGMA", Above = 0, Must = "a positive number")]
    public float? InitStd { get; init; }

    [ProtocolOption("--marginal-points",
        "Figure 3: train and test points for the marginal likelihood (Appendix E: 1000).",
        HelpName = "N", Above = 0, Must = "a positive integer")]
    public int? MarginalPoints { get; init; }

    [ProtocolOption("--hmc-samples",
        "Figure 3: posterior samples per point and stage of the Appendix D estimator (Appendix E: 50).",
        HelpName = "L", Above = 0, Must = "a positive integer")]
    public int? HmcSamples { get; init; }

    [ProtocolOption("--hmc-leapfrog", "Figure 3: leapfrog steps per HMC transition of the estimator (Appendix E: 4).",
        HelpName = "K", Above = 0, Must = "a positive integer")]
    public int? HmcLeapfrog { get; init; }

    /// <summary>Unchecked on the command line: <see cref="RunSettings.Validate"/> refuses a negative count in
    /// Figure 3's runs (Figure 2's do not use it).</summary>
    [ProtocolOption("--importance-samples",
        "Figure 3: importance samples per point for the cross-checks (ours; 0 skips them).", HelpName = "K")]
    public int? ImportanceSamples { get; init; }

    [ProtocolOption("--mcem-leapfrog", "MCEM: leapfrog steps per E-step (Appendix E: 10).",
        HelpName = "K", Above = 0, Must = "a positive integer")]
    public int? McemLeapfrog { get; init; }

    [ProtocolOption("--mcem-updates", "MCEM: weight updates per E-step (Appendix E: 5).",
        HelpName = "K", Above = 0, Must = "a positive integer")]
    public int? McemWeightUpdates { get; init; }

    [ProtocolOption("--ws-dreams", "Wake-sleep: dream binary samples of the Bernoulli decoder (samples, default) "
        + "or its grey-level means (means).", No = "samples", Yes = "means")]
    public bool? WakeSleepDreamMeans { get; init; }

    /// <summary>Binarize MNIST once (static) instead of using its intensities as targets.</summary>
    [ProtocolOption("--binarize", "MNIST: binarize once, each pixel drawn from Bernoulli(intensity) with the run's "
        + "seed (an ablation; default: the intensities are the targets, our choice).")]
    public bool? BinarizeMnist { get; init; }

    [ProtocolOption("--mcem-chain-start", "MCEM: a point's chain starts where it stopped at its last visit "
        + "(persistent, ours) or from a fresh prior draw (prior).")]
    public McemChainStart? McemChainStart { get; init; }

    [ProtocolOption("--mcem-target-acceptance",
        "MCEM: the HMC acceptance rate the E-step's step size is tuned towards (Appendix E: 0.9).",
        HelpName = "A", Above = 0, Below = 1, Must = "a number between 0 and 1")]
    public float? McemTargetAcceptance { get; init; }

    /// <summary>The Gaussian decoder's mean and variance links (Frey Face runs only; MNIST's decoder is
    /// Bernoulli).</summary>
    [ProtocolOption("--gaussian-mean", "Frey Face: the Gaussian decoder's mean, sigmoid (Section 5, default) or "
        + "linear (Appendix C.2's formula).")]
    public Models.GaussianMean? GaussianMean { get; init; }

    [ProtocolOption("--gaussian-variance", "Frey Face: the Gaussian decoder's variance layer outputs log σ² "
        + "(logvar, Appendix C.2, default) or σ² through a softplus.")]
    public Models.GaussianVariance? GaussianVariance { get; init; }

    /// <summary>Frey Face's test frames (Frey Face runs only).</summary>
    [ProtocolOption("--frey-split", "Frey Face: the 190 test frames are the last 10 of every 100 (blocks, ours), "
        + "drawn at random with the seed (random), or the last 190 (tail).")]
    public Data.FreySplit? FreySplit { get; init; }

    /// <summary>Methods' own settings by name (e.g. IWAE's <c>k</c>); each applies to the methods that have
    /// it (their options come from <see cref="MethodRegistry"/>, not from a property here).</summary>
    public IReadOnlyDictionary<string, double>? MethodOptions { get; init; }

    /// <summary>The settings that hold for some runs only; a run they do not hold for keeps its plan's value.</summary>
    private static readonly Dictionary<string, Func<RunSettings, bool>> AppliesTo = new()
    {
        [nameof(BinarizeMnist)] = s => DatasetRegistry.Get(s.Dataset).CanBinarize,
        [nameof(GaussianMean)] = IsGaussian,
        [nameof(GaussianVariance)] = IsGaussian,
        [nameof(FreySplit)] = s => s.Dataset == Data.FreyFace.DatasetName,
    };

    /// <summary>Each setting with its command-line option, in declaration order (the order of the help): a property
    /// without its <see cref="ProtocolOptionAttribute"/> is a mistake found the first time any protocol is used, not
    /// a setting the command line silently lacks.</summary>
    /// <remarks>A field, not a property, so that the protocol's properties are its settings alone.</remarks>
    public static readonly IReadOnlyList<(PropertyInfo Property, ProtocolOptionAttribute Option)> Options =
        typeof(FigureProtocol).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name != nameof(MethodOptions))
            .OrderBy(p => p.MetadataToken)
            .Select(p => (p, ProtocolOptionOf(p)))
            .ToArray();

    /// <summary>Each setting beside the <see cref="RunSettings"/> property it sets: a member without one is a
    /// mistake found the first time any protocol is used, not a setting silently ignored.</summary>
    private static readonly (PropertyInfo Protocol, PropertyInfo Run)[] Pairs = Options
        .Select(o => (o.Property, typeof(RunSettings).GetProperty(o.Property.Name) is { CanWrite: true } r
                                  && (Nullable.GetUnderlyingType(r.PropertyType) ?? r.PropertyType)
                                  == Nullable.GetUnderlyingType(o.Property.PropertyType)
            ? r
            : throw new InvalidOperationException(
                $"FigureProtocol.{o.Property.Name} has no RunSettings property of that name and type to set.")))
        .ToArray();

    /// <summary>The option that gives <paramref name="property"/>; throws naming it when it has none.</summary>
    public static ProtocolOptionAttribute ProtocolOptionOf(PropertyInfo property)
        => property.GetCustomAttribute<ProtocolOptionAttribute>()
           ?? throw new InvalidOperationException($"{property.DeclaringType?.Name}.{property.Name} has no "
                                                  + "[ProtocolOption]: its command-line option, help and check.");

    internal RunSettings Apply(RunSettings s)
    {
        var applied = s with
        {
            MethodOptions = RunSettings.FormatMethodOptions(s.MethodOptionValues()
                .Select(o => MethodOptions is not null && MethodOptions.TryGetValue(o.Name, out var v)
                    ? (o.Name, v) : o)),
            // A forced step size replaces the choice among candidates.
            LearningRateCandidates = LearningRate is null ? s.LearningRateCandidates : null,
        };
        foreach (var (protocol, run) in Pairs)
        {
            var holds = !AppliesTo.TryGetValue(protocol.Name, out var appliesTo) || appliesTo(s);
            if (holds && protocol.GetValue(this) is { } value)
                run.SetValue(applied, value); // on the copy `with` just made: s itself is not changed
        }
        return applied;
    }

    private static bool IsGaussian(RunSettings s)
        => DatasetRegistry.Get(s.Dataset).Decoder == Models.DecoderKind.Gaussian;
}
