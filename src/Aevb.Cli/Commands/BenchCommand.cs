using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Aevb.Data;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Training;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb bench</c>: training throughput of the paper's MNIST model (784-H-Nz, M = 100, L = 1, Adagrad,
/// estimator B, weight decay) in samples/s, the median over timed blocks after a warm-up. The same
/// measurement as <c>shared/bench/torch_vae.py</c> (full steps: minibatch gather, forward, backward, update).
/// </summary>
internal static class BenchCommand
{
    // Warm-up: at least 30 steps (as the PyTorch script) and at least 2 s, so that the JIT's tiered
    // recompilation of the hot methods has finished before anything is timed.
    private const int WarmupSteps = 30, Blocks = 5;
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var latent = new Option<int>("--latent") { Description = "Latent dimensions Nz.", DefaultValueFactory = _ => 20 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units H.", DefaultValueFactory = _ => 500 };
        var steps = new Option<int>("--steps") { Description = $"Timed steps (split into {Blocks} blocks) after a warm-up of {WarmupSteps} steps and {WarmupTime.TotalSeconds:0} s.", DefaultValueFactory = _ => 300 };
        var batch = new Option<int>("--batch") { Description = "Minibatch size M.", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print one JSON line: {\"samples_per_s\":…, …}." };
        var dataDir = new Option<string?>("--data-dir") { HelpName = "DIR", Description = "Folder with the MNIST files (default: AEVB_DATA_DIR, then data/cache)." };

        var command = new Command("bench", "Training throughput of the paper's MNIST VAE (784-H-Nz, M = 100, L = 1, Adagrad) in samples/s.")
        {
            latent, hidden, steps, batch, json, dataDir,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var nz = parseResult.GetValue(latent);
            var h = parseResult.GetValue(hidden);
            var m = parseResult.GetValue(batch);
            var blockSteps = Math.Max(1, parseResult.GetValue(steps) / Blocks);
            if (nz <= 0 || h <= 0 || m <= 0)
            {
                parseResult.InvocationConfiguration.Error.WriteLine("aevb bench: --latent, --hidden and --batch must be positive.");
                return 1;
            }

            // Real MNIST when present; otherwise uniform random pixels of the same shape (the cost is the same).
            Dataset data;
            string source;
            try
            {
                data = Mnist.Load(DataSplit.Train, dataDirectory: parseResult.GetValue(dataDir));
                source = "mnist";
            }
            catch (DataFileException e)
            {
                var x = new float[Mnist.TrainCount * Mnist.Features];
                new Rng(7).FillUniform(x);
                data = new Dataset("random", x, Mnist.TrainCount, Mnist.Features);
                source = "random";
                if (!parseResult.GetValue(json)) output.WriteLine($"MNIST not available ({e.Problem}); timing on uniform random data of the same shape.");
            }

            var options = new TrainerOptions { BatchSize = m };
            var trainer = new Trainer(Trainer.CreateModel(new VaeConfig(Mnist.Features, h, nz), options), data, null, options);
            var warmup = Stopwatch.StartNew();
            for (var i = 0; i < WarmupSteps || warmup.Elapsed < WarmupTime; i++) trainer.Step();
            var rates = new double[Blocks];
            var lastBound = float.NaN;
            for (var b = 0; b < Blocks; b++)
            {
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < blockSteps; i++) lastBound = trainer.Step();
                rates[b] = blockSteps * m / watch.Elapsed.TotalSeconds;
            }
            var sorted = rates.Order().ToArray();
            var median = sorted[Blocks / 2];

            if (parseResult.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["samples_per_s"] = Math.Round(median),
                    ["data"] = source,
                    ["model"] = $"784-{h}-{nz}",
                    ["batch"] = m,
                    ["steps"] = blockSteps * Blocks,
                    ["blocks"] = rates.Select(r => Math.Round(r)).ToArray(),
                    ["threads"] = Aevb.Tensors.Engine.NumThreads,
                    ["simd"] = Aevb.Tensors.Engine.Simd,
                }));
            }
            else
            {
                output.WriteLine($"784-{h}-{nz} VAE, M = {m}, L = 1, Adagrad, estimator B, data: {source}; engine: {Aevb.Tensors.Engine.Describe()}");
                output.WriteLine($"{median:N0} samples/s (median of {Blocks} blocks of {blockSteps} steps after warm-up; " +
                                  $"min {sorted[0]:N0}, max {sorted[^1]:N0}; last minibatch bound {lastBound:F1})");
            }
            return 0;
        });
        return command;
    }
}
