using Aevb.Data;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Training;

namespace Aevb.Cli.Commands;

internal static partial class BenchCommand
{
    /// <summary>One timed unit of work and what it counts.</summary>
    private sealed class Workload
    {
        public required Func<double> Step { get; init; }
        public required int SamplesPerStep { get; init; }
        public required string Description { get; init; }
        public required string Shape { get; init; }
        public string Unit { get; init; } = "samples";
        public string RateName { get; init; } = "samples_per_s";
        public string LastName { get; init; } = "minibatch bound";

        public static Workload Aevb(Dataset data, int h, int nz, int m, DecoderKind decoder)
        {
            var options = new TrainerOptions { BatchSize = m };
            var model = Trainer.CreateModel(new VaeConfig(data.Features, h, nz, decoder), options);
            var trainer = new Trainer(model, data, null, options);
            return new Workload
            {
                Step = () => trainer.Step(),
                SamplesPerStep = m,
                Shape = $"{data.Features}-{h}-{nz}",
                Description =
                    $"AEVB {data.Features}-{h}-{nz} VAE ({decoder} decoder), M = {m}, L = 1, Adagrad, estimator B",
            };
        }

        public static Workload Mcem(Dataset data, int h, int nz, int m)
        {
            var rng = new Rng(1);
            var model = Vae.Create(new VaeConfig(data.Features, h, nz), 0.01f, rng);
            var n = data.Count;
            var mcem = new MonteCarloEm(model.Decoder, n, rng);
            var batch = new Tensor(m, data.Features);
            var indices = new int[m];
            var next = 0;
            return new Workload
            {
                Step = () =>
                {
                    for (var r = 0; r < m; r++, next = (next + 1) % n) indices[r] = next;
                    data.CopyRows(indices, batch.Span);
                    mcem.Step(batch, indices, n / (float)m, rng);
                    return mcem.LastObjective;
                },
                SamplesPerStep = m,
                Shape = $"{data.Features}-{h}-{nz}",
                Description = $"MCEM {data.Features}-{h}-{nz} decoder, M = {m}, 10 leapfrog steps, 5 weight updates",
                LastName = "log p(x, z)",
            };
        }

        public static Workload AppendixD(Dataset data, int h, int nz, int points)
        {
            var rng = new Rng(1);
            var model = Vae.Create(new VaeConfig(data.Features, h, nz), 0.01f, rng);
            var x = new Tensor(points, data.Features);
            data.CopyRows(Enumerable.Range(0, points).ToArray(), x.Span);
            // The Figure 3 runs' evaluation settings (paper scale, not --quick).
            var settings = Training.Runs.FigurePlan.Figure3([1000], 1, quick: false, outDirectory: ".")[0].Settings;
            var estimator = new HmcMarginalLikelihood(new DecoderLatentModel(model.Decoder))
            {
                Samples = settings.HmcSamples,
                ChainsPerPoint = settings.HmcChains,
                WarmupSteps = settings.HmcWarmup,
                FittedProposalSamples = settings.ImportanceSamples,
            };
            return new Workload
            {
                Step = () => estimator.EstimateWithCheck(x, rng).AppendixD.Mean,
                SamplesPerStep = points,
                Shape = $"{data.Features}-{h}-{nz}",
                Description = $"Appendix D estimator on {points} points, {data.Features}-{h}-{nz} decoder: "
                    + $"{settings.HmcSamples} samples, {settings.HmcChains} chains, "
                    + $"{settings.HmcWarmup} warm-up transitions, {estimator.LeapfrogSteps} leapfrog steps, "
                    + $"{settings.ImportanceSamples} fitted-proposal samples",
                Unit = "points",
                RateName = "points_per_s",
                LastName = "mean log p(x)",
            };
        }
    }
}
