using Aevb.Data;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;
using Aevb.Training.Runs;

namespace Aevb.Training;

/// <summary>
/// AEVB training (Algorithm 1): draw a minibatch of M datapoints, estimate the bound and its gradient
/// with an SGVB estimator (scaled by N/M to estimate the full-data bound), add the prior's weight decay
/// and step the optimiser. Evaluates the average bound per datapoint on the train and test sets at
/// log-spaced sample counts (<see cref="Log"/>). <see cref="Step"/> allocates nothing once warm.
/// </summary>
/// <remarks>
/// Data are <see cref="Dataset"/>s (or contiguous row-major <c>[N, D]</c> float arrays) with values in [0, 1].
/// Minibatches walk a fresh random permutation of the training set each epoch; a data set flagged for
/// dynamic binarization is resampled per minibatch (and per evaluation chunk). The seed gives independent
/// streams (model init, minibatch order, ε, evaluation noise, binarization), so how often one evaluates
/// never changes the training trajectory, and the same seed gives the same numbers, bit for bit.
/// </remarks>
public sealed class Trainer
{
    private readonly Dataset? _test;
    private readonly Dataset _trainForEvaluation;
    private readonly int _trainCount;
    private readonly Rng _evalRng;
    private readonly LowerBoundEvaluator _evaluator;
    private readonly AevbLearner _learner;
    private readonly PermutationBatches _batches;
    private readonly TrainingLoop _loop;
    private readonly System.Diagnostics.Stopwatch _evaluationWatch = new();
    private TimeSpan _resumedEvaluationTime;

    public Trainer(Vae model, Dataset train, Dataset? test, TrainerOptions? options = null)
    {
        Options = options ?? new TrainerOptions();
        Options.Validate(model.Config);
        Model = model;
        CheckData(train, model.InputSize, "training");
        _test = test is null ? null : CheckData(test, model.InputSize, "test");
        _trainCount = train.Count;
        if (_trainCount < Options.BatchSize)
            throw new ArgumentException($"The training set has {_trainCount} datapoints, fewer than the batch size {Options.BatchSize}.");
        _trainForEvaluation = Options.TrainEvaluationSize is { } size && size < _trainCount ? train.Take(size) : train;

        var root = new Rng(Options.Seed);
        root.Fork(); // stream 0 initialises the model (see CreateModel)
        var order = root.Fork();
        var noise = root.Fork();
        _evalRng = root.Fork();
        _batches = new PermutationBatches(train, Options.BatchSize, order, noise, binarize: root.Fork());

        _learner = new AevbLearner(model, new SgvbEstimator(model, Options.Estimator, Options.SamplesPerDatapoint),
            Optimizers.Create(Options.Optimizer, model.Parameters, Options.LearningRate, Options.WeightDecay));
        _evaluator = new LowerBoundEvaluator(model, Options.BatchSize);
        var scale = SgvbEstimator.FullDataScale(_trainCount, Options.BatchSize);
        _loop = new TrainingLoop(_learner, _batches, scale, () => Optimizer.LearningRate);
    }

    /// <summary>Trains on row-major <c>[N, D]</c> arrays (D = the model's input size); <paramref name="testData"/> may be null.</summary>
    public Trainer(Vae model, float[] trainData, float[]? testData, TrainerOptions? options = null)
        : this(model, Wrap(trainData, model.InputSize, "train"), testData is null ? null : Wrap(testData, model.InputSize, "test"), options)
    {
    }

    /// <summary>A new model initialised from <c>N(0, InitStd²)</c> with the seed's initialisation stream.</summary>
    public static Vae CreateModel(VaeConfig config, TrainerOptions options)
    {
        options.Validate();
        return Vae.Create(config, options.InitStd, new Rng(options.Seed).Fork());
    }

    public Vae Model { get; }
    public TrainerOptions Options { get; }
    public SgvbEstimator Estimator => _learner.Estimator;
    public Optimizer Optimizer => _learner.Optimizer;
    public TrainingLog Log { get; } = new();

    /// <summary>Training datapoints processed so far.</summary>
    public long SamplesSeen => _loop.Samples;

    public long Steps => _loop.Steps;

    /// <summary>The last minibatch, <c>[M, D]</c> (a reused buffer).</summary>
    public Tensor Batch => _batches.Batch;

    /// <summary>Time spent in <see cref="Step"/> (evaluations excluded), including that of the run this one resumed.</summary>
    public TimeSpan TrainingTime => _loop.TrainingTime;

    /// <summary>Time spent evaluating, including that of the run this one resumed.</summary>
    public TimeSpan EvaluationTime => _evaluationWatch.Elapsed + _resumedEvaluationTime;

    /// <summary>Where the run stands, as a checkpoint records it.</summary>
    public TrainingCounters Counters
        => new(SamplesSeen, Steps, TrainingTime.TotalSeconds, EvaluationTime.TotalSeconds);

    /// <summary>The learner the loop steps: its parameters and optimiser state are what a checkpoint saves.</summary>
    internal RunLearner Learner => _learner;

