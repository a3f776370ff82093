using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Aevb.Data;
using Aevb.IO;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Training;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb train</c>: AEVB on MNIST or Frey Face with the paper's settings (Section 5), progress on the
/// console, <c>DIR/log.csv</c> (rewritten after every evaluation), <c>DIR/model.safetensors</c> and
/// <c>DIR/config.json</c> at the end or on Ctrl+C.
/// </summary>
internal static class TrainCommand
{
    /// <summary>What <c>--quick</c> changes: a run of about a minute here that still shows the bound rising.</summary>
    internal const long QuickSamples = 600_000;
    internal const int QuickTrainEvaluation = 10_000;

    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Data set: mnist (Bernoulli decoder) or frey (Gaussian decoder).", DefaultValueFactory = _ => Mnist.DatasetName };
        dataset.AcceptOnlyFromAmong(Datasets.Names);
        var latent = new Option<int?>("--latent") { Description = "Latent dimensions Nz (default 20 for mnist, 10 for frey; Figure 2 uses 3..200 and 2..20)." };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden units per MLP (default 500 for mnist, 200 for frey, as in the paper)." };
        var samples = new Option<long?>("--samples") { Description = "Training datapoints to process, e.g. 1e7 (default 1e7; Figure 2 runs to 1e8).", CustomParser = ParseCount };
        var lr = new Option<float>("--lr") { Description = $"Adagrad global step size (default {Optim.Adagrad.DefaultLearningRate.ToString(CultureInfo.InvariantCulture)}; the paper chooses per run from 0.01, 0.02, 0.1 on the training set, as `aevb reproduce` does).", DefaultValueFactory = _ => Optim.Adagrad.DefaultLearningRate };
        var batch = new Option<int>("--batch") { Description = "Minibatch size M.", DefaultValueFactory = _ => 100 };
        var mc = new Option<int>("--mc-samples", "-L") { Description = "Samples of z per datapoint, L.", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Seed for initialisation, minibatches and noise (same seed, same numbers).", DefaultValueFactory = _ => 1UL };
        var estimator = new Option<string>("--estimator") { Description = "SGVB estimator: B (analytic KL, the paper's), A (generic), or score (score-function gradient, for contrast).", DefaultValueFactory = _ => "B" };
        estimator.AcceptOnlyFromAmong("A", "B", "score");
        var optimizer = new Option<string>("--optimizer") { Description = "adagrad (the paper's) or adam.", DefaultValueFactory = _ => "adagrad" };
        optimizer.AcceptOnlyFromAmong("adagrad", "adam");
        var initStd = new Option<float>("--init-std") { Description = "Standard deviation of the N(0, σ²) initialisation; the paper's N(0, 0.01) read as σ = 0.01 (use 0.1 for variance 0.01).", DefaultValueFactory = _ => 0.01f };
        var weightDecay = new Option<float>("--weight-decay") { Description = "Precision λ of the N(0, 1/λ) prior on the parameters (MAP); 1 = the paper's N(0, I), 0 = none.", DefaultValueFactory = _ => 1f };
        var binarize = new Option<string>("--binarize") { Description = "MNIST targets: none (intensities as Bernoulli means, the paper's), static or dynamic binarization.", DefaultValueFactory = _ => "none" };
        binarize.AcceptOnlyFromAmong("none", "static", "dynamic");
        var evalTrain = new Option<int?>("--eval-train") { Description = "Evaluate the train bound on the first N training points only (default: all; --quick: 10000)." };
        var dataDir = new Option<string?>("--data-dir") { HelpName = "DIR", Description = "Folder with the data files (default: AEVB_DATA_DIR, then data/cache)." };
        var outDir = new Option<string?>("--out") { HelpName = "DIR", Description = "Output folder for log.csv, model.safetensors and config.json (default runs/<dataset>-h<H>-z<Nz>)." };
        var quick = new Option<bool>("--quick") { Description = $"A short run (about a minute here): {QuickSamples:N0} samples unless --samples is given, train bound on {QuickTrainEvaluation} points." };
        var force = new Option<bool>("--force") { Description = "Start over in an --out folder that holds a model of other settings (deletes its model, optimizer state, log and config). Without it, a folder holding a model of the same settings is resumed, and one of other settings is refused." };

        var command = new Command("train", "Train a VAE with AEVB (Kingma & Welling 2014, Algorithm 1) and save the model and its learning curve.")
        {
            dataset, latent, hidden, samples, lr, batch, mc, seed, estimator, optimizer, initStd, weightDecay, binarize, evalTrain, dataDir, outDir, quick, force,
        };
        command.SetAction(parseResult =>
        {
            var name = parseResult.GetValue(dataset)!;
            var defaults = Datasets.Defaults(name);
            var isQuick = parseResult.GetValue(quick);
            var config = new VaeConfig(Datasets.InputSize(name), parseResult.GetValue(hidden) ?? defaults.Hidden, parseResult.GetValue(latent) ?? defaults.Latent, defaults.Decoder);
            var total = parseResult.GetValue(samples) ?? (isQuick ? QuickSamples : 10_000_000);
            var binarization = Enum.Parse<Binarization>(parseResult.GetValue(binarize)!, ignoreCase: true);
            var options = new TrainerOptions
            {
                BatchSize = parseResult.GetValue(batch),
                SamplesPerDatapoint = parseResult.GetValue(mc),
                Estimator = parseResult.GetValue(estimator) switch { "A" => Estimator.A, "score" => Estimator.ScoreFunction, _ => Estimator.B },
                Optimizer = parseResult.GetValue(optimizer) == "adam" ? OptimizerKind.Adam : OptimizerKind.Adagrad,
                LearningRate = parseResult.GetValue(lr),
                WeightDecay = parseResult.GetValue(weightDecay),
                InitStd = parseResult.GetValue(initStd),
                Seed = parseResult.GetValue(seed),
                TrainEvaluationSize = parseResult.GetValue(evalTrain) ?? (isQuick ? QuickTrainEvaluation : null),
            };
            var dir = parseResult.GetValue(outDir) ?? Path.Combine("runs", $"{name}-h{config.HiddenSize}-z{config.LatentSize}");
            return Run(name, config, options, total, binarization, parseResult.GetValue(dataDir), dir, parseResult.GetValue(force),
                parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, Interrupt.Token);
        });
        return command;
    }

