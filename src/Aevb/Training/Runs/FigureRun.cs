using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aevb.IO;
using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>How <see cref="FigureRun.Run"/> ended.</summary>
public enum RunOutcome
{
    /// <summary>Trained to the end in this call (possibly after resuming).</summary>
    Completed,

    /// <summary>The folder already held the completed run: nothing was done.</summary>
    Skipped,

    /// <summary>Cancelled; the folder keeps the last checkpoint, and the next call resumes from it.</summary>
    Interrupted,
}

/// <param name="ResumedFrom">Samples of the checkpoint this call started from (0 for a fresh run).</param>
public sealed record RunResult(RunOutcome Outcome, string Directory, long Samples, long ResumedFrom, double TrainSeconds, double EvalSeconds, TimeSpan Wall);

/// <summary>Progress of a run: sent every half second and after each evaluation.</summary>
public sealed record RunProgress(string Name, long Samples, long TotalSamples, double SamplesPerSecond, double Objective,
    IReadOnlyDictionary<string, double>? Evaluation, bool IsEvaluation);

/// <summary>
/// One curve of a figure: trains one method with fixed <see cref="RunSettings"/> in its own folder, evaluating at
/// log-spaced sample counts, and writes
/// <list type="bullet">
/// <item><c>log.csv</c>: a row per evaluation (<see cref="RunLog"/>);</item>
/// <item><c>run.json</c>: settings, seed, git revision, machine, status, durations and throughput;</item>
/// <item><c>checkpoint.safetensors</c>: parameters, optimiser state, MCEM chains and counters (resume state);</item>
/// <item><c>model.safetensors</c>: the model in the format of <c>aevb train</c> (PyTorch names), for notebooks.</item>
/// </list>
/// Resumable: a completed run is skipped; otherwise the run continues from its last checkpoint, taken at every
/// evaluation point and every <see cref="RunSettings.CheckpointInterval"/> samples. A completed run asked for more
/// <see cref="RunSettings.Samples"/> (and nothing else changed) is extended from its final checkpoint. The minibatch-order and noise
/// streams are re-seeded from (seed, samples) at each of those points, so a resumed run produces the same numbers
/// as one that was never interrupted (each segment starts a fresh shuffle of the training set).
/// </summary>
public sealed class FigureRun
{
    public const string LogFile = "log.csv";
    public const string InfoFile = "run.json";
    public const string CheckpointFile = "checkpoint.safetensors";
    public const string ModelFile = "model.safetensors";

    /// <summary>The sources' revision, read once when this object first writes run.json (the code that trains).</summary>
    private string? _gitRevision;

    /// <summary>The step-size choice (candidates, their scores, the one chosen), recorded in run.json; null when forced.</summary>
    private JsonObject? _selection;

    public FigureRun(RunSettings settings, string directory, string figure = "")
    {
        settings.Validate();
        Settings = settings;
        Directory = Path.GetFullPath(directory);
        Figure = figure;
    }

    public RunSettings Settings { get; }

    public string Directory { get; }

    /// <summary>The figure this run belongs to (<c>fig2</c>, <c>fig3</c>), recorded in run.json.</summary>
    public string Figure { get; }

    public string LogPath => Path.Combine(Directory, LogFile);

    public string InfoPath => Path.Combine(Directory, InfoFile);

    public string CheckpointPath => Path.Combine(Directory, CheckpointFile);

    /// <summary>Whether <paramref name="directory"/> holds a completed run (run.json with status "completed").</summary>
    public static bool IsCompleted(string directory)
    {
        var path = Path.Combine(directory, InfoFile);
        return File.Exists(path) && ReadInfo(path)["status"]?.GetValue<string>() == "completed";
    }

    /// <summary>Whether this run is already complete with exactly these settings (so <see cref="Run"/> would skip it).</summary>
    public bool IsDone => IsCompleted(Directory) && StoredSettings(ReadInfo(InfoPath), InfoPath) is var stored && CoversSettings(stored)
                          && File.Exists(LogPath) && RunLog.ReadCsv(LogPath).LastSamples >= stored.Samples; // its rows too, not just its status

    /// <summary>A stored run with these settings and at least as many samples answers for these settings.</summary>
    private bool CoversSettings(RunSettings stored) => stored with { Samples = Settings.Samples } == Settings && stored.Samples >= Settings.Samples;

