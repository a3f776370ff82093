using Aevb.Display;

namespace Aevb.Training.Runs;

/// <summary>Notebook 05's summaries of the Figure 3 runs, as tables and sentences generated from their logs.</summary>
public static class Figure3Summary
{
    /// <summary>
    /// The last evaluation of every run: Appendix D (± s.e.), importance sampling from the encoder, the bound. Not the
    /// cost: minutes measure the machine (README Results' status table has them), and a notebook's outputs are compared
    /// between two fresh runs.
    /// </summary>
    public static MarkdownTable FinalTable(IEnumerable<FigureRunResult> runs) => new(
        ["N", "method", "samples", "train log p(x)", "test log p(x)", "test, IS from encoder", "test bound"],
        runs.Select(r => (IReadOnlyList<string>)[$"{r.Settings.TrainCount}", MethodRegistry.Label(r.Settings.Method), $"{r.Log.LastSamples:N0}",
            $"{F(Last(r, "train_log_px"), "0.00")} ± {F(Last(r, "train_log_px_se"), "0.00")}", $"{F(Last(r, "test_log_px"), "0.00")} ± {F(Last(r, "test_log_px_se"), "0.00")}",
            F(Last(r, "test_log_px_is"), "0.00"), F(Last(r, "test_bound"), "0.00")]),
        "Last evaluation of every run (MCEM has no encoder: no importance-sampled estimate, no bound)");

    /// <summary>The final Appendix D estimates keyed "n1000-aevb-test".</summary>
    public static Dictionary<string, double> FinalEstimates(IEnumerable<FigureRunResult> runs)
    {
        var d = new Dictionary<string, double>();
        foreach (var r in runs)
            foreach (var split in new[] { "train", "test" })
                d[$"n{r.Settings.TrainCount}-{r.Settings.Method}-{split}"] = Last(r, $"{split}_log_px");
        return d;
    }

    /// <summary>Appendix D minus importance sampling from the fitted density, and from the encoder, over every evaluation of every run.</summary>
    public static (double MaxFitted, double MeanFitted, int CountFitted, double MaxEncoder, double MeanEncoder, int CountEncoder) EstimatorGaps(IEnumerable<FigureRunResult> runs)
    {
        var fitted = new List<double>();
        var encoder = new List<double>();
        foreach (var r in runs)
        {
            var d = r.Log.Column("test_log_px");
            var fit = r.Log.Column("test_log_px_fit");
            var enc = r.Log.Column("test_log_px_is");
            for (var i = 0; i < d.Length; i++)
            {
                if (double.IsFinite(fit[i])) fitted.Add(d[i] - fit[i]);
                if (double.IsFinite(enc[i])) encoder.Add(d[i] - enc[i]);
            }
        }
        return (fitted.Count == 0 ? double.NaN : fitted.Max(Math.Abs), fitted.Count == 0 ? double.NaN : fitted.Average(), fitted.Count,
            encoder.Count == 0 ? double.NaN : encoder.Max(), encoder.Count == 0 ? double.NaN : encoder.Average(), encoder.Count);
    }

    /// <summary>Which method is highest on test at each N, at a sample count all of that panel's runs reached.</summary>
    public static string Sentences(IReadOnlyList<FigureRunResult> runs)
    {
        var lines = new List<string>();
        foreach (var panel in runs.GroupBy(r => r.Settings.TrainCount).OrderBy(g => g.Key))
        {
            var common = panel.Min(r => r.Log.LastSamples);
            var at = panel.Select(r => (r.Settings.Method, Value: CurveInterpolation.At(r, "test_log_px", common)?.Value ?? double.NaN)).ToList();
            var missing = MethodRegistry.InPaper(FigurePlan.Figure3Name).Select(m => m.Name).Where(m => panel.All(r => r.Settings.Method != m)).Select(m => MethodRegistry.Label(m)).ToList();
            var best = at.MaxBy(a => a.Value);
            lines.Add($"N = {panel.Key}, at {common / 1e6:0.##} M samples (the furthest all its runs got): test log p(x) "
                + string.Join(", ", at.Select(a => $"{MethodRegistry.Label(a.Method)} {F(a.Value)}")) + (at.Count > 1 ? $"; highest {MethodRegistry.Label(best.Method)}" : "")
                + (missing.Count > 0 ? $"; not run yet: {string.Join(", ", missing)}." : "."));
        }
        return string.Join("\n", lines);
    }

