// Training throughput of the paper's VAEs (estimator B, L = 1, minibatches of 100, Adagrad) in TorchSharp
// (LibTorch 2.10, CPU) beside our engine, at 1 and 2 threads, on random data in [0, 1], interleaved round by round.
//
//   OMP_WAIT_POLICY=PASSIVE dotnet run -c Release --project tests/Aevb.Torch.Bench -- \
//       [--model mnist|fig3|frey] [--latent N] [--threads 1,2] [--rounds 3] [--seconds 5] [--warmup 1]
//
// Models: mnist 784-500-20 (Figure 2, Bernoulli), fig3 784-100-3 (Figure 3, Bernoulli), frey 560-200-10 (Figure 2
// Frey Face, Gaussian); --latent changes the latent size. Rates are samples per wall-clock second and per CPU-second
// of this process (which waiting for a core on a shared machine does not lower). OMP_WAIT_POLICY=PASSIVE stops
// LibTorch's OpenMP threads from spinning between operations, which otherwise takes a core from everything else on
// a 2-core machine. Our engine's thread count is Engine.NumThreads.
using System.Diagnostics;
using System.Globalization;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;
using Aevb.Torch;
using TorchSharp;
using static TorchSharp.torch;

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
var modelName = Arg("--model", "mnist");
var seconds = double.Parse(Arg("--seconds", "5"), CultureInfo.InvariantCulture);
var warmUpSeconds = double.Parse(Arg("--warmup", "1"), CultureInfo.InvariantCulture);
var rounds = int.Parse(Arg("--rounds", "3"), CultureInfo.InvariantCulture);
var threadCounts = Arg("--threads", "1,2").Split(',').Select(int.Parse).ToArray();
var config = modelName switch
{
    "mnist" => new VaeConfig(784, 500, 20, DecoderKind.Bernoulli),
    "fig3" => new VaeConfig(784, 100, 3, DecoderKind.Bernoulli),
    "frey" => new VaeConfig(560, 200, 10, DecoderKind.Gaussian),
    _ => throw new ArgumentException($"--model: '{modelName}' is not one of mnist, fig3, frey."),
};
config = config with { LatentSize = int.Parse(Arg("--latent", config.LatentSize.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture) };
const int batch = 100, n = 10_000;
var features = config.InputSize;
var data = new float[n * features];
new Rng(1).FillUniform(data);

Console.WriteLine($"model {modelName} {features}-{config.HiddenSize}-{config.LatentSize} {config.Decoder}; OMP_WAIT_POLICY=" +
    $"{Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"}; {Environment.ProcessorCount} cores; load average {LoadAverage()}; " +
    $"{rounds} rounds of {seconds} s per engine and thread count, each after a warm-up of 20 steps and {warmUpSeconds} s");
foreach (var threads in threadCounts)
{
    var ours = new List<(double Wall, double Cpu)>();
    var torchRates = new List<(double Wall, double Cpu)>();
    for (var r = 0; r < rounds; r++)
    {
        ours.Add(Ours(threads));
        torchRates.Add(Torch(threads));
        Console.WriteLine($"  threads {threads}, round {r + 1}: ours {ours[^1].Wall,8:N0}/s ({ours[^1].Cpu,8:N0} per CPU-s), " +
            $"TorchSharp {torchRates[^1].Wall,8:N0}/s ({torchRates[^1].Cpu,8:N0} per CPU-s)");
    }
    var wall = ours.Zip(torchRates, (o, t) => o.Wall / t.Wall).Order().ToArray();
    var cpu = ours.Zip(torchRates, (o, t) => o.Cpu / t.Cpu).Order().ToArray();
    Console.WriteLine($"threads {threads}: ours / TorchSharp, median of {rounds} rounds: wall {wall[rounds / 2]:F2} ({wall[0]:F2}–{wall[^1]:F2}), " +
        $"per CPU-second {cpu[rounds / 2]:F2} ({cpu[0]:F2}–{cpu[^1]:F2})");
}
Console.WriteLine($"load average after: {LoadAverage()}");

(double, double) Ours(int threads)
{
    Engine.NumThreads = threads;
    var model = Vae.Create(config, 0.01f, new Rng(1));
    var sgvb = new SgvbEstimator(model);
    var optimizer = new Adagrad(model.Parameters, 0.02f, 1f);
    var rng = new Rng(2);
    var x = new Aevb.Tensors.Tensor(batch, features);
    var step = 0;
    void Step()
    {
        data.AsSpan(step++ * batch % n * features, batch * features).CopyTo(x.Span);
        model.ZeroGrad();
        sgvb.Forward(x, rng);
        sgvb.Backward(SgvbEstimator.FullDataScale(n, batch));
        optimizer.Step();
    }
    return Measure(Step);
}

(double, double) Torch(int threads)
{
    torch.set_num_threads(threads);
    torch.manual_seed(1);
    using var model = new TorchVae(config);
    var optimizer = optim.Adagrad(model.parameters(), lr: 0.02, weight_decay: 1.0 / n);
    using var all = tensor(data, [n, features]);
    var step = 0;
    void Step()
    {
        using var scope = NewDisposeScope();
        var x = all.narrow(0, step++ * batch % n, batch);
        var loss = -model.Bound(x, randn(batch, config.LatentSize)).mean();
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }
    return Measure(Step);
}

(double Wall, double Cpu) Measure(Action step)
{
    // 20 steps and --warmup seconds (default 1; 0 was this harness's warm-up before issue #18's last session), so
    // that the .NET tiered JIT has recompiled the hot managed code (ours all of it, TorchSharp its wrappers) before
    // timing: its background compilations count as this process's CPU time, and a short step (fig3) reaches 20
    // steps long before the JIT's tier-up.
    var warmUp = Stopwatch.StartNew();
    for (var i = 0; i < 20 || warmUp.Elapsed.TotalSeconds < warmUpSeconds; i++) step();
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var steps = 0;
    while (watch.Elapsed.TotalSeconds < seconds) { step(); steps++; }
    var wall = watch.Elapsed.TotalSeconds;
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
    return (steps * batch / wall, steps * batch / cpu);
}

static string LoadAverage()
{
    try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; } catch (IOException) { return "?"; }
}
