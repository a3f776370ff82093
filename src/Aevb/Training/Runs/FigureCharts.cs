using System.Collections.Immutable;
using Aevb.Plotting;

namespace Aevb.Training.Runs;

/// <summary>
/// Charts laid out like the paper's figures from the runs' logs: one panel per latent size (Figure 2) or per
/// training-set size (Figure 3), training samples evaluated on a log x axis, a solid line for the training set
/// and a dashed one for the test set per method.
/// </summary>
public static class FigureCharts
{
    private static readonly IReadOnlyDictionary<RunMethod, string> Colors = new Dictionary<RunMethod, string>
    {
        [RunMethod.Aevb] = "#d62728",        // red, as AEVB in the paper
        [RunMethod.WakeSleep] = "#1f77b4",   // blue
        [RunMethod.MonteCarloEm] = "#2ca02c", // green
    };

    /// <summary>Figure 2: average lower bound per datapoint; one panel per latent size.</summary>
    public static Chart Figure2(IEnumerable<FigureRunResult> runs)
    {
        var list = runs.Where(r => r.Settings.Evaluation == RunEvaluation.LowerBound).ToList();
        if (list.Count == 0) throw new ArgumentException("No Figure 2 runs (lower-bound evaluation) to plot.");
        var dataset = list[0].Settings.Dataset == "frey" ? "Frey Face" : "MNIST";
        var panels = list.GroupBy(r => r.Settings.Latent).OrderBy(g => g.Key)
            .Select(g => (Title: $"{dataset}, N<sub>z</sub> = {g.Key}", Runs: g.ToList())).ToList();
        return Panels(panels, "train_bound", "test_bound", "𝓛 (average lower bound per datapoint)")
            .WithTitle($"{dataset}: AEVB vs wake-sleep, lower bound (cf. Kingma & Welling 2014, Figure 2)");
    }

    /// <summary>Figure 3: estimated marginal log-likelihood per datapoint (Appendix D); one panel per training-set size.</summary>
    public static Chart Figure3(IEnumerable<FigureRunResult> runs, bool importanceSampled = false)
    {
        var list = runs.Where(r => r.Settings.Evaluation == RunEvaluation.MarginalLikelihood).ToList();
        if (list.Count == 0) throw new ArgumentException("No Figure 3 runs (marginal-likelihood evaluation) to plot.");
        var panels = list.GroupBy(r => r.Settings.TrainCount ?? 0).OrderBy(g => g.Key)
            .Select(g => (Title: $"N<sub>train</sub> = {g.Key}", Runs: g.ToList())).ToList();
        var suffix = importanceSampled ? "_log_px_is" : "_log_px";
        return Panels(panels, "train" + suffix, "test" + suffix,
                importanceSampled ? "log p(x), importance-sampled (encoder proposal)" : "marginal log-likelihood (Appendix D estimate)")
            .WithTitle("MNIST, N<sub>z</sub> = 3: AEVB vs wake-sleep vs MCEM (cf. Kingma & Welling 2014, Figure 3)");
    }

    private static Chart Panels(IReadOnlyList<(string Title, List<FigureRunResult> Runs)> panels, string trainColumn, string testColumn, string yTitle)
    {
        var columns = Math.Min(panels.Count, 3);
        var rows = (panels.Count + columns - 1) / columns;
        var seen = new HashSet<string>();
        var charts = new List<Chart>();
        foreach (var (title, runs) in panels)
        {
            var traces = new List<Trace>();
            foreach (var run in runs.OrderBy(r => r.Settings.Method))
            {
                var x = run.Log.Column("samples").ToImmutableArray();
                foreach (var (column, split, dash) in new[] { (trainColumn, "train", LineDash.Solid), (testColumn, "test", LineDash.Dash) })
                {
                    var name = $"{run.Settings.Method.Label()} ({split})";
                    traces.Add(new ScatterTrace(x, run.Log.Column(column).ToImmutableArray())
                    {
                        Name = name,
                        LegendGroup = name,
                        ShowLegend = seen.Add(name),
                        Color = Colors[run.Settings.Method],
                        Dash = dash,
                        Mode = ScatterMode.LinesAndMarkers,
                        MarkerSize = 4,
                    });
                }
            }
            charts.Add(new Chart(traces).WithTitle(title).WithXAxis(title: "training samples evaluated", log: true).WithYAxis(title: yTitle));
        }
        return Chart.Grid(rows, columns, charts)
            .WithSize(Math.Max(500, 420 * columns), 120 + 360 * rows)
            .WithLegend(true, LegendPosition.Bottom);
    }
}
