using System.Globalization;

namespace Aevb.Training.Runs;

/// <summary>
/// One curve family of the paper's Figures 2 and 3 (a method at one latent size or training-set size, train and
/// test): the 24 the paper draws, whether or not we have run them.
/// </summary>
/// <param name="Extent">How far the paper's x axis goes for this family (samples; MNIST in Figure 2: about 2.4·10⁸, read off the figure).</param>
public sealed record FigureFamily(string Figure, string Dataset, int Latent, int? TrainCount, string Method, long Extent)
{
    /// <summary>Whether a run with <paramref name="s"/> draws this family (at the paper's protocol: full data, no binarization).</summary>
    public bool Matches(RunSettings s) => s.Dataset == Dataset && s.Latent == Latent && s.Method == Method && !s.BinarizeMnist
        && (Figure == "fig3" ? s.Evaluation == RunEvaluation.MarginalLikelihood && s.TrainCount == TrainCount
            : s.Evaluation == RunEvaluation.LowerBound && s.TrainCount is null);

    /// <summary>"2 MNIST", "2 Frey", "3 N=1000".</summary>
    public string FigureLabel => Figure == "fig3" ? $"3 N={TrainCount}" : $"2 {DatasetRegistry.Get(Dataset).ShortLabel}";

    public string Curve => $"{MethodRegistry.Label(Method)} N<sub>z</sub>={Latent}";

    /// <summary>The command that runs (or resumes) this family to the paper's extent.</summary>
    public string Command => Figure == "fig3"
        ? $"aevb reproduce fig3 --ntrain {TrainCount} --method {Method}"
        : $"aevb reproduce fig2 --dataset {Dataset} --latent {Latent} --samples 1e8";
}

/// <summary>The paper's 24 curve families, and which of a set of runs draws each.</summary>
public static class FigureFamilies
{
    /// <summary>
    /// Figure 2: MNIST Nz 3, 5, 10, 20, 200 (x axis to about 2.4·10⁸, its last tick at 10⁸, which the commands run to)
    /// and Frey Face Nz 2, 5, 10, 20 (to 10⁸), AEVB and wake-sleep; Figure 3: AEVB, wake-sleep, MCEM at N = 1000
    /// (to 60 M) and N = 50000 (to 68 M).
    /// </summary>
    public static IReadOnlyList<FigureFamily> All { get; } =
    [
        .. DatasetRegistry.All.Where(d => d.Figure2 is not null).SelectMany(d => d.Figure2!.Latents.SelectMany(z =>
            MethodRegistry.InPaper(FigurePlan.Figure2Name).Select(m => new FigureFamily(FigurePlan.Figure2Name, d.Name, z, null, m.Name, d.Figure2!.Extent)))),
        .. new[] { 1000, 50000 }.SelectMany(n => MethodRegistry.InPaper(FigurePlan.Figure3Name).Select(m => new FigureFamily(FigurePlan.Figure3Name,
            DatasetRegistry.Mnist.Name, FigurePlan.Figure3Latent, n, m.Name, FigurePlan.Figure3Samples(n)))),
    ];

    /// <summary>Each family with the run that draws it (the one that got furthest), or null where none has been run.</summary>
    public static IReadOnlyList<(FigureFamily Family, FigureRunResult? Run)> Match(IEnumerable<FigureRunResult> runs)
    {
        var list = runs.ToList();
        return All.Select(f => (f, list.Where(r => f.Matches(r.Settings)).MaxBy(r => r.Log.LastSamples))).ToList();
    }

    /// <summary>
    /// Runs of methods beyond the paper's (registered in <see cref="MethodRegistry"/>, e.g. IWAE) at the paper's
    /// protocol, each as a family of the panel it belongs in, with its furthest run: drawn beside the paper's curves.
    /// </summary>
    public static IReadOnlyList<(FigureFamily Family, FigureRunResult? Run)> Others(IEnumerable<FigureRunResult> runs)
    {
        var extra = new List<(FigureFamily Family, FigureRunResult Run)>();
        foreach (var r in runs.Where(r => !All.Any(f => f.Matches(r.Settings))))
            if (All.Select(f => f with { Method = r.Settings.Method }).FirstOrDefault(f => f.Matches(r.Settings)) is { } family)
                extra.Add((family, r));
        return extra.GroupBy(e => e.Family).Select(g => (g.Key, (FigureRunResult?)g.MaxBy(e => e.Run.Log.LastSamples).Run)).ToList();
    }
}

/// <summary>A run's value at a number of samples that need not be an evaluation point.</summary>
/// <param name="Value">Interpolated between the neighbouring evaluations on the figure's own x scale.</param>
/// <param name="Wiggle">
/// How far our curve strays from a straight line (on the figure's x scale) through the neighbouring evaluations:
/// at an evaluation, |y_i − the line through y_(i−1) and y_(i+1)|; between two, the larger of theirs (at the ends,
/// the nearest inner evaluation's). A measure of the evaluation-to-evaluation noise with the curve's trend taken out.
/// </param>
/// <param name="Step">How much the curve moves between the two evaluations around the point (at an evaluation, the larger move to either neighbour).</param>
public readonly record struct CurveValue(double Value, double Wiggle, double Step);

public static class CurveInterpolation
{
    /// <summary>
    /// <paramref name="column"/> of <paramref name="run"/> at <paramref name="samples"/>, interpolated on the figure's
    /// x scale (log samples for Figure 2, linear for Figure 3); null where the run stops short of it (or starts after it).
    /// </summary>
    public static CurveValue? At(FigureRunResult run, string column, long samples)
    {
        var xs = run.Log.Samples.ToArray();
        var ys = run.Log.Column(column);
        if (xs.Length == 0 || samples > xs[^1] || samples < xs[0]) return null;
        var log = run.Settings.Evaluation == RunEvaluation.LowerBound;
        double X(long s) => log ? Math.Log(s) : s;
        double Wiggle(int i)
        {
            if (xs.Length < 3) return 0;
            i = Math.Clamp(i, 1, xs.Length - 2);
            var t = (X(xs[i]) - X(xs[i - 1])) / (X(xs[i + 1]) - X(xs[i - 1]));
            return Math.Abs(ys[i] - (ys[i - 1] + t * (ys[i + 1] - ys[i - 1])));
        }
        var i = Array.FindLastIndex(xs, s => s <= samples);
        if (xs[i] == samples)
        {
            var left = i > 0 ? Math.Abs(ys[i] - ys[i - 1]) : 0;
            var right = i + 1 < xs.Length ? Math.Abs(ys[i + 1] - ys[i]) : 0;
            return new CurveValue(ys[i], Wiggle(i), Math.Max(left, right));
        }
        var f = (X(samples) - X(xs[i])) / (X(xs[i + 1]) - X(xs[i]));
        return new CurveValue(ys[i] + f * (ys[i + 1] - ys[i]), Math.Max(Wiggle(i), Wiggle(i + 1)), Math.Abs(ys[i + 1] - ys[i]));
    }
}
