using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Aevb.Data;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Training.Runs;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb bench</c>: throughput of one workload, the median over timed blocks after a warm-up.
/// <list type="bullet">
/// <item><c>--model mnist</c> (default): the paper's MNIST model 784-500-20 (Figure 2), AEVB training in samples/s
/// (M = 100, L = 1, Adagrad, estimator B, weight decay: minibatch gather, forward, backward, update), the same
/// measurement as <c>bench/torch_vae.py</c>;</item>
/// <item><c>fig3</c>: the Figure 3 model 784-100-3, AEVB; <c>frey</c>: the Frey Face model 560-200-Nz (Gaussian
/// decoder, Nz = 10 unless <c>--latent</c>);</item>
/// <item><c>mcem</c>: a Monte Carlo EM step on the Figure 3 decoder (10 leapfrog steps, 5 weight updates),
/// samples/s;</item>
/// <item><c>hmc-eval</c>: the Appendix D marginal-likelihood estimator at the Figure 3 runs' settings (100 samples,
/// 8 chains, 100 warm-up transitions, 10 leapfrog steps, 5000 fitted-proposal samples) on the Figure 3 decoder,
/// points/s.</item>
/// </list>
/// Prints the machine's load average before and after, and warns when it is busy: other work on the cores makes
/// absolute rates meaningless, so compare ratios measured side by side (README, Performance). Also reports the rate
/// per CPU-second of the process, which waiting for a core does not lower.
/// </summary>
internal static partial class BenchCommand
{
    // Warm-up: at least 30 steps (as the PyTorch script) and at least 2 s, so that the JIT's tiered
    // recompilation of the hot methods has finished before anything is timed.
    private const int WarmupSteps = 30, Blocks = 5;
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    /// <summary>The presets of <c>--model</c>.</summary>
    public static readonly string[] Models = ["mnist", "fig3", "frey", "mcem", "hmc-eval"];

    /// <summary>The command's options, shared by its definition and its action.</summary>
    private sealed class Inputs
    {
        public readonly Option<string> Model = new("--model")
        {
            Description = $"Workload: {string.Join(", ", Models)}.",
            DefaultValueFactory = _ => "mnist",
        };
        public readonly Option<int?> Latent = new("--latent")
        {
            Description = "Latent dimensions Nz (default: the preset's; mnist 20, fig3/mcem/hmc-eval 3, frey 10).",
        };
        public readonly Option<int?> Hidden = new("--hidden")
        {
            Description = "Hidden units H (default: the preset's; mnist 500, fig3/mcem/hmc-eval 100, frey 200).",
        };
        public readonly Option<int> Steps = new("--steps")
        {
            Description = $"Timed steps (split into {Blocks} blocks) after a warm-up of {WarmupSteps} steps and "
                + $"{WarmupTime.TotalSeconds:0} s; hmc-eval: timed evaluations.",
            DefaultValueFactory = _ => 300,
        };
        public readonly Option<int> Batch = new("--batch")
        {
            Description = "Minibatch size M.",
            DefaultValueFactory = _ => 100,
        };
        public readonly Option<int> Points = new("--points")
        {
            Description = "hmc-eval: datapoints per evaluation.",
            DefaultValueFactory = _ => 10,
        };
        public readonly Option<int?> Threads = new("--threads")
        {
            Description = "Engine threads (default: AEVB_NUM_THREADS, else all cores).",
        };
        public readonly Option<bool> Json = new("--json")
        {
            Description = "Print one JSON line: {\"samples_per_s\":…, …}.",
        };
        public readonly Option<string?> DataDir = new("--data-dir")
        {
            HelpName = "DIR",
            Description = "Folder with the MNIST / Frey Face files (default: AEVB_DATA_DIR, then data/cache).",
        };

        public Inputs() => Model.AcceptOnlyFromAmong(Models);
    }

