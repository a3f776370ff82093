using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Aevb.IO;
using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>
/// One call of <see cref="FigureRun.Run"/> on a folder that is not done: resume from the checkpoint (or start, after
/// Section 5's step-size selection), then the loop of steps, evaluations, checkpoints and progress reports.
/// </summary>
internal sealed class RunSession : ITrainingCallbacks
{
    private readonly FigureRun _run;
    private readonly RunSettings _s;
    private readonly RunData _data;
    private readonly IProgress<RunProgress>? _progress;
    private readonly CancellationToken _cancel;
    private readonly RunEvaluator _evaluator;
    private readonly MinibatchStream _stream;
    private readonly float _scale;
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly string _started;
    private int _resumes;
    private RunLog _log;
    private RunLearner? _learner;
    private float _rate;
    private long _samples, _steps;
    private double _trainSeconds, _evalSeconds;
    private IReadOnlyDictionary<string, double>? _lastEvaluation;
    private TrainingLoop? _loop;
    private double _loopStartSeconds;
    private long _savedAt;

    public RunSession(FigureRun run, RunData data, JsonObject? info, IProgress<RunProgress>? progress,
        CancellationToken cancel)
    {
        (_run, _s, _data, _progress, _cancel) = (run, run.Settings, data, progress, cancel);
        _evaluator = new RunEvaluator(_s, data);
        _log = new RunLog(_evaluator.Metrics);
        _stream = new MinibatchStream(data.Train, _s.BatchSize, _s.Seed);
        _scale = (float)data.Train.Rows / _s.BatchSize;
        _resumes = info?["resumes"]?.GetValue<int>() ?? 0;
        _started = info?["started_utc"]?.GetValue<string>()
                   ?? DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        run.Selection = info?["learning_rate_selection"]?.DeepClone() as JsonObject;
        run.Revisions = (RunRevisions.Read(info), 0);
    }

    public RunResult Run(Action<long>? started)
    {
        var resumedStream = Resume();
        var resumedFrom = _samples;
        _run.Revisions = _run.Revisions with { ResumedFrom = resumedFrom };
        started?.Invoke(resumedFrom);
        // Before a step-size trial too: the folder says a run is under way (a trial interrupted is started again).
        _run.WriteInfo(_run.InfoPath, "running", _started, _resumes, Counters);
        if (_learner is null && !SelectStepSize(out _learner))
            return new RunResult(RunOutcome.Interrupted, _run.Directory, 0, 0, 0, 0, _wall.Elapsed);
        if (resumedStream is not null && resumedStream.TryGetValue(MinibatchStream.SegmentStartKey, out var startText))
            ContinueStreams(resumedStream, startText);
        else
            _stream.Reseed(_samples);
        return Train(_learner, resumedFrom);
    }

    private TrainingCounters Counters => new(_samples, _steps, _trainSeconds, _evalSeconds);

    /// <summary>
    /// Picks up the checkpoint, if any; returns its metadata (null for a fresh start). A checkpoint without a recorded
    /// step-size choice can only be one from before checkpoints were written as one unit with run.json (a kill
    /// between the two): the trials are deterministic, so they are simply run again.
    /// </summary>
    private IReadOnlyDictionary<string, string>? Resume()
    {
        var candidates = _s.LearningRates();
        _rate = candidates.Length == 0 ? _s.LearningRate : _run.Selection?["chosen"]?.GetValue<float>() ?? float.NaN;
        if (!File.Exists(_run.CheckpointPath) || float.IsNaN(_rate))
        {
            if (candidates.Length == 0) _learner = NewLearner(_rate);
            return null;
        }
        _learner = NewLearner(_rate);
        var (counters, metadata) = RunCheckpoint.Load(_run, _learner);
        (_samples, _steps, _trainSeconds, _evalSeconds) = counters;
        _log = RunLog.ReadCsv(_run.LogPath);
        if (!_log.Metrics.SequenceEqual(_evaluator.Metrics))
            throw new InvalidDataException(
                $"{_run.LogPath}: columns {string.Join(",", _log.Metrics)} do not match this run's "
                + $"{string.Join(",", _evaluator.Metrics)}; delete {_run.Directory} to start over.");
        _log.TruncateAfter(_samples);
        _resumes++;
        return metadata;
    }

