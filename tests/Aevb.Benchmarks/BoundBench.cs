using System.Diagnostics;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Benchmarks;

/// <summary>
/// Milliseconds per training step of the library's own estimators on the MNIST shape 784-H-Nz (Bernoulli decoder,
/// M = 100, Adagrad with weight decay, as a figure run steps): AEVB (estimator B, L = 1) beside the
/// importance-weighted bound with k = 1 and k = 5. Wall and process CPU time (the machine may be shared).
/// </summary>
internal static class BoundBench
{
    private const int Batch = 100, Rows = 10_000, Input = 784;

    public static void Run(Options options)
    {
        var config = new VaeConfig(Input, options.Hidden, options.Latent, DecoderKind.Bernoulli);
        Console.WriteLine($"Training step, 784-{options.Hidden}-{options.Latent}, M = {Batch}: " +
            $"median of {options.Repeats} repeats of {options.Steps} steps");
        Measure("AEVB (B, L = 1)", config, options, model =>
        {
            var estimator = new SgvbEstimator(model);
            return (x, scale, rng) =>
            {
                estimator.Forward(x, rng);
                estimator.Backward(scale);
            };
        });
        foreach (var k in new[] { 1, 5 })
            Measure($"IWAE k = {k}", config, options, model =>
            {
                var bound = new ImportanceWeightedBound(model, k);
                return (x, scale, rng) => bound.Step(x, scale, rng);
            });
    }

    private static void Measure(string label, VaeConfig config, Options options,
        Func<Vae, Action<Tensor, float, Rng>> makeStep)
    {
        var rng = new Rng(1);
        var model = Vae.Create(config, 0.01f, rng);
        var data = new float[Rows * Input];
        rng.FillUniform(data);
        var x = new Tensor(Batch, Input);
        var optimizer = new Adagrad(model.Parameters, 0.02f, 1f / 60_000);
        var gradient = makeStep(model);
        void Step()
        {
            for (var i = 0; i < Batch; i++) data.AsSpan(rng.NextInt(Rows) * Input, Input).CopyTo(x.Row(i));
            model.ZeroGrad();
            gradient(x, 60_000f / Batch, rng);
            optimizer.Step();
        }
        for (var i = 0; i < 30; i++) Step();
        var wall = new List<double>(options.Repeats);
        var cpu = new List<double>(options.Repeats);
        for (var r = 0; r < options.Repeats; r++)
        {
            var cpuStart = CpuClock.ProcessSeconds();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < options.Steps; i++) Step();
            wall.Add(1000 * Stats.Seconds(Stopwatch.GetTimestamp() - start) / options.Steps);
            cpu.Add(1000 * (CpuClock.ProcessSeconds() - cpuStart) / options.Steps);
        }
        Console.WriteLine($"  {label,-16} {Stats.Median(wall),7:F2} ms/step wall, " +
            $"{Stats.Median(cpu),7:F2} ms/step CPU");
    }
}
