// Training throughput of the paper's MNIST VAE (784-500-20, Bernoulli decoder, estimator B, L = 1, minibatches of 100,
// Adagrad) in TorchSharp (LibTorch 2.10, CPU) beside our engine, at 1 and 2 threads, on random data in [0, 1].
//
//   OMP_WAIT_POLICY=PASSIVE dotnet run -c Release --project tests/Aevb.Torch.Bench -- [seconds per measurement, default 10]
//
// OMP_WAIT_POLICY=PASSIVE stops LibTorch's OpenMP threads from spinning between operations, which otherwise takes a
// core from everything else on a 2-core machine. Our engine's thread count is Engine.NumThreads (AEVB_NUM_THREADS).
using System.Diagnostics;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;
using Aevb.Torch;
using TorchSharp;
using static TorchSharp.torch;

var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
const int batch = 100, n = 10_000;
var config = new VaeConfig(784, 500, 20, DecoderKind.Bernoulli);
var data = new float[n * 784];
new Rng(1).FillUniform(data);

Console.WriteLine($"OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"}, {Environment.ProcessorCount} cores, {seconds} s per measurement");
Console.WriteLine($"{"engine",-12} {"threads",7} {"samples/s",10}");
foreach (var threads in new[] { 1, 2 })
{
    Console.WriteLine($"{"ours",-12} {threads,7} {Ours(threads),10:N0}");
    Console.WriteLine($"{"TorchSharp",-12} {threads,7} {Torch(threads),10:N0}");
}

double Ours(int threads)
{
    Engine.NumThreads = threads;
    var model = Vae.Create(config, 0.01f, new Rng(1));
    var sgvb = new SgvbEstimator(model);
    var optimizer = new Adagrad(model.Parameters, 0.02f, 1f);
    var rng = new Rng(2);
    var x = new Aevb.Tensors.Tensor(batch, 784);
    var step = 0;
    void Step()
    {
        data.AsSpan(step++ * batch % n * 784, batch * 784).CopyTo(x.Span);
        model.ZeroGrad();
        sgvb.Forward(x, rng);
        sgvb.Backward(SgvbEstimator.FullDataScale(n, batch));
        optimizer.Step();
    }
    return Measure(Step);
}

double Torch(int threads)
{
    torch.set_num_threads(threads);
    torch.manual_seed(1);
    var model = new TorchVae(config);
    var optimizer = optim.Adagrad(model.parameters(), lr: 0.02, weight_decay: 1.0 / n);
    var all = tensor(data, [n, 784]);
    var step = 0;
    void Step()
    {
        using var scope = NewDisposeScope();
        var x = all.narrow(0, step++ * batch % n, batch);
        var loss = -model.Bound(x, randn(batch, 20)).mean();
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }
    return Measure(Step);
}

double Measure(Action step)
{
    for (var i = 0; i < 20; i++) step();   // warm up
    var watch = Stopwatch.StartNew();
    var steps = 0;
    while (watch.Elapsed.TotalSeconds < seconds) { step(); steps++; }
    return steps * batch / watch.Elapsed.TotalSeconds;
}
