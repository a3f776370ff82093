using System.Globalization;
using System.Text;
using Aevb.Data;

namespace Aevb.Training.Runs;

/// <summary>
/// One panel of Figure 2 reduced to its end points: the last logged train and test lower bound of AEVB and of
/// wake-sleep at one latent size. The gaps (train − test) are what the paper's "no overfitting from superfluous
/// latent variables" is about; the margins (AEVB − wake-sleep) what "AEVB converges faster and reaches a better
/// bound" is about.
/// </summary>
public sealed record Figure2Final(string Dataset, int Latent,
    long AevbSamples, double AevbTrain, double AevbTest,
    long WakeSleepSamples, double WakeSleepTrain, double WakeSleepTest)
{
    /// <summary>AEVB's train − test bound (positive: the training set is fitted better than held-out data).</summary>
    public double AevbGap => AevbTrain - AevbTest;

    public double WakeSleepGap => WakeSleepTrain - WakeSleepTest;

    /// <summary>AEVB's test bound minus wake-sleep's (positive: AEVB ahead).</summary>
    public double TestMargin => AevbTest - WakeSleepTest;

    public double TrainMargin => AevbTrain - WakeSleepTrain;

    /// <summary>Whether AEVB's bound is above wake-sleep's on both the training and the test set.</summary>
    public bool AevbAbove => TestMargin > 0 && TrainMargin > 0;
}

/// <summary>The table of final values behind Figure 2 (method × latent size × train/test), read from the runs' logs.</summary>
public static class Figure2Comparison
{
    /// <summary>
    /// One row per (dataset, latent size) among the lower-bound runs, sorted by dataset then latent size. A row needs
    /// both an AEVB and a wake-sleep run with at least one logged evaluation; a panel where only one of them has run
    /// so far (the long runs go one method at a time) has no row here and is named by <see cref="Pending"/>.
    /// </summary>
    public static IReadOnlyList<Figure2Final> FinalValues(IEnumerable<FigureRunResult> runs)
    {
        var rows = new List<Figure2Final>();
        foreach (var panel in Panels(runs))
        {
            if (Logged(panel, RunMethod.Aevb) is not { } a || Logged(panel, RunMethod.WakeSleep) is not { } w) continue;
            double Last(FigureRunResult run, string column) => run.Log.Column(column)[^1];
            rows.Add(new Figure2Final(panel.Key.Dataset, panel.Key.Latent,
                a.Log.LastSamples, Last(a, "train_bound"), Last(a, "test_bound"),
                w.Log.LastSamples, Last(w, "train_bound"), Last(w, "test_bound")));
        }
        return rows;
    }

    /// <summary>
    /// The panels <see cref="FinalValues"/> leaves out because one method has no logged evaluation yet, one line
    /// each, naming the method and the command that produces it.
    /// </summary>
    public static IReadOnlyList<string> Pending(IEnumerable<FigureRunResult> runs) =>
        Panels(runs)
            .SelectMany(g => new[] { RunMethod.Aevb, RunMethod.WakeSleep }
                .Where(m => Logged(g, m) is null)
                .Select(m => $"Figure 2, {g.Key.Dataset} Nz = {g.Key.Latent}: no {MethodRegistry.Label(m)} run with a logged " +
                             $"evaluation yet, so no row (`aevb reproduce fig2 --dataset {g.Key.Dataset} --latent {g.Key.Latent}`)."))
            .ToList();

    /// <summary>The lower-bound runs by panel (dataset, latent size), sorted by dataset then latent size.</summary>
    private static IEnumerable<IGrouping<(string Dataset, int Latent), FigureRunResult>> Panels(IEnumerable<FigureRunResult> runs) =>
        runs.Where(r => r.Settings.Evaluation == RunEvaluation.LowerBound)
            .GroupBy(r => (r.Settings.Dataset, r.Settings.Latent))
            .OrderBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenBy(g => g.Key.Latent);

    /// <summary>The panel's run of <paramref name="method"/> with at least one logged evaluation, or null.</summary>
    private static FigureRunResult? Logged(IEnumerable<FigureRunResult> panel, string method) =>
        panel.FirstOrDefault(r => r.Settings.Method == method && r.Log.Count > 0);

    /// <summary>A fixed-width text table: one line per latent size, the final bounds, the train − test gaps and AEVB's margin.</summary>
    public static string FormatTable(IReadOnlyList<Figure2Final> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{"data",-6} {"Nz",4} {"samples",11} | {"AEVB train",10} {"AEVB test",10} {"gap",6} | {"WS train",10} {"WS test",10} {"gap",6} | {"AEVB−WS (test)",14}"));
        sb.AppendLine(new string('-', 105));
        foreach (var r in rows)
        {
            var samples = r.AevbSamples == r.WakeSleepSamples ? r.AevbSamples.ToString("N0", CultureInfo.InvariantCulture) : "differ";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Dataset,-6} {r.Latent,4} {samples,11} | {r.AevbTrain,10:F2} {r.AevbTest,10:F2} {r.AevbGap,6:F2} | {r.WakeSleepTrain,10:F2} {r.WakeSleepTest,10:F2} {r.WakeSleepGap,6:F2} | {r.TestMargin,14:+0.00;-0.00}"));
        }
        return sb.ToString();
    }
}