    private void ContinueStreams(IReadOnlyDictionary<string, string> metadata, string startText)
    {
        var noise = metadata.TryGetValue(MinibatchStream.NoiseKey, out var state) ? state : "";
        if (!_stream.Continue(RunCheckpoint.SegmentStart(_run, startText, _samples), _samples, noise))
            throw new InvalidDataException(
                $"{_run.CheckpointPath}: metadata '{MinibatchStream.NoiseKey}' = '{noise}' is not "
                                           + $"a generator state; delete {_run.Directory} to start over.");
    }

    /// <summary>
    /// Section 5: the step size is "chosen from {0.01, 0.02, 0.1} based on performance on the training set in the
    /// first few iterations". Each candidate trains from the same initialisation, on the same minibatches and noise,
    /// up to the first evaluation point, where the run's own training-set measure (lower bound, or marginal
    /// likelihood for Figure 3) scores it; the run goes on from the best candidate's state, so its first log row is
    /// that evaluation. False when cancelled.
    /// </summary>
    private bool SelectStepSize(out RunLearner learner)
    {
        var candidates = _s.LearningRates();
        // The first evaluation, at the first whole minibatch reaching it.
        var trial = (_s.EvaluationPoints()[0] + _s.BatchSize - 1) / _s.BatchSize * _s.BatchSize;
        var metric = _evaluator.Metrics.Contains("train_log_px") ? "train_log_px" : "train_bound";
        var scores = new JsonArray();
        var watch = Stopwatch.StartNew();
        (double Score, RunLearner Learner, Dictionary<string, double> Values, double Train, double Eval)? best = null;
        learner = null!;
        foreach (var candidate in candidates)
        {
            if (Trial(candidate, trial) is not var (l, trainTime, diverged)) return false;
            var evalWatch = Stopwatch.StartNew();
            var values = diverged ? null : _evaluator.Evaluate(l, new Rng(MinibatchStream.Mix(_s.Seed, _samples, 3)));
            var score = values is not null && values.TryGetValue(metric, out var v) && double.IsFinite(v)
                ? v : double.NaN;
            scores.Add(new JsonObject
            {
                ["learning_rate"] = candidate, [metric] = double.IsFinite(score) ? score : null,
            });
            var name = $"{_s.Name} lr {candidate.ToString(CultureInfo.InvariantCulture)}";
            var rate = _samples / Math.Max(trainTime, 1e-9);
            _progress?.Report(new RunProgress(name, _samples, _s.Samples, rate, double.NaN, values, IsEvaluation: true));
            if (double.IsFinite(score) && score > (best?.Score ?? double.NegativeInfinity))
            {
                best = (score, l, values!, trainTime, evalWatch.Elapsed.TotalSeconds);
                _run.Selection = new JsonObject { ["chosen"] = candidate };
            }
        }
        if (best is not { } b || _run.Selection is null)
            throw new TrainingDivergedException(trial / _s.BatchSize, trial, double.NaN, candidates.Max());
        _rate = _run.Selection["chosen"]!.GetValue<float>();
        _run.Selection["trial_samples"] = trial;
        _run.Selection["score"] = metric;
        _run.Selection["candidates"] = scores;
        _run.Selection["seconds"] = watch.Elapsed.TotalSeconds;
        (_samples, _steps, _trainSeconds, _evalSeconds) = (trial, trial / _s.BatchSize, b.Train, b.Eval);
        _log.Add(_samples, _trainSeconds, _evalSeconds, b.Values);
        learner = b.Learner;
        Commit(learner, null);
        return true;
    }

    /// <summary>One candidate step size from the start to <paramref name="trial"/> samples; null when
    /// cancelled.</summary>
    private (RunLearner Learner, double TrainSeconds, bool Diverged)? Trial(float candidate, long trial)
    {
        _rate = candidate;
        _stream.Reseed(0);
        var learner = NewLearner(candidate);
        var loop = NewLoop(learner);
        var diverged = false;
        try
        {
            if (!loop.Run(trial, TrainingSchedule.StepsOnly, NoCallbacks.Instance, _cancel).Completed) return null;
        }
        catch (TrainingDivergedException)
        {
            diverged = true;
        }
        _samples = loop.Samples;
        return (learner, loop.TrainingTime.TotalSeconds, diverged);
    }