    /// <summary>
    /// Continues a saved run: the model's weights and the optimiser's <see cref="Optimizer.State"/> are restored by the
    /// caller (see <see cref="TrainingFolder"/>); this sets the counters and the log so far. Minibatch order and noise
    /// start afresh from the seed (the same ones for the same interruption point).
    /// </summary>
    public void RestoreProgress(TrainingCounters counters, IEnumerable<TrainingLogEntry> log)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(counters.Samples);
        ArgumentOutOfRangeException.ThrowIfNegative(counters.Steps);
        if (SamplesSeen != 0 || Log.Entries.Count != 0) throw new InvalidOperationException("RestoreProgress is for a fresh trainer.");
        _loop.Restore(counters.Samples, counters.Steps, TimeSpan.FromSeconds(counters.TrainSeconds));
        _resumedEvaluationTime = TimeSpan.FromSeconds(counters.EvalSeconds);
        foreach (var e in log.Where(e => e.Samples <= counters.Samples)) Log.Add(e);
        Optimizer.RestoreStepCount(counters.Steps);
    }

    public int TrainCount => _trainCount;
    public int TestCount => _test?.Count ?? 0;

    /// <summary>
    /// One AEVB update on the next minibatch; returns its mean bound per datapoint. Throws
    /// <see cref="TrainingDivergedException"/> if the bound is NaN or infinite (parameters untouched then).
    /// </summary>
    public float Step() => (float)_loop.Step(); // AEVB's bound is a float: the round trip is exact

    /// <summary>Average bound per datapoint on the training set (or its first <c>TrainEvaluationSize</c> points).</summary>
    public double EvaluateTrain() => _evaluator.Evaluate(_trainForEvaluation, _evalRng);

    /// <summary>Average bound per datapoint on the test set (NaN without one).</summary>
    public double EvaluateTest() => _test is null ? double.NaN : _evaluator.Evaluate(_test, _evalRng);

    /// <summary>Evaluates both bounds now and appends the result to <see cref="Log"/>.</summary>
    public TrainingLogEntry Evaluate()
    {
        _evaluationWatch.Start();
        var train = EvaluateTrain();
        var test = EvaluateTest();
        _evaluationWatch.Stop();
        if (!double.IsFinite(train) || (_test is not null && !double.IsFinite(test)))
            throw new TrainingDivergedException(Steps, SamplesSeen, double.IsFinite(train) ? test : train, Optimizer.LearningRate,
                double.IsFinite(train) ? "test-set lower bound" : "training-set lower bound");
        var entry = new TrainingLogEntry(SamplesSeen, TrainingTime.TotalSeconds, train, test,
            _loop.SinceEvaluation.Mean);
        _loop.SinceEvaluation.Reset();
        Log.Add(entry);
        return entry;
    }

    /// <summary>
    /// Trains until <paramref name="totalSamples"/> datapoints have been processed in all (counting earlier
    /// calls), evaluating at log-spaced counts and at the end. Cancellation stops after the current step
    /// without a final evaluation; the result says whether the run completed.
    /// </summary>
    public TrainingResult Train(long totalSamples, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
        => Train(totalSamples, progress, cancellationToken, afterEvaluation: null);

    /// <summary><see cref="Train(long, IProgress{TrainingProgress}?, CancellationToken)"/>, calling
    /// <paramref name="afterEvaluation"/> after each evaluation (a <see cref="TrainingFolder"/> saves there).</summary>
    internal TrainingResult Train(long totalSamples, IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken, Action? afterEvaluation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSamples);
        var points = EvaluationSchedule.LogSpaced(Math.Min(Options.FirstEvaluation, totalSamples), totalSamples,
            Options.EvaluationsPerDecade);
        var callbacks = new TrainerCallbacks(this, progress, afterEvaluation);
        var result = _loop.Run(totalSamples, new TrainingSchedule(points, null, Options.ReportInterval), callbacks,
            cancellationToken);
        // Nothing left to train (a resumed run at its end) but the log lacks this point: evaluate it.
        if (result.Completed && (Log.Entries.Count == 0 || Log.Entries[^1].Samples != SamplesSeen))
            callbacks.EvaluateAtEnd(totalSamples, result.Elapsed);
        return result;
    }

    private static Dataset Wrap(float[] data, int d, string name)
    {
        if (data.Length == 0 || data.Length % d != 0)
            throw new ArgumentException($"The {name} data has {data.Length} values, not a positive multiple of the model's input size {d}.");
        return new Dataset(name, data, data.Length / d, d);
    }

    private static Dataset CheckData(Dataset data, int d, string name)
    {
        if (data.Features != d)
            throw new ArgumentException($"The {name} set ({data.Name}) has {data.Features} features; the model takes {d}.");
        if (data.Count == 0) throw new ArgumentException($"The {name} set ({data.Name}) is empty.");
        return data;
    }
}

/// <summary>How a call to <see cref="Trainer.Train"/> ended.</summary>
/// <param name="Completed">False when cancelled before reaching the requested samples.</param>
public readonly record struct TrainingResult(bool Completed, long Samples, TimeSpan Elapsed);
