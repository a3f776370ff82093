using System.Globalization;
using Aevb.Display;

namespace Aevb.Training.Runs;

/// <summary>
/// Two methods' runs of one figure family side by side (notebook 06: IWAE beside AEVB): one row per sample count both
/// have logged, each method's value of a metric and their difference, so a reader sees how the gap moves as training
/// goes on instead of one final number.
/// </summary>
public static class MethodComparison
{
    /// <summary>
    /// The runs of <paramref name="methods"/> (registry names) among <paramref name="runs"/> that match
    /// <paramref name="family"/>, in the order of <paramref name="methods"/>; a method not run yet is left out.
    /// </summary>
    public static IReadOnlyList<FigureRunResult> Select(
        IEnumerable<FigureRunResult> runs, Func<RunSettings, bool> family, params string[] methods)
        => methods.SelectMany(m => runs.Where(r => r.Settings.Method == m && family(r.Settings)).Take(1)).ToList();

    /// <summary>
    /// A table of <paramref name="metric"/> at every sample count both <paramref name="baseline"/> and
    /// <paramref name="other"/> logged, with <c>other − baseline</c>; says so in its title when one has not run.
    /// </summary>
    public static MarkdownTable Table(FigureRunResult? baseline, FigureRunResult? other, string metric, string title)
    {
        if (baseline is null || other is null)
            return new MarkdownTable(["samples"], [], $"{title}: {(baseline is null ? "the baseline" : "the other method")} has not run yet");
        var rows = Shared(baseline, other, metric).Select(r => (IReadOnlyList<string>)
            [r.Samples.ToString("N0", CultureInfo.InvariantCulture), F(r.Baseline), F(r.Other),
                F(r.Other - r.Baseline, signed: true)]);
        var (la, lb) = (MethodRegistry.Label(baseline.Settings.Method), MethodRegistry.Label(other.Settings.Method));
        return new MarkdownTable(["samples", la, lb, $"{lb} − {la}"], rows, title);
    }

    /// <summary>The same table for the runs of methods <paramref name="baseline"/> and <paramref name="other"/> among
    /// <paramref name="runs"/> (e.g. what <see cref="Select"/> returned).</summary>
    public static MarkdownTable Table(
        IEnumerable<FigureRunResult> runs, string baseline, string other, string metric, string title)
    {
        var list = runs.ToList();
        return Table(list.FirstOrDefault(r => r.Settings.Method == baseline),
            list.FirstOrDefault(r => r.Settings.Method == other), metric, title);
    }

    /// <summary>
    /// One sentence on the second half of the shared axis (every sample count both logged, from half the last one
    /// on): <c>other − baseline</c> of <paramref name="metric"/>, its mean and range, and whether its sign holds at
    /// every evaluation there. Early rows mostly say which method climbs faster; the later half is where an end point
    /// shows, and a sign that flips says the gap is within the curves' own ups and downs.
    /// </summary>
    public static string Reading(FigureRunResult? baseline, FigureRunResult? other, string metric, string what)
    {
        if (baseline is null || other is null)
            return $"{what}: {(baseline is null ? "the baseline" : "the other method")} has not run yet.";
        var shared = Shared(baseline, other, metric);
        var (la, lb) = (MethodRegistry.Label(baseline.Settings.Method), MethodRegistry.Label(other.Settings.Method));
        if (shared.Count == 0) return $"{what}: {la} and {lb} have no evaluation at the same sample count yet.";
        var late = shared.Where(r => r.Samples >= shared[^1].Samples / 2).ToList();
        var gaps = late.Select(r => r.Other - r.Baseline).ToList();
        var sign = gaps.Min() > 0 ? $"{lb} is above {la} at every one of them."
            : gaps.Max() < 0 ? $"{lb} is below {la} at every one of them."
            : "the sign changes, so the gap is within the curves' own ups and downs there.";
        return $"{what}, {lb} − {la} at the {late.Count} evaluations both logged from {late[0].Samples:N0} to "
            + $"{late[^1].Samples:N0} "
            + $"samples ({Extent(baseline)}; {Extent(other)}): mean {F(gaps.Average(), signed: true)}, from "
            + $"{F(gaps.Min(), signed: true)} to {F(gaps.Max(), signed: true)}; {sign}";
    }

    private static string Extent(FigureRunResult run)
        => $"{MethodRegistry.Label(run.Settings.Method)} run to {run.Log.Samples.Last():N0} of "
            + $"{run.Settings.Samples:N0}";

    /// <summary>Every sample count both runs logged <paramref name="metric"/> at, in order, with both values.</summary>
    private static List<(long Samples, double Baseline, double Other)> Shared(
        FigureRunResult baseline, FigureRunResult other, string metric)
    {
        var (a, b) = (Values(baseline, metric), Values(other, metric));
        return a.Keys.Intersect(b.Keys).Order().Select(s => (s, a[s], b[s])).ToList();
    }

    private static Dictionary<long, double> Values(FigureRunResult run, string metric)
        => run.Log.Samples.Zip(run.Log.Column(metric)).Where(p => double.IsFinite(p.Second))
            .ToDictionary(p => p.First, p => p.Second);

    private static string F(double value, bool signed = false)
        => value.ToString(signed ? "+0.00;-0.00" : "F2", CultureInfo.InvariantCulture);
}