    /// <summary>MCEM at N = 50000 by where a chain starts (persistent, prior), against the paper-protocol run and the paper, train and test per evaluation.</summary>
    public static (MarkdownTable Table, string Sentences) McemChainStart(string resultsDirectory, IReadOnlyList<FigureRunResult> runs)
    {
        static bool Mcem50k(RunSettings s) => s.Method == RunMethod.MonteCarloEm && s.TrainCount == 50000;
        var persistent = FigureNotebook.AblationRun(resultsDirectory, "mcem-persistent", "fig3", Mcem50k);
        var prior = FigureNotebook.AblationRun(resultsDirectory, "mcem-prior-start", "fig3", Mcem50k);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var samples in (prior?.Log.Samples ?? []).Union(persistent?.Log.Samples ?? []).Order())
            rows.Add([$"{samples / 1e6:0.###} M", TrainTest(persistent, samples), TrainTest(prior, samples)]);
        var table = new MarkdownTable(["samples", "persistent chains (train / test)", "fresh prior start (train / test)"], rows,
            "MCEM, N = 50000, cheap estimator (100 points), by where a chain starts");
        var text = new List<string>();
        if (prior is not null)
        {
            var train = prior.Log.Column("train_log_px");
            text.Add($"With a fresh prior start, MCEM's train estimate stays between {F(train.Min())} and {F(train.Max())} from {prior.Log.Samples.First() / 1e6:0.##} M to {prior.Log.LastSamples / 1e6:0.##} M samples: it does not rise the way the paper's curve rises after 35 M (−148.8 / −150.3 at 60 M), and the run is too short to tell whether it would.");
        }
        var protocol = runs.FirstOrDefault(r => Mcem50k(r.Settings));
        if (protocol is not null && CurveInterpolation.At(protocol, "test_log_px", 60_000_000) is { } at60)
            text.Add($"The paper-protocol run (persistent chains) is at {F(at60.Value)} on test at 60 M, {F(at60.Value + 150.3)} nats above the paper's −150.3 there: unexplained.");
        return (table, string.Join("\n", text));
    }

    /// <summary>
    /// MCEM at N = 1000, where a chain revisits its point every 1000 samples and staleness cannot matter: the
    /// ablations (the cheap 100-point estimator, to 2 M) beside the paper's readings, and how many samples the
    /// paper-protocol run needs for each of the paper's later train values (interpolated on Figure 3's linear axis).
    /// </summary>
    public static (MarkdownTable Table, string Sentences) McemAtSmallN(string resultsDirectory, IReadOnlyList<FigureRunResult> runs)
    {
        static bool Mcem1k(RunSettings s) => s.Method == RunMethod.MonteCarloEm && s.TrainCount == 1000;
        var variants = new (string Ablation, string Label)[]
        {
            ("mcem-persistent", "ours (persistent chains)"), ("mcem-1-update", "1 weight update"),
            ("mcem-target-0.65", "target acceptance 0.65"), ("mcem-prior-start", "fresh prior start"),
        };
        var found = variants.Select(v => (v.Label, Run: FigureNotebook.AblationRun(resultsDirectory, v.Ablation, "fig3", Mcem1k)))
            .Where(v => v.Run is not null).ToList();
        var paper = PaperValues.All.Where(v => v is { Figure: "fig3", TrainCount: 1000, Method: RunMethod.MonteCarloEm }).ToList();
        string Paper(long samples, string split)
            => paper.FirstOrDefault(v => v.Samples == samples && v.Covers(split))?.Text.Replace('-', '−') ?? "—";
        var rows = found.SelectMany(v => v.Run!.Log.Samples).Distinct().Order()
            .Select(x => (IReadOnlyList<string>)[$"{x / 1e6:0.###} M", $"{Paper(x, "train")} / {Paper(x, "test")}",
                .. found.Select(v => TrainTest(v.Run, x))]);
        var table = new MarkdownTable(["samples", "paper (train / test)", .. found.Select(v => v.Label + " (train / test)")], rows,
            "MCEM, N = 1000, cheap estimator (100 points), one change each");
        var protocol = runs.FirstOrDefault(r => Mcem1k(r.Settings));
        var text = new List<string>();
        foreach (var value in paper.Where(v => v.Covers("train") && v.Value is not null).OrderBy(v => v.Samples))
            if (protocol is not null && FigureReport.SamplesToReach(protocol, "train_log_px", value.Value!.Value) is { } at)
                text.Add($"the paper's {value.Samples / 1e6:0.#} M train value ({value.Text.Replace('-', '−')}) at {at / 1e6:0.00} M"
                         + (at > protocol.Log.Samples.First() ? $", {value.Samples / (double)at:0}× fewer" : " or sooner (our first evaluation)"));
        var sentences = protocol is null ? "The paper-protocol MCEM run at N = 1000 is not there."
            : $"Our paper-protocol MCEM at N = 1000 (to {protocol.Log.LastSamples / 1e6:0.#} M) reaches {string.Join("; ", text)}.";
        return (table, sentences);
    }

    private static string TrainTest(FigureRunResult? run, long samples)
        => run is null ? "not run" : FigureNotebook.At(run, "train_log_px", samples) is var t && double.IsNaN(t) ? "—" : $"{F(t)} / {F(FigureNotebook.At(run, "test_log_px", samples))}";

    private static double Last(FigureRunResult r, string column) => r.Log.Metrics.Contains(column) ? r.Log.Column(column)[^1] : double.NaN;

    private static string F(double v, string format = "0.0") => FigureReport.F(v, format);
}