/// <summary>Notebook 04's checks, as tables and sentences generated from the runs.</summary>
public static class Figure2Claims
{
    /// <summary>The final values (<see cref="Figure2Comparison.FinalValues"/>) as a table.</summary>
    public static Display.MarkdownTable FinalTable(IReadOnlyList<Figure2Final> rows) => new(
        ["data", "N<sub>z</sub>", "samples (AEVB / WS)", "AEVB train / test", "AEVB gap", "WS train / test", "WS gap", "AEVB − WS (test)"],
        rows.Select(r => (IReadOnlyList<string>)[r.Dataset, r.Latent.ToString(CultureInfo.InvariantCulture), $"{r.AevbSamples:N0} / {r.WakeSleepSamples:N0}",
            $"{F(r.AevbTrain)} / {F(r.AevbTest)}", F(r.AevbGap, "0.00"), $"{F(r.WakeSleepTrain)} / {F(r.WakeSleepTest)}", F(r.WakeSleepGap, "0.00"), F(r.TestMargin, "+0.0;−0.0")]),
        "Last evaluation of every curve (gap: train − test)");

    /// <summary>
    /// The paper's two claims checked on the final values: "AEVB reaches a better solution" (above wake-sleep on train
    /// and test at every latent size) and "more latent variables do not cause more overfitting" (AEVB's train − test gap
    /// does not grow from the smallest to the largest latent size with a run; not decidable with one latent size).
    /// </summary>
    public static string Sentences(IReadOnlyList<Figure2Final> rows)
    {
        var lines = new List<string>();
        foreach (var group in rows.GroupBy(r => r.Dataset))
        {
            var list = group.OrderBy(r => r.Latent).ToList();
            lines.Add($"{group.Key}: AEVB is above wake-sleep on train and test at {list.Count(r => r.AevbAbove)} of {list.Count} latent sizes with both methods' runs "
                + $"({string.Join("; ", list.Select(r => $"Nz = {r.Latent}: {F(r.TestMargin, "+0.0;−0.0")} on test"
                    + (r.AevbSamples != r.WakeSleepSamples ? $", AEVB at {FigureReport.Count(r.AevbSamples)} against wake-sleep at {FigureReport.Count(r.WakeSleepSamples)}" : "")))}).");
            if (list.Count < 2)
                lines.Add($"{group.Key}: only Nz = {list[0].Latent} has both methods' runs, so whether AEVB's train − test gap ({F(list[0].AevbGap, "0.00")}) grows with Nz cannot be read off yet.");
            else
            {
                var (small, large) = (list[0], list[^1]);
                var growth = large.AevbGap - small.AevbGap;
                lines.Add($"{group.Key}: AEVB's train − test gap is {F(small.AevbGap, "0.00")} at Nz = {small.Latent} ({small.AevbSamples:N0} samples) and {F(large.AevbGap, "0.00")} at Nz = {large.Latent} ({large.AevbSamples:N0}): "
                    + (growth <= 1 ? $"it does not grow by more than 1 nat ({F(growth, "+0.00;−0.00")})." : $"it grows by {F(growth)} nats.")
                    + (small.AevbSamples != large.AevbSamples ? " The two runs stop at different sample counts, so this compares unlike points." : PaperGrowth(group.Key, small, large)));
            }
        }
        lines.Add(rows.Count > 0 && rows.All(r => r.AevbAbove)
            ? "Claim 1 (a better solution) holds at the last evaluation of every latent size with runs."
            : "Claim 1 (a better solution) does not hold at every latent size with runs: see the negative margins.");
        return string.Join("\n", lines);
    }

    /// <summary>The paper's gaps at the two runs' common end point, where it has readings there ("" where not).</summary>
    private static string PaperGrowth(string dataset, Figure2Final small, Figure2Final large)
    {
        if (PaperGap(dataset, small.Latent, small.AevbSamples) is not { } a || PaperGap(dataset, large.Latent, large.AevbSamples) is not { } b) return "";
        var accuracy = Math.Max(a.Accuracy, b.Accuracy);
        // Four readings go into the growth, each off by up to its accuracy: more than four times that is growth for sure.
        return $" The paper's, read off its figure there: {F(a.Gap, "0.#")} and {F(b.Gap, "0.#")} (each reading ±{F(accuracy, "0.#")}), "
               + (b.Gap - a.Gap > 4 * accuracy ? "so it grows in the paper's curves too." : "no growth the readings can tell.");
    }

    /// <summary>
    /// AEVB's train − test gap in the paper's Figure 2 at <paramref name="samples"/> (0 where one value was read for
    /// both), with the readings' accuracy; null where the paper has no reading of that curve there.
    /// </summary>
    private static (double Gap, double Accuracy)? PaperGap(string dataset, int latent, long samples)
    {
        var readings = PaperValues.All.Where(v => v is { Figure: "fig2", Method: RunMethod.Aevb, Value: not null } && v.Dataset == dataset
                                                  && v.Latent == latent && v.Samples == samples).ToList();
        if (readings.FirstOrDefault(v => v.Covers("train")) is not { } train || readings.FirstOrDefault(v => v.Covers("test")) is not { } test) return null;
        return (train.Value!.Value - test.Value!.Value, Math.Max(train.Accuracy, test.Accuracy));
    }

    /// <summary>The ablations of wake-sleep at MNIST Nz = 200: the test bound at 10⁶ samples per variant, both methods.</summary>
    public static (Display.MarkdownTable Table, string Sentences) Nz200Ablations(string resultsDirectory)
    {
        static bool Nz200(RunSettings s, string m) => s is { Dataset: Mnist.DatasetName, Latent: 200 } && s.Method == m;
        var variants = new (string Variant, string? Ablation)[]
        {
            ("fixed step size 0.02", "fixed-lr-0.02"), ("step size chosen per run (the paper's protocol)", null),
            ("chosen step size, grey-level dreams", "ws-dream-means"), ("chosen step size, annealed (τ = 10⁶)", "anneal-1e6"),
            ("chosen step size, init σ = 0.1 (the other reading of N(0, 0.01))", "init-std-0.1"), ("chosen step size, MNIST binarized", "binarized"),
        };
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (variant, ablation) in variants)
        {
            FigureRunResult? Run(string m) => ablation is null
                ? FigureNotebook.Runs(resultsDirectory, "fig2").FirstOrDefault(r => Nz200(r.Settings, m))
                : FigureNotebook.AblationRun(resultsDirectory, ablation, "fig2", s => Nz200(s, m));
            double ws = FigureNotebook.At(Run(RunMethod.WakeSleep), "test_bound", 1_000_000), aevb = FigureNotebook.At(Run(RunMethod.Aevb), "test_bound", 1_000_000);
            rows.Add([variant, ablation ?? "results/fig2", F(ws), double.IsNaN(aevb) ? "not run" : F(aevb), double.IsNaN(aevb) ? "—" : F(ws - aevb, "+0.0;−0.0")]);
        }
        var table = new Display.MarkdownTable(["variant", "folder", "wake-sleep test at 10⁶", "AEVB test at 10⁶", "WS − AEVB"], rows, "MNIST Nz = 200, test bound at 10⁶ samples");
        var carried = FigureNotebook.Runs(resultsDirectory, "fig2").FirstOrDefault(r => Nz200(r.Settings, RunMethod.WakeSleep));
        return (table, carried is null ? "The paper-protocol wake-sleep run at Nz = 200 is not there." : Reach(carried));
    }

    /// <summary>
    /// Where a run reaches each of the paper's values of its curve, train and test, as a multiple of the paper's
    /// samples: a constant multiple would be "the same model, more slowly"; a growing one is not.
    /// </summary>
    public static string Reach(FigureRunResult run)
    {
        var parts = new List<string>();
        foreach (var paper in PaperValues.For(run.Settings).Where(v => v.Value is not null).OrderBy(v => v.Samples))
            foreach (var split in new[] { "train", "test" }.Where(paper.Covers))
            {
                var target = paper.Value!.Value;
                parts.Add(FigureReport.SamplesToReach(run, split + "_bound", target) is { } at
                    ? $"its {Count(paper.Samples)} {split} value ({F(target)}) at {at:N0} samples ({(double)at / paper.Samples:0.0}×)"
                    : $"not yet its {Count(paper.Samples)} {split} value ({F(target)})");
            }
        var last = run.Log.LastSamples;
        return $"The paper-protocol {MethodRegistry.Get(run.Settings.Method).Label} run at Nz = {run.Settings.Latent} reaches the paper's values as follows: {string.Join("; ", parts)}. "
            + $"It ends at {last:N0} samples with {F(run.Log.Column("train_bound")[^1])} / {F(run.Log.Column("test_bound")[^1])}.";
    }

    private static string Count(long samples) => samples switch { 1_000_000 => "10⁶", 10_000_000 => "10⁷", 100_000_000 => "10⁸", _ => $"{samples:N0}" };

    private static string F(double v, string format = "0.0") => FigureReport.F(v, format);
}