    /// <summary>The loop from the current counters to the run's end; checkpoints through the callbacks
    /// below.</summary>
    private RunResult Train(RunLearner learner, long resumedFrom)
    {
        _loop = NewLoop(learner);
        _loop.Restore(_samples, _steps, TimeSpan.Zero);
        _loopStartSeconds = _trainSeconds;
        _savedAt = resumedFrom; // after the step-size trials too: a Ctrl+C before the first step still checkpoints
        var schedule = new TrainingSchedule(_s.EvaluationPoints(), _s.CheckpointInterval, TimeSpan.FromSeconds(0.5));
        var result = _loop.Run(_s.Samples, schedule, this, _cancel);
        SyncCounters();
        if (!result.Completed)
            return new RunResult(RunOutcome.Interrupted, _run.Directory, _samples, resumedFrom, _trainSeconds,
                _evalSeconds, _wall.Elapsed);
        _run.WriteInfo(_run.InfoPath, "completed", _started, _resumes, Counters);
        return new RunResult(RunOutcome.Completed, _run.Directory, _samples, resumedFrom, _trainSeconds, _evalSeconds,
            _wall.Elapsed);
    }

    /// <summary>An evaluation (when <paramref name="evaluate"/>) and a checkpoint at the current sample count;
    /// the streams start a new segment there.</summary>
    void ITrainingCallbacks.Checkpoint(bool evaluate)
    {
        SyncCounters();
        if (evaluate)
        {
            var evalWatch = Stopwatch.StartNew();
            var values = _evaluator.Evaluate(_learner!, new Rng(MinibatchStream.Mix(_s.Seed, _samples, 3)));
            _evalSeconds += evalWatch.Elapsed.TotalSeconds;
            _log.Add(_samples, _trainSeconds, _evalSeconds, values);
            _lastEvaluation = values;
        }
        Commit(_learner!, null);
        _savedAt = _samples;
        _stream.Reseed(_samples);
    }

    /// <summary>
    /// Ctrl+C / SIGTERM: checkpoints the work since the last one, with where the minibatch and noise streams stand,
    /// so the next run continues them instead of reseeding here (an uninterrupted run reseeds only at evaluations
    /// and checkpoint intervals, and a resumed one must give the same numbers).
    /// </summary>
    void ITrainingCallbacks.Interrupted()
    {
        SyncCounters();
        if (_samples > _savedAt) Commit(_learner!, _stream.State());
    }

    void ITrainingCallbacks.Report(TrainingProgress p) => _progress?.Report(new RunProgress(_s.Name, p.Samples,
        _s.Samples, p.SamplesPerSecond, p.Bound, _lastEvaluation, p.IsEvaluation));

    private void SyncCounters()
        => (_samples, _steps, _trainSeconds) = (_loop!.Samples, _loop.Steps,
            _loopStartSeconds + _loop.TrainingTime.TotalSeconds);

    /// <summary>
    /// One checkpoint: parameters and optimiser state, the model file, the log and run.json (with the step-size
    /// choice) replace the previous ones together, or not at all (<see cref="FolderCommit"/>), so a crash at any
    /// instant resumes from a complete checkpoint. <paramref name="streamState"/>: where the random streams stand,
    /// for a checkpoint between reseeds.
    /// </summary>
    private void Commit(RunLearner learner, IReadOnlyDictionary<string, string>? streamState)
        => FolderCommit.Write(_run.Directory, staging =>
        {
            RunCheckpoint.Save(_run, staging, learner, Counters, streamState);
            _log.WriteCsv(Path.Combine(staging, FigureRun.LogFile));
            _run.WriteInfo(Path.Combine(staging, FigureRun.InfoFile), "running", _started, _resumes, Counters);
        });

    private RunLearner NewLearner(float learningRate)
    {
        var root = new Rng(_s.Seed);
        var config = new VaeConfig(_data.Features, _s.Hidden, _s.Latent, _data.Decoder);
        var model = Vae.Create(config, _s.InitStd, root.Fork());
        if (model.Decoder is GaussianMlpDecoder gaussian)
        {
            gaussian.MeanOutput = _s.GaussianMean;
            gaussian.VarianceOutput = _s.GaussianVariance;
        }
        return RunLearner.Create(_s with { LearningRate = learningRate }, model, _data.Train.Rows, root.Fork());
    }

    private TrainingLoop NewLoop(RunLearner learner) => new(learner, _stream, _scale, () => _rate)
    {
        LearningRateAt = _s.AnnealSamples is null ? null : samples => _s.AnnealedRate(_rate, samples),
    };

    /// <summary>The step-size trials stop only where they end: no evaluation, no checkpoint, no report.</summary>
    private sealed class NoCallbacks : ITrainingCallbacks
    {
        public static readonly NoCallbacks Instance = new();

        public void Checkpoint(bool evaluate) { }
    }
}
