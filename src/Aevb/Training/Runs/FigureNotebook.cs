using System.Globalization;
using System.Text;
using Aevb.Data;
using Aevb.Display;

namespace Aevb.Training.Runs;

/// <summary>
/// What notebooks 04 and 05 need from a results folder, so their cells stay short: where the runs are, training a
/// quick plan inline, and the report's tables (<see cref="Display.MarkdownTable"/>, a display type) and generated sentences for one figure.
/// </summary>
public static class FigureNotebook
{
    /// <summary><c>AEVB_RUNS_DIR</c>, else the repository's committed <c>results/</c>.</summary>
    public static string ResultsDirectory()
        => Path.GetFullPath(Environment.GetEnvironmentVariable("AEVB_RUNS_DIR")
            ?? Path.Combine(DataDirectories.FindRepositoryRoot() ?? throw new InvalidOperationException("Not inside the Aevb.Notebooks repository: set AEVB_RUNS_DIR."), "results"));

    /// <summary>The runs of <paramref name="figure"/> (<c>fig2</c> or <c>fig3</c>) under <paramref name="resultsDirectory"/> with at least one evaluation; empty if none.</summary>
    public static IReadOnlyList<FigureRunResult> Runs(string resultsDirectory, string figure)
    {
        var dir = Path.Combine(resultsDirectory, figure);
        return Directory.Exists(dir) ? FigureResults.Load(dir).Where(r => r.Log.Count > 0).ToList() : [];
    }

    /// <summary>Trains (or resumes) every run of <paramref name="plan"/> on <paramref name="data"/>, a line per evaluation on <paramref name="log"/>.</summary>
    public static void Train(IEnumerable<PlannedRun> plan, RunData data, TextWriter log)
    {
        foreach (var p in plan)
        {
            var result = new FigureRun(p.Settings, p.Directory, p.Figure).Run(data, new ProgressLines(writer: log));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {p.Settings.Name}: {result.Outcome.ToString().ToLowerInvariant()} in {result.Wall.TotalSeconds:F0} s (training {result.TrainSeconds:F0} s, evaluation {result.EvalSeconds:F0} s)"));
        }
    }

    /// <summary>One line saying which runs the notebook's outputs come from: quick runs, or the full-mode runs of a results folder and how far the paper's families are covered.</summary>
    public static string Provenance(bool quick, string resultsDirectory, string figure, IReadOnlyList<FigureRunResult> runs)
    {
        if (quick) return $"Quick mode: {runs.Count} small runs trained just now (not the paper's scale; full mode plots the committed runs).";
        var families = FigureFamilies.Match(runs).Where(f => f.Family.Figure == figure).ToList();
        var latest = runs.Select(r => r.Info["updated_utc"]?.ToString()).Where(t => t is not null).Max();
        return $"Full mode: {runs.Count} runs in {DisplayPath(Path.Combine(resultsDirectory, figure))} (last updated {latest ?? "—"}); "
            + $"{families.Count(f => f.Run is not null)} of the paper's {families.Count} curve families have a run, {families.Count(f => f.Run?.Log.LastSamples >= f.Family.Extent)} reach its x axis.";
    }

    /// <summary>A folder as the notebook prints it: relative to the repository root when inside it (the committed
    /// outputs then do not name the machine's checkout), else in full.</summary>
    public static string DisplayPath(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (DataDirectories.FindRepositoryRoot() is not { } root) return full;
        var relative = Path.GetRelativePath(root, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>Every value read off the paper's figure beside ours there (<see cref="FigureReport"/>'s first table).</summary>
    public static MarkdownTable Comparison(IEnumerable<FigureRunResult> runs, string figure)
        => MarkdownTable.FromMarkdown(FigureReport.Markdown(runs, [figure], status: false), "The paper's readings beside ours (interpolated on the figure's x scale)");

    /// <summary>
    /// Where each of the figure's curve families stands (not run, or how far, at which step size). The README's status
    /// table also gives hours and load; those measure the machine, not the run, so a notebook (whose outputs are compared
    /// between two fresh runs in CI) leaves them out.
    /// </summary>
    public static MarkdownTable Status(IEnumerable<FigureRunResult> runs, string figure)
    {
        var markdown = FigureReport.Markdown(runs, [figure], status: true);
        var table = MarkdownTable.FromMarkdown(markdown[markdown.IndexOf("| curve family", StringComparison.Ordinal)..]);
        var keep = Enumerable.Range(0, table.Columns.Count).Where(i => !MachineColumn(table.Columns[i])).ToList();
        return new MarkdownTable(keep.Select(i => table.Columns[i]).ToList(), table.Rows.Select(r => (IReadOnlyList<string>)keep.Select(i => r[i]).ToList()),
            "Where each of the paper's curve families stands (hours and load: README Results)");
    }

    private static bool MachineColumn(string header)
        => header.Contains(" h", StringComparison.Ordinal) || header.StartsWith("h,", StringComparison.Ordinal)
           || header.Contains("min /", StringComparison.Ordinal) || header.Contains("load", StringComparison.Ordinal);

    /// <summary>
    /// The verdicts generated from the comparison, one paragraph per family, naming an ablation under
    /// <c><paramref name="resultsDirectory"/>/ablations</c> that agrees with the paper where ours does not (a quick
    /// run's temporary folder has none).
    /// </summary>
    public static string Verdicts(IEnumerable<FigureRunResult> runs, string figure, string resultsDirectory)
    {
        var families = FigureFamilies.Match(runs.ToList()).Where(f => f.Family.Figure == figure).ToList();
        var ablations = FigureReport.LoadAblations(resultsDirectory, [figure]);
        return string.Join("\n", FigureReport.Verdicts(families, ablations).Select(v => "- " + v.Replace("<sub>", "").Replace("</sub>", "")));
    }

    /// <summary>The ablation runs of <paramref name="figure"/> under <c>results/ablations</c>, a row each; null where there are none.</summary>
    public static MarkdownTable? Ablations(string resultsDirectory, string figure)
    {
        var markdown = FigureReport.AblationsMarkdown(resultsDirectory, [figure]);
        return markdown.Contains('|') ? MarkdownTable.FromMarkdown(markdown, "Ablations (results/ablations/…)") : null;
    }

    /// <summary>The run of ablation <paramref name="ablation"/> (a folder under <c>results/ablations</c>) that <paramref name="match"/> picks; null if not run.</summary>
    public static FigureRunResult? AblationRun(string resultsDirectory, string ablation, string figure, Func<RunSettings, bool> match)
        => Runs(Path.Combine(resultsDirectory, "ablations", ablation), figure).FirstOrDefault(r => match(r.Settings));

    /// <summary>A run's <paramref name="column"/> at <paramref name="samples"/> (an evaluation point); NaN if the run is null or has no such row.</summary>
    public static double At(FigureRunResult? run, string column, long samples)
    {
        if (run is null) return double.NaN;
        var row = run.Log.Samples.ToList().IndexOf(samples);
        return row < 0 ? double.NaN : run.Log.Column(column)[row];
    }

    internal static string F(double v, string format = "0.0") => FigureReport.F(v, format);

    /// <summary>Joins sentences into a paragraph.</summary>
    internal static string Paragraph(IEnumerable<string> sentences) => new StringBuilder().AppendJoin(" ", sentences).ToString();
}
