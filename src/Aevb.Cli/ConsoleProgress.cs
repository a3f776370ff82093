using System.Globalization;
using Aevb.Training;
using Spectre.Console;

namespace Aevb.Cli;

/// <summary>
/// Shows training progress: a live Spectre.Console bar on a terminal, plain lines (one every few seconds
/// and one per evaluation) when output is redirected, as in CI logs.
/// </summary>
internal static class ConsoleProgress
{
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>
    /// Runs <paramref name="work"/> with a progress sink: the live bar when <paramref name="output"/> is an
    /// interactive console, plain lines on <paramref name="output"/> otherwise. <paramref name="onReport"/> sees every report first.
    /// </summary>
    public static T Run<T>(TextWriter output, long totalSamples, Action<TrainingProgress> onReport, Func<IProgress<TrainingProgress>, T> work)
    {
        if (!IsInteractive || output != Console.Out)
        {
            var last = DateTime.MinValue;
            return work(new Sink(p =>
            {
                onReport(p);
                if (p.IsEvaluation && p.Evaluation is { } e)
                    output.WriteLine(EvaluationLine(e));
                else if (DateTime.UtcNow - last >= PlainInterval)
                {
                    last = DateTime.UtcNow;
                    output.WriteLine($"  {p.Fraction * 100,5:F1}%  {StatusText(p)}");
                }
            }));
        }

        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: totalSamples);
                return work(new Sink(p =>
                {
                    onReport(p);
                    task.Value = p.Samples;
                    if (p.IsEvaluation && p.Evaluation is { } e) AnsiConsole.WriteLine(EvaluationLine(e));
                    else task.Description = Markup.Escape(ShortStatus(p));
                }));
            });
    }

    /// <summary>At most one plain status line this often (evaluations always get theirs).</summary>
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static string StatusText(TrainingProgress p)
        => $"{Count(p.Samples)}/{Count(p.TotalSamples)} samples  {p.SamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture)} samples/s  bound {p.Bound:F2}  ETA {Duration(p.Eta)}";

    /// <summary>Fits beside the bar on an 80-column terminal.</summary>
    public static string ShortStatus(TrainingProgress p)
        => $"{Short(p.Samples)}/{Short(p.TotalSamples)}  {Short((long)p.SamplesPerSecond)}/s  bound {p.Bound:F1}  ETA {Duration(p.Eta)}";

    /// <summary>950 → "950"; 39900 → "39.9k"; 1.5e6 → "1.5M".</summary>
    public static string Short(long n) => n switch
    {
        >= 1_000_000 => (n / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (n / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    public static string EvaluationLine(TrainingLogEntry e)
        => $"  eval at {Count(e.Samples)} samples: train bound {e.TrainBound:F2}" + (double.IsNaN(e.TestBound) ? "" : $", test bound {e.TestBound:F2}") + $"  ({Duration(TimeSpan.FromSeconds(e.Seconds))} training)";

    /// <summary>1234 → "1,234"; 1.5e6 → "1.5M".</summary>
    public static string Count(long n) => n switch
    {
        >= 10_000_000 => (n / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1_000_000 => (n / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        _ => n.ToString("N0", CultureInfo.InvariantCulture),
    };

    public static string Duration(TimeSpan t) => t.TotalHours >= 1
        ? $"{(int)t.TotalHours}h{t.Minutes:00}m"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:F1}s";

    private sealed class Sink(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
