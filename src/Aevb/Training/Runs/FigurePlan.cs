namespace Aevb.Training.Runs;

/// <summary>One run of a figure: its settings and its folder.</summary>
public sealed record PlannedRun(RunSettings Settings, string Directory, string Figure);

/// <summary>
/// The runs behind the paper's Figures 2 and 3, at the paper's settings (Section 5, Appendix E) or, with <c>quick</c>, at
/// settings small enough to finish in a few minutes here. Folders: <c>OUT/fig2/&lt;run&gt;/</c>, <c>OUT/fig3/&lt;run&gt;/</c>
/// with run names like <c>mnist-h500-z20-aevb</c> (<see cref="RunSettings.Name"/>).
/// </summary>
public static class FigurePlan
{
    public const string Figure2Name = "fig2";
    public const string Figure3Name = "fig3";

    /// <summary>Figure 3's model: 100 hidden units, 3 latent variables (Section 5).</summary>
    public const int Figure3Hidden = 100;

    public const int Figure3Latent = 3;

    /// <summary>Paper: MNIST Nz ∈ {3, 5, 10, 20, 200}; Frey Face Nz ∈ {2, 5, 10, 20}.</summary>
    public static int[] Figure2Latents(string dataset) => DatasetRegistry.Get(dataset).Figure2Latents.ToArray();

    /// <summary>
    /// Figure 2: for each latent size, AEVB and wake-sleep with 500 (MNIST) or 200 (Frey Face) hidden units, M = 100,
    /// Adagrad, train and test lower bound at log-spaced sample counts. Paper scale: up to 10⁸ samples, evaluated
    /// from 10⁵ on the whole train and test sets. Quick: 10⁵ samples, evaluated from 10⁴ on 2000 points of each.
    /// </summary>
    public static IReadOnlyList<PlannedRun> Figure2(string dataset, IReadOnlyList<int>? latents, long? samples, bool quick, string outDirectory, ulong seed = 1,
        FigureProtocol? protocol = null)
    {
        var hidden = DatasetRegistry.Get(dataset).Hidden;
        var total = samples ?? (quick ? 100_000 : 100_000_000);
        var runs = new List<PlannedRun>();
        foreach (var nz in latents ?? Figure2Latents(dataset))
            foreach (var method in MethodRegistry.InPaper(Figure2Name))
            {
                var settings = new RunSettings
                {
                    Method = method.Name,
                    MethodOptions = DefaultOptions(method),
                    Dataset = dataset,
                    Hidden = hidden,
                    Latent = nz,
                    Samples = total,
                    Seed = seed,
                    Evaluation = RunEvaluation.LowerBound,
                    FirstEvaluation = quick ? 10_000 : 100_000,
                    EvaluationsPerDecade = 5,
                    TrainEvaluationSize = quick ? 2000 : null,
                    TestEvaluationSize = quick ? 2000 : null,
                    LearningRateCandidates = RunSettings.PaperLearningRates,
                };
                if (protocol is not null) settings = protocol.Apply(settings);
                runs.Add(new PlannedRun(settings, Path.Combine(outDirectory, Figure2Name, settings.Name), Figure2Name));
            }
        return runs;
    }

    /// <summary>The end of Figure 3's linear x axis in the paper: 60 M samples for N = 1000, about 68 M for N = 50000.</summary>
    public static long Figure3Samples(int trainCount) => trainCount >= 50000 ? 68_000_000 : 60_000_000;

    /// <summary>
    /// Figure 3: MNIST, 3 latent variables, 100 hidden units, N_train ∈ {1000, 50000}; AEVB, wake-sleep and MCEM;
    /// marginal likelihood on the first 1000 training and first 1000 test points, 50 posterior samples per point from
    /// HMC with 4 leapfrog steps (Appendix E), for the Appendix D estimator (plus the importance-sampled cross-checks).
    /// Paper scale: to the end of the paper's linear x axis (<see cref="Figure3Samples"/>), evaluated at log-spaced
    /// points to 2·10⁶ samples and every 2·10⁶ after that. Quick: 10⁵ samples, 20 points and smaller estimators.
    /// </summary>
    public static IReadOnlyList<PlannedRun> Figure3(IReadOnlyList<int>? trainCounts, long? samples, bool quick, string outDirectory, ulong seed = 1,
        FigureProtocol? protocol = null)
    {
        var runs = new List<PlannedRun>();
        foreach (var n in trainCounts ?? [1000, 50000])
            foreach (var method in MethodRegistry.InPaper(Figure3Name))
            {
                var total = samples ?? (quick ? 100_000 : Figure3Samples(n));
                var settings = new RunSettings
                {
                    Method = method.Name,
                    MethodOptions = DefaultOptions(method),
                    Dataset = DatasetRegistry.Mnist.Name,
                    Hidden = Figure3Hidden,
                    Latent = Figure3Latent,
                    TrainCount = n,
                    Samples = total,
                    Seed = seed,
                    Evaluation = RunEvaluation.MarginalLikelihood,
                    FirstEvaluation = quick ? 10_000 : 100_000,
                    EvaluationsPerDecade = 3,
                    LinearEvaluationEvery = quick ? null : 2_000_000,
                    LearningRateCandidates = RunSettings.PaperLearningRates,
                    MarginalPoints = quick ? 20 : 1000,
                    HmcSamples = 50,
                    HmcLeapfrog = 4,
                    HmcChains = 8, // 4 chains per datapoint give the samples q is fitted to, 4 the samples it scores (our choice)
                    HmcWarmup = quick ? 50 : 100,
                    ImportanceSamples = quick ? 500 : 1000,
                };
                if (protocol is not null) settings = protocol.Apply(settings);
                runs.Add(new PlannedRun(settings, Path.Combine(outDirectory, Figure3Name, settings.Name), Figure3Name));
            }
        return runs;
    }

    /// <summary>
    /// The runs of a paper plan with <paramref name="methods"/> (by name, any of <see cref="MethodRegistry"/>) in
    /// place of the paper's, at the same settings, in the registry's order (<c>aevb reproduce --method</c>).
    /// </summary>
    public static IReadOnlyList<PlannedRun> WithMethods(IReadOnlyList<PlannedRun> paperPlan, IReadOnlyList<string> methods,
        FigureProtocol? protocol = null)
    {
        var runs = new List<PlannedRun>();
        var chosen = methods.Select(MethodRegistry.Get).Distinct().OrderBy(m => MethodRegistry.Position(m.Name)).ToList(); // plan order
        foreach (var group in paperPlan.GroupBy(p => p.Settings with { Method = "", MethodOptions = null }))
            foreach (var method in chosen)
            {
                var settings = group.Key with { Method = method.Name, MethodOptions = DefaultOptions(method) };
                if (protocol is not null) settings = protocol.Apply(settings);
                var first = group.First();
                runs.Add(new PlannedRun(settings, Path.Combine(Path.GetDirectoryName(first.Directory)!, settings.Name), first.Figure));
            }
        return runs;
    }

    private static string? DefaultOptions(MethodDescription method)
        => RunSettings.FormatMethodOptions(method.Options.Select(o => (o.Name, o.Default)));
}
