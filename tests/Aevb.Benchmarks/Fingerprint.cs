using System.Security.Cryptography;
using System.Runtime.InteropServices;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;
using Aevb.Training;

namespace Aevb.Benchmarks;

/// <summary>
/// Hashes of every method's state after a few fixed-seed steps (AEVB, wake-sleep, MCEM) and of an Appendix D
/// estimate, at one thread and at two: run before and after an engine change to show the results stay bitwise the same.
/// </summary>
internal static class Fingerprint
{
    public static void Run(Options options)
    {
        foreach (var threads in new[] { 1, 2 })
        {
            Engine.NumThreads = threads;
            var rng = new Rng(5);
            var data = new float[300 * 784];
            rng.FillUniform(data);
            for (var i = 0; i < data.Length; i++) data[i] = data[i] < 0.25f ? 1f : 0f;
            foreach (var decoderKind in new[] { DecoderKind.Bernoulli, DecoderKind.Gaussian })
            {
                var options2 = new TrainerOptions { BatchSize = 100 };
                var trainer = new Trainer(Trainer.CreateModel(new VaeConfig(784, 100, 3, decoderKind), options2), data, null, options2);
                for (var i = 0; i < 20; i++) trainer.Step();
                Console.WriteLine($"threads {threads} AEVB {decoderKind}: {Hash(trainer.Model)}");
            }
            {
                var model = Vae.Create(new VaeConfig(784, 100, 3), 0.01f, new Rng(3));
                var ws = new WakeSleep(model);
                var batch = new Tensor(100, 784);
                data.AsSpan(0, 100 * 784).CopyTo(batch.Span);
                for (var i = 0; i < 20; i++) ws.Step(batch, 3f, rng);
                Console.WriteLine($"threads {threads} wake-sleep: {Hash(model)}");
            }
            {
                var model = Vae.Create(new VaeConfig(784, 100, 3), 0.01f, new Rng(3));
                var mcem = new MonteCarloEm(model.Decoder, 300, new Rng(4));
                var batch = new Tensor(100, 784);
                var indices = new int[100];
                for (var s = 0; s < 12; s++)
                {
                    var first = s % 3 * 100;
                    data.AsSpan(first * 784, 100 * 784).CopyTo(batch.Span);
                    for (var r = 0; r < 100; r++) indices[r] = first + r;
                    mcem.Step(batch, indices, 3f, rng);
                }
                Console.WriteLine($"threads {threads} MCEM: {Hash(model)} chains {HashFloats(mcem.ChainStates)} step {mcem.StepSize:R} objective {mcem.LastObjective:R}");
                var x = new Tensor(4, 784);
                data.AsSpan(0, 4 * 784).CopyTo(x.Span);
                var estimator = new HmcMarginalLikelihood(new DecoderLatentModel(model.Decoder))
                {
                    Samples = 40, ChainsPerPoint = 4, WarmupSteps = 20, FittedProposalSamples = 300, InitialCandidates = 500,
                };
                var (d, f) = estimator.EstimateWithCheck(x, new Rng(9));
                Console.WriteLine($"threads {threads} Appendix D: {string.Join(" ", d.LogLikelihood.Select(v => v.ToString("R")))} fit {f!.Mean:R} accept {d.MeanAcceptance:R}");
            }
        }
    }

    private static string Hash(Vae model)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (_, p) in model.NamedParameters) sha.AppendData(MemoryMarshal.AsBytes(p.Value.Span));
        return Convert.ToHexString(sha.GetHashAndReset())[..16];
    }

    private static string HashFloats(Span<float> values) => Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values)))[..16];
}
