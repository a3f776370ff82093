using System.Diagnostics;
using Aevb.Training.Runs;

namespace Aevb.Training;

/// <summary>
/// The one training loop of <c>aevb train</c> (<see cref="Trainer"/>), figure runs and their step-size trials:
/// step a <see cref="RunLearner"/> on minibatches from an <see cref="IMinibatchSource"/>, stop when the objective is
/// not finite, evaluate and checkpoint on a <see cref="TrainingSchedule"/> through <see cref="ITrainingCallbacks"/>,
/// report progress (rate, ETA, running objective), and stop between two steps when cancelled.
/// <see cref="Step"/> allocates nothing.
/// </summary>
public sealed class TrainingLoop
{
    private readonly RunLearner _learner;
    private readonly IMinibatchSource _batches;
    private readonly float _scale;
    private readonly Func<float> _learningRate;
    private readonly Stopwatch _watch = new();
    private TimeSpan _resumedTime;

    /// <param name="scale">N/M: the minibatch estimate scaled to the full data set.</param>
    /// <param name="learningRate">The step size a divergence message names.</param>
    public TrainingLoop(RunLearner learner, IMinibatchSource batches, float scale, Func<float> learningRate)
        => (_learner, _batches, _scale, _learningRate) = (learner, batches, scale, learningRate);

    /// <summary>The step size for the next step from the samples seen so far (annealing); null leaves it as it
    /// is.</summary>
    public Func<long, float>? LearningRateAt { get; init; }

    /// <summary>Training datapoints processed so far.</summary>
    public long Samples { get; private set; }

    public long Steps { get; private set; }

    /// <summary>Time spent in <see cref="Step"/>, including that of the run this one resumed.</summary>
    public TimeSpan TrainingTime => _watch.Elapsed + _resumedTime;

    /// <summary>The objective since the last periodic progress report (reset by the loop).</summary>
    public RunningMean SinceReport { get; } = new();

    /// <summary>The objective since the caller last reset it (e.g. <see cref="Trainer"/>'s log entries).</summary>
    public RunningMean SinceEvaluation { get; } = new();

    /// <summary>Continues a saved run from its counters.</summary>
    public void Restore(long samples, long steps, TimeSpan trainingTime)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        (Samples, Steps, _resumedTime) = (samples, steps, trainingTime - _watch.Elapsed);
    }

    /// <summary>
    /// One update on the next minibatch; returns its training objective. Throws
    /// <see cref="TrainingDivergedException"/> when the objective is NaN or infinite (the learner leaves the
    /// parameters untouched then, and the counters stay).
    /// </summary>
    public double Step()
    {
        _watch.Start();
        try
        {
            _batches.Next();
            if (LearningRateAt is { } rateAt) _learner.SetLearningRate(rateAt(Samples));
            var objective = _learner.Step(_batches.Batch, _batches.Indices, _scale, _batches.Noise);
            if (!double.IsFinite(objective))
                throw new TrainingDivergedException(Steps + 1, Samples, objective, _learningRate());
            Steps++;
            Samples += _batches.Batch.Rows;
            SinceReport.Add(objective);
            SinceEvaluation.Add(objective);
            return objective;
        }
        finally
        {
            _watch.Stop();
        }
    }

    /// <summary>
    /// Steps until <paramref name="totalSamples"/> datapoints have been processed in all, with a checkpoint at each
    /// evaluation point and interval and at the end (evaluating at the points and the end). Cancellation stops before
    /// the next step and calls <see cref="ITrainingCallbacks.Interrupted"/>; the result says whether the run
    /// completed.
    /// </summary>
    public TrainingResult Run(long totalSamples, TrainingSchedule schedule, ITrainingCallbacks callbacks,
        CancellationToken cancellationToken = default)
    {
        var points = schedule.EvaluationPoints;
        var next = SkipPast(points, 0);
        var every = schedule.CheckpointInterval ?? long.MaxValue;
        var nextCheckpoint = every == long.MaxValue ? long.MaxValue : (Samples / every + 1) * every;
        var clock = new ProgressClock(this, totalSamples);
        var lastReport = TimeSpan.Zero;
        while (Samples < totalSamples)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                callbacks.Interrupted();
                return new TrainingResult(Completed: false, Samples, clock.Wall);
            }
            Step();
            var evaluate = next < points.Length && Samples >= points[next];
            if (evaluate || Samples >= nextCheckpoint || Samples >= totalSamples)
            {
                var evaluated = evaluate || Samples >= totalSamples;
                callbacks.Checkpoint(evaluated);
                next = SkipPast(points, next);
                while (nextCheckpoint <= Samples) nextCheckpoint += every;
                callbacks.Report(clock.Snapshot(evaluated)); // a checkpoint alone is no new evaluation
            }
            else if (clock.Wall - lastReport >= schedule.ReportInterval)
            {
                lastReport = clock.Wall;
                callbacks.Report(clock.Snapshot(false));
                SinceReport.Reset();
            }
        }
        return new TrainingResult(Completed: true, Samples, clock.Wall);
    }

    private int SkipPast(long[] points, int next)
    {
        while (next < points.Length && points[next] <= Samples) next++;
        return next;
    }

    /// <summary>Wall time and training time since a call of <see cref="Run"/> began, for rate and ETA.</summary>
    private sealed class ProgressClock(TrainingLoop loop, long totalSamples)
    {
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private readonly long _startSamples = loop.Samples;
        private readonly TimeSpan _startTraining = loop.TrainingTime;

        public TimeSpan Wall => _wall.Elapsed;

        public TrainingProgress Snapshot(bool isEvaluation)
        {
            var trainSeconds = (loop.TrainingTime - _startTraining).TotalSeconds;
            var rate = trainSeconds > 0 ? (loop.Samples - _startSamples) / trainSeconds : 0;
            // Remaining training time, stretched by the share evaluations have taken so far.
            var overhead = trainSeconds > 0 ? Wall.TotalSeconds / trainSeconds : 1;
            var eta = rate > 0 ? TimeSpan.FromSeconds((totalSamples - loop.Samples) / rate * overhead) : TimeSpan.Zero;
            return new TrainingProgress(loop.Samples, totalSamples, Wall, rate, loop.SinceReport.Mean, eta, null,
                isEvaluation);
        }
    }
}
