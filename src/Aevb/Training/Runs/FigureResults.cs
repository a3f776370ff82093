using System.Text.Json.Nodes;

namespace Aevb.Training.Runs;

/// <summary>A run's folder read back: its settings, <c>run.json</c> and <c>log.csv</c>.</summary>
public sealed record FigureRunResult(RunSettings Settings, RunLog Log, JsonObject Info, string Directory)
{
    public bool Completed => Info["status"]?.GetValue<string>() == "completed";

    /// <summary>Training time per million samples in minutes (the paper: 20–40 on a 40 GFLOP/s Xeon).</summary>
    public double MinutesPerMillionSamples => Info["minutes_per_million_samples"]?.GetValue<double>() ?? double.NaN;

    public double TrainingSeconds => Info["training_seconds"]?.GetValue<double>() ?? double.NaN;

    public double EvaluationSeconds => Info["evaluation_seconds"]?.GetValue<double>() ?? double.NaN;
}

/// <summary>Reads the runs of a figure folder (e.g. <c>runs/fig2</c>) for charts, notebooks and the README's results.</summary>
public static class FigureResults
{
    /// <summary>
    /// Every run folder under <paramref name="figureDirectory"/> holding a <c>run.json</c> and a <c>log.csv</c>,
    /// sorted by dataset, training subset, latent size and method. Folders without them are skipped (not started yet).
    /// </summary>
    public static IReadOnlyList<FigureRunResult> Load(string figureDirectory)
    {
        if (!Directory.Exists(figureDirectory))
            throw new DirectoryNotFoundException($"{figureDirectory}: no such folder (`aevb reproduce fig2|fig3 --out DIR` writes DIR/fig2 and DIR/fig3).");
        var results = new List<FigureRunResult>();
        foreach (var dir in Directory.GetDirectories(figureDirectory).Order(StringComparer.Ordinal))
        {
            var infoPath = Path.Combine(dir, FigureRun.InfoFile);
            var logPath = Path.Combine(dir, FigureRun.LogFile);
            if (!File.Exists(infoPath) || !File.Exists(logPath)) continue;
            var info = FigureRun.ReadInfo(infoPath);
            var settings = RunSettings.FromJson(info["settings"] as JsonObject ?? throw new InvalidDataException($"{infoPath}: no 'settings' object."), infoPath);
            // The step size the run uses: the chosen candidate (run.json written before this was recorded says 0.02).
            if (settings.LearningRateCandidates is not null && info["learning_rate_selection"]?["chosen"] is { } chosen)
                settings = settings with { LearningRate = chosen.GetValue<float>() };
            results.Add(new FigureRunResult(settings, RunLog.ReadCsv(logPath), info, dir));
        }
        return results
            .OrderBy(r => r.Settings.Dataset, StringComparer.Ordinal)
            .ThenBy(r => r.Settings.TrainCount ?? int.MaxValue)
            .ThenBy(r => r.Settings.Latent)
            .ThenBy(r => MethodRegistry.Position(r.Settings.Method))
            .ThenBy(r => r.Settings.Method, StringComparer.Ordinal)
            .ToList();
    }
}