    /// <summary>The median rates over the timed blocks, and the last step's value as a sanity check.</summary>
    private sealed record Timing(double[] Rates, double Median, double CpuMedian, int Blocks, int BlockSteps,
        double Last);

    public static Command Create()
    {
        var inputs = new Inputs();
        var command = new Command("bench",
            "Throughput of a training step (AEVB on the figure models, MCEM) or of the Appendix D evaluation, "
            + "with the machine's load.")
        {
            inputs.Model, inputs.Latent, inputs.Hidden, inputs.Steps, inputs.Batch, inputs.Points, inputs.Threads,
            inputs.Json, inputs.DataDir,
        };
        command.SetAction(parseResult => Run(parseResult, inputs));
        return command;
    }

    private static int Run(ParseResult parseResult, Inputs inputs)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var preset = parseResult.GetValue(inputs.Model)!;
        var (defaultHidden, defaultLatent) = DatasetRegistry.Find(preset) is { } paper
            ? (paper.Hidden, paper.Latent)
            : (FigurePlan.Figure3Hidden, FigurePlan.Figure3Latent);
        var nz = parseResult.GetValue(inputs.Latent) ?? defaultLatent;
        var h = parseResult.GetValue(inputs.Hidden) ?? defaultHidden;
        var m = parseResult.GetValue(inputs.Batch);
        var pointCount = parseResult.GetValue(inputs.Points);
        var asJson = parseResult.GetValue(inputs.Json);
        var steps = parseResult.GetValue(inputs.Steps);
        if (!TryApplySizes(error, nz, h, m, pointCount, steps, parseResult.GetValue(inputs.Threads))) return 1;

        var frey = preset == "frey";
        var (data, source) = LoadData(frey, parseResult.GetValue(inputs.DataDir), asJson ? null : output);
        var workload = preset switch
        {
            "mcem" => Workload.Mcem(data, h, nz, m),
            "hmc-eval" => Workload.AppendixD(data, h, nz, pointCount),
            _ => Workload.Aevb(data, h, nz, m, frey ? DecoderKind.Gaussian : DecoderKind.Bernoulli),
        };
        var loadBefore = LoadAverage.Read();
        var busy = LoadAverage.IsBusy(loadBefore);
        if (!asJson) PrintHeader(output, workload, source, loadBefore, busy);

