using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aevb.Data;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Training;
using Aevb.Training.Runs;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb bench</c>: throughput of one workload, the median over timed blocks after a warm-up.
/// <list type="bullet">
/// <item><c>--model mnist</c> (default): the paper's MNIST model 784-500-20 (Figure 2), AEVB training in samples/s
/// (M = 100, L = 1, Adagrad, estimator B, weight decay: minibatch gather, forward, backward, update), the same
/// measurement as <c>bench/torch_vae.py</c>;</item>
/// <item><c>fig3</c>: the Figure 3 model 784-100-3, AEVB; <c>frey</c>: the Frey Face model 560-200-Nz (Gaussian decoder,
/// Nz = 10 unless <c>--latent</c>);</item>
/// <item><c>mcem</c>: a Monte Carlo EM step on the Figure 3 decoder (10 leapfrog steps, 5 weight updates), samples/s;</item>
/// <item><c>hmc-eval</c>: the Appendix D marginal-likelihood estimator at the Figure 3 runs' settings (100 samples,
/// 8 chains, 100 warm-up transitions, 10 leapfrog steps, 5000 fitted-proposal samples) on the Figure 3 decoder, points/s.</item>
/// </list>
/// Prints the machine's load average before and after, and warns when it is busy: other work on the cores makes
/// absolute rates meaningless, so compare ratios measured side by side (README, Performance). Also reports the rate
/// per CPU-second of the process, which waiting for a core does not lower.
/// </summary>
internal static class BenchCommand
{
    // Warm-up: at least 30 steps (as the PyTorch script) and at least 2 s, so that the JIT's tiered
    // recompilation of the hot methods has finished before anything is timed.
    private const int WarmupSteps = 30, Blocks = 5;
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    /// <summary>The presets of <c>--model</c>.</summary>
    public static readonly string[] Models = ["mnist", "fig3", "frey", "mcem", "hmc-eval"];

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = $"Workload: {string.Join(", ", Models)}.", DefaultValueFactory = _ => "mnist" };
        model.AcceptOnlyFromAmong(Models);
        var latent = new Option<int?>("--latent") { Description = "Latent dimensions Nz (default: the preset's; mnist 20, fig3/mcem/hmc-eval 3, frey 10)." };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden units H (default: the preset's; mnist 500, fig3/mcem/hmc-eval 100, frey 200)." };
        var steps = new Option<int>("--steps") { Description = $"Timed steps (split into {Blocks} blocks) after a warm-up of {WarmupSteps} steps and {WarmupTime.TotalSeconds:0} s; hmc-eval: timed evaluations.", DefaultValueFactory = _ => 300 };
        var batch = new Option<int>("--batch") { Description = "Minibatch size M.", DefaultValueFactory = _ => 100 };
        var points = new Option<int>("--points") { Description = "hmc-eval: datapoints per evaluation.", DefaultValueFactory = _ => 10 };
        var threads = new Option<int?>("--threads") { Description = "Engine threads (default: AEVB_NUM_THREADS, else all cores)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON line: {\"samples_per_s\":…, …}." };
        var dataDir = new Option<string?>("--data-dir") { HelpName = "DIR", Description = "Folder with the MNIST / Frey Face files (default: AEVB_DATA_DIR, then data/cache)." };

        var command = new Command("bench", "Throughput of a training step (AEVB on the figure models, MCEM) or of the Appendix D evaluation, with the machine's load.")
        {
            model, latent, hidden, steps, batch, points, threads, json, dataDir,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var preset = parseResult.GetValue(model)!;
            var (defaultHidden, defaultLatent) = DatasetRegistry.Find(preset) is { } paper
                ? (paper.Hidden, paper.Latent)
                : (FigurePlan.Figure3Hidden, FigurePlan.Figure3Latent);
            var nz = parseResult.GetValue(latent) ?? defaultLatent;
            var h = parseResult.GetValue(hidden) ?? defaultHidden;
            var m = parseResult.GetValue(batch);
            var pointCount = parseResult.GetValue(points);
            var asJson = parseResult.GetValue(json);
            if (nz <= 0 || h <= 0 || m <= 0 || pointCount <= 0 || parseResult.GetValue(steps) <= 0)
            {
                error.WriteLine("aevb bench: --latent, --hidden, --batch, --points and --steps must be positive.");
                return 1;
            }
            if (parseResult.GetValue(threads) is { } t)
            {
                if (t < 1)
                {
                    error.WriteLine("aevb bench: --threads must be positive.");
                    return 1;
                }
                Engine.NumThreads = t;
            }

            var frey = preset == "frey";
            var (data, source) = LoadData(frey, parseResult.GetValue(dataDir), asJson ? null : output);
            var workload = preset switch
            {
                "mcem" => Workload.Mcem(data, h, nz, m),
                "hmc-eval" => Workload.AppendixD(data, h, nz, pointCount),
                _ => Workload.Aevb(data, h, nz, m, frey ? DecoderKind.Gaussian : DecoderKind.Bernoulli),
            };
            var loadBefore = LoadAverage.Read();
            var busy = LoadAverage.IsBusy(loadBefore);
            if (!asJson)
            {
                output.WriteLine($"{workload.Description}, data: {source}; engine: {Engine.Describe()}; load average {LoadAverage.Format(loadBefore)} on {Environment.ProcessorCount} cores");
                if (busy)
                    output.WriteLine($"warning: the machine is busy (1-minute load {loadBefore![0]:F2} on {Environment.ProcessorCount} cores): absolute rates are unreliable; compare ratios measured side by side, interleaved.");
            }

            var oneCallBlocks = preset == "hmc-eval";
            var blockSteps = oneCallBlocks ? 1 : Math.Max(1, parseResult.GetValue(steps) / Blocks);
            var blocks = oneCallBlocks ? Math.Max(1, Math.Min(parseResult.GetValue(steps), Blocks)) : Blocks;
            var warmup = Stopwatch.StartNew();
            for (var i = 0; i < (oneCallBlocks ? 1 : WarmupSteps) || (!oneCallBlocks && warmup.Elapsed < WarmupTime); i++) workload.Step();
            var rates = new double[blocks];
            var cpuRates = new double[blocks];
            var last = double.NaN;
            for (var b = 0; b < blocks; b++)
            {
                var cpu = Environment.CpuUsage.TotalTime;
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < blockSteps; i++) last = workload.Step();
                rates[b] = blockSteps * workload.SamplesPerStep / watch.Elapsed.TotalSeconds;
                cpuRates[b] = blockSteps * workload.SamplesPerStep / Math.Max(1e-9, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
            }
            var sorted = rates.Order().ToArray();
            var median = sorted[blocks / 2];
            var cpuMedian = cpuRates.Order().ToArray()[blocks / 2];
            var loadAfter = LoadAverage.Read();

            if (asJson)
            {
                output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    [workload.RateName] = Math.Round(median, 1),
                    ["per_cpu_second"] = Math.Round(cpuMedian, 1),
                    ["preset"] = preset,
                    ["data"] = source,
                    ["model"] = workload.Shape,
                    ["batch"] = m,
                    ["steps"] = blockSteps * blocks,
                    ["blocks"] = rates.Select(r => Math.Round(r, 1)).ToArray(),
                    ["threads"] = Engine.NumThreads,
                    ["simd"] = Engine.Simd,
                    ["load_average"] = loadBefore,
                    ["load_average_after"] = loadAfter,
                    ["busy"] = busy,
                }));
            }
            else
            {
                output.WriteLine($"{median:N1} {workload.Unit}/s (median of {blocks} blocks of {blockSteps} {(oneCallBlocks ? "evaluation" : "steps")} after warm-up; " +
                                  $"min {sorted[0]:N1}, max {sorted[^1]:N1}; {cpuMedian:N1} per CPU-second of the process; last {workload.LastName} {last:F1})");
                output.WriteLine($"load average after: {LoadAverage.Format(loadAfter)}");
            }
            return 0;
        });
        return command;
    }

    private static (Dataset Data, string Source) LoadData(bool frey, string? dataDirectory, TextWriter? output)
    {
        // Real data when present; otherwise uniform random pixels of the same shape (the cost is the same).
        try
        {
            return frey ? (FreyFace.Train(dataDirectory), "frey") : (Mnist.Load(DataSplit.Train, dataDirectory: dataDirectory), "mnist");
        }
        catch (DataFileException e)
        {
            var (count, features) = frey ? (FreyFace.TrainCount, FreyFace.Features) : (Mnist.TrainCount, Mnist.Features);
            var x = new float[count * features];
            new Rng(7).FillUniform(x);
            output?.WriteLine($"{(frey ? "Frey Face" : "MNIST")} not available ({e.Problem}); timing on uniform random data of the same shape.");
            return (new Dataset("random", x, count, features), "random");
        }
    }

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
            var trainer = new Trainer(Trainer.CreateModel(new VaeConfig(data.Features, h, nz, decoder), options), data, null, options);
            return new Workload
            {
                Step = () => trainer.Step(),
                SamplesPerStep = m,
                Shape = $"{data.Features}-{h}-{nz}",
                Description = $"AEVB {data.Features}-{h}-{nz} VAE ({decoder} decoder), M = {m}, L = 1, Adagrad, estimator B",
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
                Description = $"Appendix D estimator on {points} points, {data.Features}-{h}-{nz} decoder: {settings.HmcSamples} samples, {settings.HmcChains} chains, " +
                              $"{settings.HmcWarmup} warm-up transitions, {estimator.LeapfrogSteps} leapfrog steps, {settings.ImportanceSamples} fitted-proposal samples",
                Unit = "points",
                RateName = "points_per_s",
                LastName = "mean log p(x)",
            };
        }
    }
}

/// <summary>The 1-, 5- and 15-minute load averages of the machine (Linux <c>/proc/loadavg</c>), null elsewhere.</summary>
internal static class LoadAverage
{
    public static double[]? Read()
    {
        try
        {
            if (!File.Exists("/proc/loadavg")) return null;
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Busy: the 1-minute load is at least half the cores (another job would share ours).</summary>
    public static bool IsBusy(double[]? load) => load is { Length: > 0 } && load[0] >= 0.5 * Environment.ProcessorCount;

    public static string Format(double[]? load) => load is null ? "unknown" : string.Join(" ", load.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)));
}
