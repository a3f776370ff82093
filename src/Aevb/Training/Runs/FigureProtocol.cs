using System.Reflection;

namespace Aevb.Training.Runs;

/// <summary>
/// Departures from the paper's protocol for ablations and quick looks (<c>aevb reproduce</c>'s options); every null
/// member keeps the default of <see cref="FigurePlan"/>. Each member sets the <see cref="RunSettings"/> property of
/// the same name (<see cref="Apply"/> pairs them by name, so a new setting is a property here beside its
/// <see cref="RunSettings"/> property and its command-line option, and nothing in <see cref="Apply"/>); a setting
/// that holds for some data sets only says so in <see cref="AppliesTo"/>.
/// </summary>
public sealed record FigureProtocol
{
    /// <summary>Force one Adagrad step size instead of choosing from {0.01, 0.02, 0.1}.</summary>
    public float? LearningRate { get; init; }

    public long? AnnealSamples { get; init; }

    /// <summary>The initialisation's standard deviation (an ablation of our reading of Section 5's
    /// "N(0, 0.01)").</summary>
    public float? InitStd { get; init; }

    public int? MarginalPoints { get; init; }

    public int? HmcSamples { get; init; }

    public int? HmcLeapfrog { get; init; }

    public int? ImportanceSamples { get; init; }

    public int? McemLeapfrog { get; init; }

    public int? McemWeightUpdates { get; init; }

    public McemChainStart? McemChainStart { get; init; }

    public float? McemTargetAcceptance { get; init; }

    public bool? WakeSleepDreamMeans { get; init; }

    /// <summary>Binarize MNIST once (static) instead of using its intensities as targets.</summary>
    public bool? BinarizeMnist { get; init; }

    /// <summary>The Gaussian decoder's mean and variance links (Frey Face runs only; MNIST's decoder is
    /// Bernoulli).</summary>
    public Models.GaussianMean? GaussianMean { get; init; }

    public Models.GaussianVariance? GaussianVariance { get; init; }

    /// <summary>Frey Face's test frames (Frey Face runs only).</summary>
    public Data.FreySplit? FreySplit { get; init; }

    /// <summary>Methods' own settings by name (e.g. IWAE's <c>k</c>); each applies to the methods that have
    /// it.</summary>
    public IReadOnlyDictionary<string, double>? MethodOptions { get; init; }

    /// <summary>The settings that hold for some runs only; a run they do not hold for keeps its plan's value.</summary>
    private static readonly Dictionary<string, Func<RunSettings, bool>> AppliesTo = new()
    {
        [nameof(BinarizeMnist)] = s => DatasetRegistry.Get(s.Dataset).CanBinarize,
        [nameof(GaussianMean)] = IsGaussian,
        [nameof(GaussianVariance)] = IsGaussian,
        [nameof(FreySplit)] = s => s.Dataset == Data.FreyFace.DatasetName,
    };

    /// <summary>Each setting beside the <see cref="RunSettings"/> property it sets: a member without one is a
    /// mistake found the first time any protocol is used, not a setting silently ignored.</summary>
    private static readonly (PropertyInfo Protocol, PropertyInfo Run)[] Pairs = typeof(FigureProtocol)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.Name != nameof(MethodOptions))
        .Select(p => (p, typeof(RunSettings).GetProperty(p.Name) is { CanWrite: true } r
                         && (Nullable.GetUnderlyingType(r.PropertyType) ?? r.PropertyType)
                         == Nullable.GetUnderlyingType(p.PropertyType)
            ? r
            : throw new InvalidOperationException(
                $"FigureProtocol.{p.Name} has no RunSettings property of that name and type to set.")))
        .ToArray();

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