    /// <summary>
    /// Trains into <paramref name="dir"/> through its <see cref="TrainingFolder"/>, which holds the folder's lock
    /// (<see cref="DirectoryLock"/>) throughout, resumes a run of the same settings or refuses one of others unless
    /// <paramref name="force"/>, and saves at every evaluation and when cancelled (<paramref name="cancellationToken"/>:
    /// SIGINT/SIGTERM). Here: the data, the messages and the exit code.
    /// </summary>
    internal static int Run(string name, VaeConfig config, TrainerOptions options, long total, Binarization binarization, string? dataDir, string dir,
        bool force, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var folder = new TrainingFolder(dir);
        Dataset train, test;
        TrainingStart start;
        try
        {
            (train, test, config) = Load(name, config, options, total, binarization, dataDir);
            // Settings and data are good: only now is the folder created and locked (bad settings write nothing).
            start = folder.Open(name, config, options, binarization, train, test, force);
        }
        catch (Exception e) when (e is DataFileException or ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException
                                      or OutOfMemoryException)
        {
            error.WriteLine($"aevb train: {(e is OutOfMemoryException ? $"not enough memory for a {config} model ({e.Message})" : e.Message)}");
            return 1;
        }

        using var held = start;
        var trainer = start.Trainer;
        if (!Announce(start, dir, total, output)) return 0;
        output.WriteLine($"Training a {config} VAE on {train} (test: {test.Count} points)");
        output.WriteLine($"  estimator {options.Estimator}, L = {options.SamplesPerDatapoint}, M = {options.BatchSize}, {options.Optimizer} lr = {options.LearningRate}, " +
                          $"weight decay λ = {options.WeightDecay}, init σ = {options.InitStd}, seed {options.Seed}; {ConsoleProgress.Count(total)} samples -> {Path.GetFullPath(dir)}");
        try
        {
            var result = ConsoleProgress.Run(output, total, _ => { },
                progress => folder.Train(trainer, name, binarization, total, progress, cancellationToken));
            if (!result.Completed)
            {
                folder.SaveInterrupted(trainer, name, binarization, () => output.WriteLine(
                    $"Interrupted at {trainer.SamplesSeen:N0} samples: evaluating there so the log matches the saved model..."));
                output.WriteLine($"Interrupted at {trainer.SamplesSeen:N0} samples: saved {folder.ModelPath}, "
                                 + $"{folder.CheckpointPath} and {folder.LogPath}. Run the same command again to resume.");
                return Interrupt.ExitCode;
            }
            var rate = trainer.SamplesSeen / Math.Max(trainer.TrainingTime.TotalSeconds, 1e-9);
            var last = trainer.Log.Entries[^1];
            output.WriteLine($"Done: {trainer.SamplesSeen:N0} samples in {ConsoleProgress.Duration(result.Elapsed)} ({rate:N0} samples/s while training); " +
                              $"train bound {last.TrainBound:F2}, test bound {last.TestBound:F2} nats per datapoint.");
            output.WriteLine($"Wrote {folder.ModelPath}, {folder.ConfigPath}, {folder.LogPath}.");
            return 0;
        }
        catch (TrainingDivergedException e)
        {
            trainer.Log.WriteCsv(folder.LogPath);
            error.WriteLine($"aevb train: {e.Message} The model was not saved; the log so far is in {folder.LogPath}.");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"aevb train: cannot write to {Path.GetFullPath(dir)}: {e.Message}");
            return 1;
        }
    }

    /// <summary>What <see cref="TrainingFolder.Open"/> found; false when the folder's run is already that far.</summary>
    private static bool Announce(TrainingStart start, string dir, long total, TextWriter output)
    {
        var (samples, full) = (start.Trainer.SamplesSeen, Path.GetFullPath(dir));
        if (start.Deleted.Count > 0)
            output.WriteLine($"--force: deleted the earlier run's {string.Join(", ", start.Deleted.Select(Path.GetFileName))} in {full}.");
        if (start.Resumed && samples >= total)
        {
            output.WriteLine($"{full} already holds this model trained to {samples:N0} samples (asked for {total:N0}): nothing to do. " +
                             "Ask for more with --samples to continue it, or pass --force to start over.");
            return false;
        }
        if (start.Resumed)
            output.WriteLine($"Resuming {full} from {samples:N0} samples (model, optimizer state and log; --force starts over).");
        return true;
    }

    /// <summary>The settings checked and the data loaded (the model's input size is the data's).</summary>
    private static (Dataset Train, Dataset Test, VaeConfig Config) Load(string name, VaeConfig config,
        TrainerOptions options, long total, Binarization binarization, string? dataDir)
    {
        options.Validate();
        if (total <= 0) throw new ArgumentException($"--samples must be positive, got {total}.");
        config.Validate(requireInput: false);
        var train = Datasets.Load(name, DataSplit.Train, binarization, options.Seed, dataDir);
        var test = Datasets.Load(name, DataSplit.Test, binarization, options.Seed, dataDir);
        if (options.TrainEvaluationSize is { } evalSize && evalSize > train.Count) // clamped silently, it would read as a subset
            throw new ArgumentException($"--eval-train {evalSize} is more than the {train.Count} training points of {name}; leave it out to evaluate on all of them.");
        config = config with { InputSize = train.Features };
        config.Validate();
        options.Validate(config);
        return (train, test, config);
    }

    /// <summary>Accepts <c>1000000</c>, <c>1e6</c> or <c>2.5e7</c>.</summary>
    internal static long? ParseCount(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 1 && v <= long.MaxValue / 2 && v == Math.Floor(v))
            return (long)v;
        result.AddError($"{result.Argument?.Name ?? "--samples"} '{text}' is not a positive whole number (e.g. 1000000 or 1e6).");
        return null;
    }
}
