using System.Collections.Immutable;
using Aevb.Plotting;

namespace Aevb.Training.Runs;

/// <summary>
/// Charts laid out like the paper's figures from the runs' logs: one panel per latent size (Figure 2) or per
/// training-set size (Figure 3), training samples evaluated on a log x axis (Figure 2) or a linear one in millions
/// (Figure 3), a solid line for the training set and a dashed one for the test set per method, in the paper's
/// colours, and the values read off the paper's figures (<see cref="PaperValues"/>) as open markers (a vertical bar
/// where only a range can be read, a down-pointing triangle for "below").
/// </summary>
public static class FigureCharts
{
    private static readonly IReadOnlyDictionary<RunMethod, string> Colors = new Dictionary<RunMethod, string>
    {
        [RunMethod.Aevb] = "#d62728",         // red, as in the paper's Figures 2 and 3
        [RunMethod.WakeSleep] = "#2ca02c",    // green
        [RunMethod.MonteCarloEm] = "#1f77b4", // blue
    };

    /// <summary>Figure 2: average lower bound per datapoint; one panel per latent size.</summary>
    public static Chart Figure2(IEnumerable<FigureRunResult> runs)
    {
        var list = runs.Where(r => r.Settings.Evaluation == RunEvaluation.LowerBound).ToList();
        if (list.Count == 0) throw new ArgumentException("No Figure 2 runs (lower-bound evaluation) to plot.");
        var dataset = list[0].Settings.Dataset == "frey" ? "Frey Face" : "MNIST";
        var panels = list.GroupBy(r => r.Settings.Latent).OrderBy(g => g.Key)
            .Select(g => (Title: $"{dataset}, N<sub>z</sub> = {g.Key}", Runs: g.ToList())).ToList();
        return Panels(panels, "train_bound", "test_bound", "𝓛 (average lower bound per datapoint)", linearMillions: false)
            .WithTitle($"{dataset}: AEVB vs wake-sleep, lower bound (cf. Kingma & Welling 2014, Figure 2)");
    }

    /// <summary>
    /// Figure 3: estimated marginal log-likelihood per datapoint; one panel per training-set size. The paper's
    /// Appendix D estimate by default; <see cref="Figure3Estimate.FittedProposal"/> plots the cross-check from the
    /// same fitted density, <see cref="Figure3Estimate.EncoderProposal"/> importance sampling with the encoder
    /// (no MCEM curve: it has no encoder).
    /// </summary>
    public static Chart Figure3(IEnumerable<FigureRunResult> runs, Figure3Estimate estimate = Figure3Estimate.AppendixD)
    {
        var list = runs.Where(r => r.Settings.Evaluation == RunEvaluation.MarginalLikelihood).ToList();
        if (list.Count == 0) throw new ArgumentException("No Figure 3 runs (marginal-likelihood evaluation) to plot.");
        if (estimate == Figure3Estimate.EncoderProposal) list = list.Where(r => r.Settings.Method != RunMethod.MonteCarloEm).ToList();
        var panels = list.GroupBy(r => r.Settings.TrainCount ?? 0).OrderBy(g => g.Key)
            .Select(g => (Title: $"N<sub>train</sub> = {g.Key}", Runs: g.ToList())).ToList();
        var (suffix, label) = estimate switch
        {
            Figure3Estimate.FittedProposal => ("_log_px_fit", "log p(x), importance sampling from the fitted q"),
            Figure3Estimate.EncoderProposal => ("_log_px_is", "log p(x), importance sampling from the encoder"),
            _ => ("_log_px", "marginal log-likelihood (Appendix D estimate)"),
        };
        return Panels(panels, "train" + suffix, "test" + suffix, label, linearMillions: true)
            .WithTitle("MNIST, N<sub>z</sub> = 3: AEVB vs wake-sleep vs MCEM (cf. Kingma & Welling 2014, Figure 3)");
    }

    private static Chart Panels(IReadOnlyList<(string Title, List<FigureRunResult> Runs)> panels, string trainColumn, string testColumn, string yTitle,
        bool linearMillions)
    {
        var xScale = linearMillions ? 1e-6 : 1.0;
        var columns = Math.Min(panels.Count, 3);
        var rows = (panels.Count + columns - 1) / columns;
        var seen = new HashSet<string>();
        var charts = new List<Chart>();
        foreach (var (title, runs) in panels)
        {
            var traces = new List<Trace>();
            foreach (var run in runs.OrderBy(r => r.Settings.Method))
            {
                var x = run.Log.Column("samples").Select(v => v * xScale).ToImmutableArray();
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
                traces.AddRange(PaperMarkers(run.Settings, xScale, seen));
            }
            var xTitle = linearMillions ? "training samples evaluated (millions)" : "training samples evaluated";
            charts.Add(new Chart(traces).WithTitle(title).WithXAxis(title: xTitle, log: !linearMillions).WithYAxis(title: yTitle));
        }
        return Chart.Grid(rows, columns, charts)
            .WithSize(Math.Max(500, 420 * columns), 120 + 360 * rows)
            .WithLegend(true, LegendPosition.Bottom);
    }

    /// <summary>The paper's readings for one run's curve: open markers, bars for ranges, triangles for "below".</summary>
    private static IEnumerable<Trace> PaperMarkers(RunSettings settings, double xScale, HashSet<string> seen)
    {
        foreach (var v in PaperValues.For(settings))
        {
            var name = $"paper: {settings.Method.Label()}";
            var x = v.Samples * xScale;
            var split = v.Split == "both" ? "train and test" : v.Split;
            var (xs, ys, symbol) = v.Value is { } value ? ([x], [value], v.Split == "test" ? "diamond-open" : "circle-open")
                : v.Low is { } lo && v.High is { } hi ? (new[] { x, x }, new[] { lo, hi }, "line-ew-open")
                : (new[] { x }, new[] { v.High!.Value }, "triangle-down-open");
            yield return new ScatterTrace(xs.ToImmutableArray(), ys.ToImmutableArray())
            {
                Name = name,
                LegendGroup = name,
                ShowLegend = seen.Add(name),
                Color = Colors[settings.Method],
                Mode = xs.Length == 2 ? ScatterMode.LinesAndMarkers : ScatterMode.Markers,
                MarkerSymbol = symbol,
                MarkerSize = 9,
                LineWidth = 3,
                HoverText = $"paper, {split}: {v.Text}",
            };
        }
    }
}

/// <summary>Which marginal-likelihood estimate <see cref="FigureCharts.Figure3"/> plots.</summary>
public enum Figure3Estimate
{
    /// <summary>The paper's estimator (Appendix D): columns <c>train_log_px</c>, <c>test_log_px</c>.</summary>
    AppendixD,

    /// <summary>Importance sampling from the density fitted to the HMC samples: <c>*_log_px_fit</c>.</summary>
    FittedProposal,

    /// <summary>Importance sampling with the encoder as proposal: <c>*_log_px_is</c>.</summary>
    EncoderProposal,
}