        var oneCallBlocks = preset == "hmc-eval";
        var timing = Measure(workload, steps, oneCallBlocks);
        var loadAfter = LoadAverage.Read();
        if (asJson)
        {
            output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                [workload.RateName] = Math.Round(timing.Median, 1),
                ["per_cpu_second"] = Math.Round(timing.CpuMedian, 1),
                ["preset"] = preset,
                ["data"] = source,
                ["model"] = workload.Shape,
                ["batch"] = m,
                ["steps"] = timing.BlockSteps * timing.Blocks,
                ["blocks"] = timing.Rates.Select(r => Math.Round(r, 1)).ToArray(),
                ["threads"] = Engine.NumThreads,
                ["simd"] = Engine.Simd,
                ["load_average"] = loadBefore,
                ["load_average_after"] = loadAfter,
                ["busy"] = busy,
            }));
        }
        else PrintSummary(output, workload, timing, oneCallBlocks, loadAfter);
        return 0;
    }

    /// <summary>
    /// Sets <see cref="Engine.NumThreads"/> from --threads when given; false, with the reason on
    /// <paramref name="error"/>, when a size or the thread count is not positive.
    /// </summary>
    private static bool TryApplySizes(TextWriter error, int nz, int h, int m, int pointCount, int steps, int? threads)
    {
        if (nz <= 0 || h <= 0 || m <= 0 || pointCount <= 0 || steps <= 0)
        {
            error.WriteLine("aevb bench: --latent, --hidden, --batch, --points and --steps must be positive.");
            return false;
        }
        if (threads is { } t)
        {
            if (t < 1)
            {
                error.WriteLine("aevb bench: --threads must be positive.");
                return false;
            }
            Engine.NumThreads = t;
        }
        return true;
    }

    private static void PrintHeader(TextWriter output, Workload workload, string source, double[]? loadBefore,
        bool busy)
    {
        output.WriteLine($"{workload.Description}, data: {source}; engine: {Engine.Describe()}; load average "
            + $"{LoadAverage.Format(loadBefore)} on {Environment.ProcessorCount} cores");
        if (busy)
            output.WriteLine($"warning: the machine is busy (1-minute load {loadBefore![0]:F2} on "
                + $"{Environment.ProcessorCount} cores): absolute rates are unreliable; compare ratios measured side "
                + "by side, interleaved.");
    }

    /// <summary>
    /// Warms up, then times <see cref="Blocks"/> blocks of steps. An hmc-eval step is one whole evaluation, long
    /// enough to warm up and to time one at a time: its blocks are single calls, at most <paramref name="steps"/>.
    /// </summary>
    private static Timing Measure(Workload workload, int steps, bool oneCallBlocks)
    {
        var blockSteps = oneCallBlocks ? 1 : Math.Max(1, steps / Blocks);
        var blocks = oneCallBlocks ? Math.Max(1, Math.Min(steps, Blocks)) : Blocks;
        var warmup = Stopwatch.StartNew();
        for (var i = 0; i < (oneCallBlocks ? 1 : WarmupSteps) || (!oneCallBlocks && warmup.Elapsed < WarmupTime); i++)
            workload.Step();
        var rates = new double[blocks];
        var cpuRates = new double[blocks];
        var last = double.NaN;
        for (var b = 0; b < blocks; b++)
        {
            var cpu = Environment.CpuUsage.TotalTime;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < blockSteps; i++) last = workload.Step();
            rates[b] = blockSteps * workload.SamplesPerStep / watch.Elapsed.TotalSeconds;
            var cpuSeconds = Math.Max(1e-9, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
            cpuRates[b] = blockSteps * workload.SamplesPerStep / cpuSeconds;
        }
        var median = rates.Order().ToArray()[blocks / 2];
        var cpuMedian = cpuRates.Order().ToArray()[blocks / 2];
        return new Timing(rates, median, cpuMedian, blocks, blockSteps, last);
    }

    private static void PrintSummary(TextWriter output, Workload workload, Timing timing, bool oneCallBlocks,
        double[]? loadAfter)
    {
        var sorted = timing.Rates.Order().ToArray();
        output.WriteLine($"{timing.Median:N1} {workload.Unit}/s (median of {timing.Blocks} blocks of "
            + $"{timing.BlockSteps} {(oneCallBlocks ? "evaluation" : "steps")} after warm-up; " +
            $"min {sorted[0]:N1}, max {sorted[^1]:N1}; {timing.CpuMedian:N1} per CPU-second of the process; "
            + $"last {workload.LastName} {timing.Last:F1})");
        output.WriteLine($"load average after: {LoadAverage.Format(loadAfter)}");
    }

    private static (Dataset Data, string Source) LoadData(bool frey, string? dataDirectory, TextWriter? output)
    {
        // Real data when present; otherwise uniform random pixels of the same shape (the cost is the same).
        try
        {
            return frey
                ? (FreyFace.Train(dataDirectory), "frey")
                : (Mnist.Load(DataSplit.Train, dataDirectory: dataDirectory), "mnist");
        }
        catch (DataFileException e)
        {
            var (count, features) = frey
                ? (FreyFace.TrainCount, FreyFace.Features)
                : (Mnist.TrainCount, Mnist.Features);
            var x = new float[count * features];
            new Rng(7).FillUniform(x);
            output?.WriteLine($"{(frey ? "Frey Face" : "MNIST")} not available ({e.Problem}); timing on uniform "
                + "random data of the same shape.");
            return (new Dataset("random", x, count, features), "random");
        }
    }
}