    /// <summary>
    /// The settings in run.json. With step-size candidates, its <c>learning_rate</c> is the one chosen (or, written
    /// by an older version, 0.02 whatever was chosen), not part of what was asked for: it is left out of the comparison.
    /// </summary>
    private RunSettings StoredSettings(JsonObject info, string path)
    {
        var stored = RunSettings.FromJson(info["settings"] as JsonObject ?? throw new InvalidDataException($"{path}: no 'settings' object."), path);
        return stored.LearningRateCandidates is not null && Settings.LearningRateCandidates is not null ? stored with { LearningRate = Settings.LearningRate } : stored;
    }

    /// <summary>Trains (or resumes, or skips) the run on <paramref name="data"/> (the full data set; the run takes its subset).</summary>
    public RunResult Run(RunData data, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var s = Settings;
        if (data.Dataset != s.Dataset) throw new ArgumentException($"The run is for {s.Dataset} but got {data.Dataset} data.");
        data = data.WithTrainCount(s.TrainCount);
        System.IO.Directory.CreateDirectory(Directory);
        using var runLock = DirectoryLock.Acquire(Directory, $"another run of {s.Name}"); // two processes never share a run folder
        FolderCommit.Recover(Directory); // a crash mid-checkpoint: finish it, or fall back to the one before

        var info = File.Exists(InfoPath) ? ReadInfo(InfoPath) : null;
        if (info is not null)
        {
            var stored = StoredSettings(info, InfoPath);
            var diff = stored.Differences(s);
            var extending = diff.Count > 0 && stored with { Samples = s.Samples } == s && s.Samples > stored.Samples;
            var completed = info["status"]?.GetValue<string>() == "completed";
            var covered = completed && CoversSettings(stored); // e.g. a run carried to 1e7 samples asked for 1e6: done, not redone
            if (diff.Count > 0 && !extending && !covered)
                throw new InvalidOperationException($"{Directory} holds a run with other settings ({string.Join("; ", diff)}). Use another --out folder, or delete this one to start over.");
            if (extending && !File.Exists(CheckpointPath))
                throw new InvalidOperationException($"{Directory} holds a run to {stored.Samples} samples without a checkpoint to extend it from; delete the folder to start over.");
            if (!extending && completed)
            {
                var log = RunLog.ReadCsv(LogPath);
                if (log.LastSamples < stored.Samples) // e.g. log.csv restored from an older copy: the rows are what the run is for
                    throw new InvalidDataException($"{InfoPath} says the run completed {stored.Samples} samples, but {LogPath} ends at {log.LastSamples}; restore that log.csv, or delete {Directory} to start over.");
                return new RunResult(RunOutcome.Skipped, Directory, log.LastSamples, log.LastSamples,
                    info["training_seconds"]?.GetValue<double>() ?? double.NaN, info["evaluation_seconds"]?.GetValue<double>() ?? double.NaN, TimeSpan.Zero);
            }
        }

        var wall = Stopwatch.StartNew();
        var n = data.Train.Rows;
        var evaluator = new RunEvaluator(s, data);
        var runLog = new RunLog(evaluator.Metrics);
        long samples = 0, steps = 0;
        double trainSeconds = 0, evalSeconds = 0;
        var resumes = info?["resumes"]?.GetValue<int>() ?? 0;
        var candidates = s.LearningRates();
        _selection = info?["learning_rate_selection"]?.DeepClone() as JsonObject;
        var rate = candidates.Length == 0 ? s.LearningRate : _selection?["chosen"]?.GetValue<float>() ?? float.NaN;
        RunLearner learner = null!;
        IReadOnlyDictionary<string, string>? resumedStream = null;
        // A checkpoint without a recorded step-size choice can only be one from before checkpoints were written as one
        // unit with run.json (a kill between the two): the trials are deterministic, so they are simply run again.
        if (File.Exists(CheckpointPath) && !float.IsNaN(rate))
        {
            learner = NewLearner(rate);
            (samples, steps, trainSeconds, evalSeconds, resumedStream) = LoadCheckpoint(learner);
            runLog = RunLog.ReadCsv(LogPath);
            if (!runLog.Metrics.SequenceEqual(evaluator.Metrics))
                throw new InvalidDataException($"{LogPath}: columns {string.Join(",", runLog.Metrics)} do not match this run's {string.Join(",", evaluator.Metrics)}; delete {Directory} to start over.");
            runLog.TruncateAfter(samples);
            resumes++;
        }
        else if (candidates.Length == 0)
        {
            learner = NewLearner(rate);
        }
        var resumedFrom = samples;
        var savedAt = samples;
        var started = info?["started_utc"]?.GetValue<string>() ?? DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        // Before a step-size trial too: the folder says a run is under way (a trial interrupted is started again).
        WriteInfo(InfoPath, "running", started, resumes, samples, trainSeconds, evalSeconds);

        var points = s.EvaluationPoints();
        var m = s.BatchSize;
        var scale = (float)n / m;
        var batch = new Tensor(m, data.Features);
        var order = Enumerable.Range(0, n).ToArray();
        var indices = new int[m];
        var position = n;
        Rng batchRng = null!, noiseRng = null!;
        long segmentStart = 0;
        void Reseed(long at)
        {
            segmentStart = at;
            batchRng = new Rng(Mix(s.Seed, at, 1));
            noiseRng = new Rng(Mix(s.Seed, at, 2));
            for (var i = 0; i < n; i++) order[i] = i; // a fresh permutation at every segment, independent of the last
            position = n;
        }
        // Continues the segment that a Ctrl+C checkpoint cut short, exactly where it stopped: the minibatch stream is
        // replayed from the segment's start (it only shuffles), the noise stream's state was saved as it was.
        void ContinueSegment(long start, string noiseState)
        {
            Reseed(start);
            for (var r = start; r < samples; r++)
            {
                if (position == n)
                {
                    batchRng.Shuffle(order);
                    position = 0;
                }
                position++;
            }
            if (!noiseRng.RestoreState(noiseState))
                throw new InvalidDataException($"{CheckpointPath}: metadata '{StreamNoiseKey}' = '{noiseState}' is not a generator state; delete {Directory} to start over.");
        }
        // One minibatch from the current stream, one update; returns the training objective.
        double Step(RunLearner l)
        {
            for (var r = 0; r < m; r++)
            {
                if (position == n)
                {
                    batchRng.Shuffle(order);
                    position = 0;
                }
                indices[r] = order[position++];
                data.Train.Row(indices[r]).CopyTo(batch.Row(r));
            }
            if (s.AnnealSamples is not null) l.SetLearningRate(s.AnnealedRate(rate, samples));
            return l.Step(batch, indices, scale, noiseRng);
        }

        if (learner is null)
        {
            // Section 5: the step size is "chosen from {0.01, 0.02, 0.1} based on performance on the training set in
            // the first few iterations". Each candidate trains from the same initialisation, on the same minibatches
            // and noise, up to the first evaluation point, where the run's own training-set measure (lower bound, or
            // marginal likelihood for Figure 3) scores it; the run goes on from the best candidate's state, so its
            // first log row is that evaluation.
            var trial = (points[0] + m - 1) / m * m; // the first evaluation, at the first whole minibatch reaching it
            var metric = evaluator.Metrics.Contains("train_log_px") ? "train_log_px" : "train_bound";
            var scores = new JsonArray();
            var selectionWatch = Stopwatch.StartNew();
            double bestScore = double.NegativeInfinity, bestTrain = 0, bestEval = 0;
            Dictionary<string, double>? bestValues = null;
            foreach (var candidate in candidates)
            {
                rate = candidate;
                samples = 0;
                Reseed(0);
                var l = NewLearner(candidate);
                var trainWatch = Stopwatch.StartNew();
                var diverged = false;
                while (samples < trial && !diverged)
                {
                    if (cancellationToken.IsCancellationRequested)
                        return new RunResult(RunOutcome.Interrupted, Directory, 0, 0, 0, 0, wall.Elapsed);
                    diverged = !double.IsFinite(Step(l));
                    samples += m;
                }
                var trainTime = trainWatch.Elapsed.TotalSeconds;
                var evalWatch = Stopwatch.StartNew();
                var values = diverged ? null : evaluator.Evaluate(l, new Rng(Mix(s.Seed, samples, 3)));
                var score = values is not null && values.TryGetValue(metric, out var v) && double.IsFinite(v) ? v : double.NaN;
                scores.Add(new JsonObject { ["learning_rate"] = candidate, [metric] = double.IsFinite(score) ? score : null });
                progress?.Report(new RunProgress($"{s.Name} lr {candidate.ToString(CultureInfo.InvariantCulture)}", samples, s.Samples, samples / Math.Max(trainTime, 1e-9),
                    double.NaN, values, IsEvaluation: true));
                if (double.IsFinite(score) && score > bestScore)
                {
                    (bestScore, bestValues, learner, bestTrain, bestEval) = (score, values, l, trainTime, evalWatch.Elapsed.TotalSeconds);
                    _selection = new JsonObject { ["chosen"] = candidate };
                }
            }
            if (learner is null || bestValues is null || _selection is null)
                throw new TrainingDivergedException(trial / m, trial, double.NaN, candidates.Max());
            rate = _selection["chosen"]!.GetValue<float>();
            _selection["trial_samples"] = trial;
            _selection["score"] = metric;
            _selection["candidates"] = scores;
            _selection["seconds"] = selectionWatch.Elapsed.TotalSeconds;
            samples = trial;
            steps = trial / m;
            (trainSeconds, evalSeconds) = (bestTrain, bestEval);
            runLog.Add(samples, trainSeconds, evalSeconds, bestValues);
            Commit(learner, null);
        }

        var next = 0;
        while (next < points.Length && points[next] <= samples) next++;
        var nextCheckpoint = (samples / s.CheckpointInterval + 1) * s.CheckpointInterval;
        if (resumedStream is not null && resumedStream.TryGetValue(StreamStartKey, out var startText))
            ContinueSegment(ParseStreamStart(startText, samples), resumedStream.TryGetValue(StreamNoiseKey, out var noise) ? noise : "");
        else
            Reseed(samples);

        var train = new Stopwatch();
        var lastReport = TimeSpan.Zero;
        double objectiveSum = 0;
        long objectiveCount = 0;
        IReadOnlyDictionary<string, double>? lastEvaluation = null;
        while (samples < s.Samples)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C / SIGTERM: checkpoint the work since the last one, with where the minibatch and noise streams
                // stand, so the next run continues them instead of reseeding here (an uninterrupted run reseeds only at
                // evaluations and checkpoint intervals, and a resumed one must give the same numbers).
                if (samples > savedAt)
                {
                    trainSeconds += train.Elapsed.TotalSeconds;
                    train.Reset();
                    Commit(learner, new Dictionary<string, string>
                    {
                        [StreamStartKey] = segmentStart.ToString(CultureInfo.InvariantCulture),
                        [StreamNoiseKey] = noiseRng.SaveState(),
                    });
                }
                return new RunResult(RunOutcome.Interrupted, Directory, samples, resumedFrom, trainSeconds + train.Elapsed.TotalSeconds, evalSeconds, wall.Elapsed);
            }

