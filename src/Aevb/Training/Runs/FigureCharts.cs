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
    /// <summary>
    /// Figure 2 as the paper lays it out: one figure, a row of five MNIST panels (Nz 3, 5, 10, 20, 200) and below it
    /// a row of four Frey Face panels (Nz 2, 5, 10, 20) under the last four, average lower bound per datapoint against
    /// training samples on a log axis, the y ranges the paper's (MNIST −150…−95, Frey Face 0…1600; with
    /// <paramref name="zoom"/>, each panel fitted to its curves and readings instead). Every panel draws the paper's
    /// readings; a method not run yet is named in the panel's title, never silently absent.
    /// </summary>
    public static Chart Figure2(IEnumerable<FigureRunResult> runs, bool zoom = false)
    {
        var list = runs.Where(r => r.Settings.Evaluation == RunEvaluation.LowerBound).ToList();
        var matched = FigureFamilies.Match(list).Concat(FigureFamilies.Others(list)).ToList();
        Panel Make(string dataset, int latent)
        {
            var families = matched.Where(m => m.Family.Figure == "fig2" && m.Family.Dataset == dataset && m.Family.Latent == latent).ToList();
            if (families.Count == 0) // a latent size the paper does not draw (e.g. a quick run's): its runs, no readings
                families = list.Where(r => r.Settings.Dataset == dataset && r.Settings.Latent == latent)
                    .Select(r => (new FigureFamily("fig2", dataset, latent, null, r.Settings.Method, r.Settings.Samples), (FigureRunResult?)r)).ToList();
            var row = DatasetRegistry.Get(dataset).Figure2!;
            return new Panel($"{DatasetRegistry.Get(dataset).Label}, N<sub>z</sub> = {latent}", families,
                zoom ? null : row.YRange, (0.8e5, row.XEnd)); // a margin so readings at 10⁵ and 10⁸ show whole
        }
        int[] Latents(DatasetDescription dataset) => dataset.Figure2Latents
            .Union(list.Where(r => r.Settings.Dataset == dataset.Name).Select(r => r.Settings.Latent)).Order().ToArray();
        var mnist = Latents(DatasetRegistry.Mnist);
        var frey = Latents(DatasetRegistry.Frey);
        var columns = Math.Max(mnist.Length, frey.Length + 1);
        var panels = new List<Panel?>();
        panels.AddRange(mnist.Select(z => Make(DatasetRegistry.Mnist.Name, z)));
        panels.AddRange(Enumerable.Repeat<Panel?>(null, columns - mnist.Length + columns - frey.Length)); // the paper leaves the first cell of the Frey Face row empty
        panels.AddRange(frey.Select(z => Make(DatasetRegistry.Frey.Name, z)));
        return Panels(panels, 2, columns, "train_bound", "test_bound", "𝓛", linearMillions: false)
            .WithTitle("Figure 2: AEVB vs wake-sleep, average lower bound per datapoint (cf. Kingma & Welling 2014)" + (zoom ? ", zoomed" : ""));
    }

    /// <summary>
    /// Figure 3: estimated marginal log-likelihood per datapoint; one panel per training-set size, each with AEVB,
    /// wake-sleep and MCEM (a method not run yet is named in the panel's title). The paper's Appendix D estimate by
    /// default; <see cref="Figure3Estimate.FittedProposal"/> plots the cross-check from the same fitted density,
    /// <see cref="Figure3Estimate.EncoderProposal"/> importance sampling with the encoder (no MCEM curve: it has no encoder).
    /// </summary>
    public static Chart Figure3(IEnumerable<FigureRunResult> runs, Figure3Estimate estimate = Figure3Estimate.AppendixD)
    {
        var fig3 = runs.Where(r => r.Settings.Evaluation == RunEvaluation.MarginalLikelihood).ToList();
        var matched = FigureFamilies.Match(fig3).Concat(FigureFamilies.Others(fig3))
            .Where(m => m.Family.Figure == "fig3" && (estimate != Figure3Estimate.EncoderProposal || MethodRegistry.Find(m.Family.Method)?.HasEncoder != false)).ToList();
        var panels = new[] { 1000, 50000 }.Select(n => (Panel?)new Panel($"N<sub>train</sub> = {n}", matched.Where(m => m.Family.TrainCount == n).ToList(),
            estimate == Figure3Estimate.AppendixD ? (-161, n == 1000 ? -100 : -120) : null, (-1, n == 1000 ? 61 : 69))).ToList();
        var (suffix, label) = estimate switch
        {
            Figure3Estimate.FittedProposal => ("_log_px_fit", "log p(x), importance sampling from the fitted q"),
            Figure3Estimate.EncoderProposal => ("_log_px_is", "log p(x), importance sampling from the encoder"),
            _ => ("_log_px", "marginal log-likelihood (Appendix D estimate)"),
        };
        return Panels(panels, 1, 2, "train" + suffix, "test" + suffix, label, linearMillions: true)
            .WithTitle("Figure 3: MNIST, N<sub>z</sub> = 3, AEVB vs wake-sleep vs MCEM (cf. Kingma & Welling 2014)");
    }

    /// <summary>One panel: its title, the curve families it draws (with their runs, null where not run), its y range (null: fitted) and x range.</summary>
    private sealed record Panel(string Title, List<(FigureFamily Family, FigureRunResult? Run)> Families, (double Min, double Max)? YRange, (double Min, double Max) XRange);

    private static Chart Panels(IReadOnlyList<Panel?> panels, int rows, int columns, string trainColumn, string testColumn, string yTitle, bool linearMillions)
    {
        var xScale = linearMillions ? 1e-6 : 1.0;
        var seen = new HashSet<string>();
        var charts = new List<Chart?>();
        foreach (var panel in panels)
        {
            if (panel is null)
            {
                charts.Add(null);
                continue;
            }
            var traces = new List<Trace>();
            foreach (var (family, run) in panel.Families.OrderBy(f => MethodRegistry.Position(f.Family.Method)))
            {
                if (run is not null)
                {
                    var x = run.Log.Column("samples").Select(v => v * xScale).ToImmutableArray();
                    foreach (var (column, split, dash) in new[] { (trainColumn, "train", LineDash.Solid), (testColumn, "test", LineDash.Dash) })
                    {
                        var name = $"{MethodRegistry.Label(run.Settings.Method)} ({split})";
                        traces.Add(new ScatterTrace(x, run.Log.Column(column).ToImmutableArray())
                        {
                            Name = name,
                            LegendGroup = name,
                            ShowLegend = seen.Add(name),
                            Color = MethodRegistry.Color(run.Settings.Method),
                            Dash = dash,
                            Mode = ScatterMode.LinesAndMarkers,
                            MarkerSize = 3,
                        });
                    }
                }
                traces.AddRange(PaperMarkers(family, xScale, seen));
            }
            var missing = panel.Families.Where(f => f.Run is null).Select(f => MethodRegistry.Label(f.Family.Method)).ToList();
            var title = missing.Count == 0 ? panel.Title
                : $"{panel.Title}<br>{(missing.Count == panel.Families.Count ? "not run yet" : string.Join(", ", missing) + " not run yet")}";
            var xTitle = linearMillions ? "training samples evaluated (millions)" : "training samples evaluated";
            var chart = new Chart(traces.Count > 0 ? traces : [new ScatterTrace(ImmutableArray<double>.Empty, ImmutableArray<double>.Empty) { ShowLegend = false }])
                .WithTitle(title)
                .WithXAxis(title: xTitle, log: !linearMillions, min: panel.XRange.Min * (linearMillions ? 1 : 1), max: panel.XRange.Max)
                .WithYAxis(title: yTitle);
            if (panel.YRange is { } y) chart = chart.WithYAxis(min: y.Min, max: y.Max);
            charts.Add(chart);
        }
        return Chart.Grid(rows, columns, charts, horizontalSpacing: columns > 2 ? 0.045 : 0.12, verticalSpacing: rows > 1 ? 0.22 : null)
            .WithSize(columns > 2 ? 1700 : 1000, rows > 1 ? 900 : 560)
            .WithLegend(true, LegendPosition.Bottom);
    }

    /// <summary>The paper's readings for one curve family: open markers, bars for ranges, triangles for "below".</summary>
    private static IEnumerable<Trace> PaperMarkers(FigureFamily family, double xScale, HashSet<string> seen)
    {
        foreach (var v in PaperValues.All.Where(v => v.Figure == family.Figure && v.Dataset == family.Dataset && v.Latent == family.Latent
                     && v.Method == family.Method && (family.Figure == "fig2" || v.TrainCount == family.TrainCount)))
        {
            var x = v.Samples * xScale;
            var split = v.Split == "both" ? "train and test" : v.Split;
            // One legend entry per split and kind of reading, so the legend says what each marker shape means.
            var (xs, ys, symbol, kind) = v.Value is { } value
                ? ([x], [value], v.Split switch { "test" => "diamond-open", "train" => "circle-open", _ => "square-open" }, split)
                : v.Low is { } lo && v.High is { } hi ? (new[] { x, x }, new[] { lo, hi }, "line-ew-open", $"{split}, a range")
                : (new[] { x }, new[] { v.High!.Value }, "triangle-down-open", $"{split}, below");
            var name = $"paper: {MethodRegistry.Label(family.Method)} ({kind})";
            yield return new ScatterTrace(xs.ToImmutableArray(), ys.ToImmutableArray())
            {
                Name = name,
                LegendGroup = name,
                ShowLegend = seen.Add(name),
                Color = MethodRegistry.Color(family.Method),
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
