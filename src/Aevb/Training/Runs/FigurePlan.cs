namespace Aevb.Training.Runs;

/// <summary>One run of a figure: its settings and its folder.</summary>
public sealed record PlannedRun(RunSettings Settings, string Directory, string Figure);

/// <summary>
/// The runs behind the paper's Figures 2 and 3, at the paper's settings (DESIGN §4) or, with <c>quick</c>, at
/// settings small enough to finish in a few minutes here. Folders: <c>OUT/fig2/&lt;run&gt;/</c>, <c>OUT/fig3/&lt;run&gt;/</c>
/// with run names like <c>mnist-h500-z20-aevb</c> (<see cref="RunSettings.Name"/>).
/// </summary>
public static class FigurePlan
{
    /// <summary>Paper: MNIST Nz ∈ {3, 5, 10, 20, 200}; Frey Face Nz ∈ {2, 5, 10, 20}.</summary>
    public static int[] Figure2Latents(string dataset) => dataset == "frey" ? [2, 5, 10, 20] : [3, 5, 10, 20, 200];

    /// <summary>
    /// Figure 2: for each latent size, AEVB and wake-sleep with 500 (MNIST) or 200 (Frey Face) hidden units, M = 100,
    /// Adagrad, train and test lower bound at log-spaced sample counts. Paper scale: up to 10⁸ samples, evaluated
    /// from 10⁵ on the whole train and test sets. Quick: 10⁵ samples, evaluated from 10⁴ on 2000 points of each.
    /// </summary>
    public static IReadOnlyList<PlannedRun> Figure2(string dataset, IReadOnlyList<int>? latents, long? samples, bool quick, string outDirectory, ulong seed = 1)
    {
        var hidden = dataset == "frey" ? 200 : 500;
        var total = samples ?? (quick ? 100_000 : 100_000_000);
        var runs = new List<PlannedRun>();
        foreach (var nz in latents ?? Figure2Latents(dataset))
            foreach (var method in new[] { RunMethod.Aevb, RunMethod.WakeSleep })
            {
                var settings = new RunSettings
                {
                    Method = method,
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
                };
                runs.Add(new PlannedRun(settings, Path.Combine(outDirectory, "fig2", settings.Name), "fig2"));
            }
        return runs;
    }

    /// <summary>
    /// Figure 3: MNIST, 3 latent variables, 100 hidden units, N_train ∈ {1000, 50000}; AEVB, wake-sleep and MCEM;
    /// marginal likelihood (Appendix D estimator, plus the importance-sampled one) on the first 100 training and test
    /// points at log-spaced sample counts. Paper scale: up to 10⁸ samples. Quick: 10⁵ samples, 20 points and
    /// smaller estimators.
    /// </summary>
    public static IReadOnlyList<PlannedRun> Figure3(IReadOnlyList<int>? trainCounts, long? samples, bool quick, string outDirectory, ulong seed = 1)
    {
        var total = samples ?? (quick ? 100_000 : 100_000_000);
        var runs = new List<PlannedRun>();
        foreach (var n in trainCounts ?? [1000, 50000])
            foreach (var method in new[] { RunMethod.Aevb, RunMethod.WakeSleep, RunMethod.MonteCarloEm })
            {
                var settings = new RunSettings
                {
                    Method = method,
                    Dataset = "mnist",
                    Hidden = 100,
                    Latent = 3,
                    TrainCount = n,
                    Samples = total,
                    Seed = seed,
                    Evaluation = RunEvaluation.MarginalLikelihood,
                    FirstEvaluation = 10_000,
                    EvaluationsPerDecade = 3,
                    MarginalPoints = quick ? 20 : 100,
                    HmcSamples = quick ? 50 : 100,
                    HmcChains = 8, // 4 chains per datapoint give the samples q is fitted to, 4 the samples it scores
                    HmcWarmup = quick ? 50 : 100,
                    ImportanceSamples = quick ? 500 : 5000,
                };
                runs.Add(new PlannedRun(settings, Path.Combine(outDirectory, "fig3", settings.Name), "fig3"));
            }
        return runs;
    }
}