            train.Start();
            var objective = Step(learner);
            train.Stop();
            if (!double.IsFinite(objective))
                throw new TrainingDivergedException(steps + 1, samples, objective, rate);
            steps++;
            samples += m;
            objectiveSum += objective;
            objectiveCount++;

            var evaluate = next < points.Length && samples >= points[next];
            if (evaluate || samples >= nextCheckpoint || samples >= s.Samples)
            {
                var t = trainSeconds + train.Elapsed.TotalSeconds;
                var evaluated = evaluate || samples >= s.Samples;
                if (evaluated)
                {
                    var evalWatch = Stopwatch.StartNew();
                    var values = evaluator.Evaluate(learner, new Rng(Mix(s.Seed, samples, 3)));
                    evalSeconds += evalWatch.Elapsed.TotalSeconds;
                    runLog.Add(samples, t, evalSeconds, values);
                    lastEvaluation = values;
                    while (next < points.Length && points[next] <= samples) next++;
                }
                trainSeconds = t;
                train.Reset();
                Commit(learner, null);
                savedAt = samples;
                while (nextCheckpoint <= samples) nextCheckpoint += s.CheckpointInterval;
                Reseed(samples);
                progress?.Report(Snapshot(evaluated)); // a checkpoint alone is no new evaluation: no evaluation line
            }
            else if (progress is not null && wall.Elapsed - lastReport >= TimeSpan.FromSeconds(0.5))
            {
                lastReport = wall.Elapsed;
                progress.Report(Snapshot(false));
                objectiveSum = 0;
                objectiveCount = 0;
            }
        }
        WriteInfo(InfoPath, "completed", started, resumes, samples, trainSeconds, evalSeconds);
        return new RunResult(RunOutcome.Completed, Directory, samples, resumedFrom, trainSeconds, evalSeconds, wall.Elapsed);

        // One checkpoint: parameters and optimiser state, the model file, the log and run.json (with the step-size
        // choice) replace the previous ones together, or not at all (FolderCommit), so a crash at any instant resumes
        // from a complete checkpoint. streamState: where the random streams stand, for a checkpoint between reseeds.
        void Commit(RunLearner l, IReadOnlyDictionary<string, string>? streamState)
            => FolderCommit.Write(Directory, staging =>
            {
                SaveCheckpoint(staging, l, samples, steps, trainSeconds, evalSeconds, streamState);
                runLog.WriteCsv(Path.Combine(staging, LogFile));
                WriteInfo(Path.Combine(staging, InfoFile), "running", started, resumes, samples, trainSeconds, evalSeconds);
            });

        RunLearner NewLearner(float learningRate)
        {
            var root = new Rng(s.Seed);
            var model = Vae.Create(new VaeConfig(data.Features, s.Hidden, s.Latent, data.Decoder), s.InitStd, root.Fork());
            return RunLearner.Create(s with { LearningRate = learningRate }, model, n, root.Fork());
        }

        RunProgress Snapshot(bool isEvaluation)
        {
            var seconds = trainSeconds + train.Elapsed.TotalSeconds;
            var rate = seconds > 0 ? samples / seconds : 0;
            return new RunProgress(s.Name, samples, s.Samples, rate, objectiveCount > 0 ? objectiveSum / objectiveCount : double.NaN, lastEvaluation, isEvaluation);
        }
    }

    /// <summary>Metadata of a checkpoint taken between reseeds (Ctrl+C): where the current segment of the streams began.</summary>
    private const string StreamStartKey = "stream.segment_start";

    /// <summary>Metadata of a checkpoint taken between reseeds: the noise generator's state (<see cref="Rng.SaveState"/>).</summary>
    private const string StreamNoiseKey = "stream.noise";

    private long ParseStreamStart(string text, long samples)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var start) && start <= samples && samples - start <= Settings.CheckpointInterval
            ? start
            : throw new InvalidDataException($"{CheckpointPath}: metadata '{StreamStartKey}' = '{text}' is not a sample count within the checkpoint interval before {samples}; delete {Directory} to start over.");

    private void SaveCheckpoint(string directory, RunLearner learner, long samples, long steps, double trainSeconds, double evalSeconds,
        IReadOnlyDictionary<string, string>? streamState)
    {
        var tensors = new List<Aevb.Training.SafeTensor>();
        foreach (var (name, p) in learner.Model.NamedParameters)
            tensors.Add(new Aevb.Training.SafeTensor("model." + name, [p.Value.Rows, p.Value.Cols], p.Value.Data.ToArray()));
        foreach (var (name, buffer) in learner.StateBuffers())
        {
            var data = buffer().ToArray();
            tensors.Add(new Aevb.Training.SafeTensor("state." + name, [data.Length], data));
        }
        var metadata = new Dictionary<string, string>
        {
            ["run"] = Settings.Name,
            ["samples_seen"] = samples.ToString(CultureInfo.InvariantCulture),
            ["steps"] = steps.ToString(CultureInfo.InvariantCulture),
            ["train_seconds"] = trainSeconds.ToString("R", CultureInfo.InvariantCulture),
            ["eval_seconds"] = evalSeconds.ToString("R", CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in learner.StateMetadata()) metadata[k] = v;
        if (streamState is not null)
            foreach (var (k, v) in streamState) metadata[k] = v;
        SafeTensors.Write(Path.Combine(directory, CheckpointFile), tensors, metadata);
        Checkpoint.Save(Path.Combine(directory, ModelFile), learner.Model, new CheckpointInfo(Settings.Dataset, samples),
            new Dictionary<string, string> { ["method"] = Settings.Method });
    }

    private (long Samples, long Steps, double TrainSeconds, double EvalSeconds, IReadOnlyDictionary<string, string> Metadata) LoadCheckpoint(RunLearner learner)
    {
        var path = CheckpointPath;
        var file = SafeTensors.Read(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{path}: metadata lacks '{key}'; delete {Directory} to start over.");
        foreach (var (name, p) in learner.Model.NamedParameters)
        {
            var t = file.Find("model." + name) ?? throw new InvalidDataException($"{path}: tensor 'model.{name}' is missing; delete {Directory} to start over.");
            if (t.Data.Length != p.Value.Length)
                throw new InvalidDataException($"{path}: tensor 'model.{name}' has {t.Data.Length} values, the model {p.Value.Length}; delete {Directory} to start over.");
            RequireFinite(path, "model." + name, t.Data);
            t.Data.AsSpan().CopyTo(p.Value.Span);
        }
        foreach (var (name, buffer) in learner.StateBuffers())
        {
            var t = file.Find("state." + name) ?? throw new InvalidDataException($"{path}: tensor 'state.{name}' is missing; delete {Directory} to start over.");
            var span = buffer();
            if (t.Data.Length != span.Length)
                throw new InvalidDataException($"{path}: tensor 'state.{name}' has {t.Data.Length} values, expected {span.Length}; delete {Directory} to start over.");
            RequireFinite(path, "state." + name, t.Data);
            t.Data.AsSpan().CopyTo(span);
        }
        // A missing key first (the file is not what it should be), then each value through the typed, range-checked readers.
        foreach (var key in new[] { "samples_seen", "steps", "train_seconds", "eval_seconds" }) Meta(key);
        try
        {
            learner.RestoreMetadata(file);
            // The counters decide where the run stands: a count past the run's end (or off the minibatch grid) would make a
            // run "completed" that never trained that far.
            var samples = file.Integer("samples_seen", 0, Settings.Samples);
            if (samples % Settings.BatchSize != 0)
                throw new InvalidDataException($"{path}: metadata 'samples_seen' = {samples} is not a multiple of the batch size {Settings.BatchSize}.");
            return (samples, file.Integer("steps"),
                file.Number("train_seconds", 0, TrainerState.MaxSeconds), file.Number("eval_seconds", 0, TrainerState.MaxSeconds), file.Metadata);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{e.Message} Delete {Directory} to start over.", e);
        }
    }

    /// <summary>A NaN or infinite parameter or optimiser sum would train on silently and look like a bad step size.</summary>
    private void RequireFinite(string path, string tensor, float[] values)
    {
        var i = Array.FindIndex(values, v => !float.IsFinite(v));
        if (i >= 0)
            throw new InvalidDataException($"{path}: tensor '{tensor}' holds {values[i]} at index {i}, not a finite number; the checkpoint is damaged, delete {Directory} to start over.");
    }

    private void WriteInfo(string path, string status, string started, int resumes, long samples, double trainSeconds, double evalSeconds)
    {
        var now = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var perSecond = trainSeconds > 0 ? samples / trainSeconds : double.NaN;
        var json = new JsonObject
        {
            ["run"] = Settings.Name,
            ["figure"] = Figure,
            ["method"] = Settings.Method,
            ["status"] = status,
            ["seed"] = Settings.Seed,
            ["settings"] = SettingsJson(),
            ["learning_rate_selection"] = _selection?.DeepClone(),
            ["git_revision"] = _gitRevision ??= RunProvenance.GitRevision(),
            ["machine"] = RunProvenance.Machine(),
            ["started_utc"] = started,
            ["updated_utc"] = now,
            ["finished_utc"] = status == "completed" ? now : null,
            ["resumes"] = resumes,
            ["samples_seen"] = samples,
            ["training_seconds"] = trainSeconds,
            ["evaluation_seconds"] = evalSeconds,
            ["duration_seconds"] = trainSeconds + evalSeconds,
            ["samples_per_second"] = double.IsFinite(perSecond) ? perSecond : null,
            ["minutes_per_million_samples"] = double.IsFinite(perSecond) ? 1e6 / perSecond / 60 : null,
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep '+' in "abc…+dirty" readable
        }) + "\n");
    }

    /// <summary>
    /// The settings as run.json records them: <c>learning_rate</c> is the step size the run actually uses (the chosen
    /// candidate, or null while the choice is still to be made), so a run.json written by an older version (which
    /// recorded the record's default 0.02 whatever was chosen) is corrected the next time the run writes it.
    /// </summary>
    private JsonObject SettingsJson()
    {
        var json = Settings.ToJson();
        if (Settings.LearningRates().Length > 0)
            json["learning_rate"] = _selection?["chosen"] is { } chosen ? chosen.GetValue<float>() : null;
        return json;
    }

    /// <summary>Reads run.json; errors name the file.</summary>
    public static JsonObject ReadInfo(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}); delete its folder to start the run over.", e);
        }
    }

    /// <summary>A 64-bit seed from (seed, samples, stream), SplitMix64-style, so each segment's streams are independent.</summary>
    internal static ulong Mix(ulong seed, long samples, int stream)
    {
        var z = seed * 0x9E3779B97F4A7C15UL ^ (ulong)samples * 0xBF58476D1CE4E5B9UL ^ (ulong)stream * 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
