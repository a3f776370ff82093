using System.Globalization;
using System.Text;

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
    /// One row per (dataset, latent size) among the lower-bound runs, sorted by dataset then latent size. Each row
    /// needs both an AEVB and a wake-sleep run with at least one logged evaluation; a missing one raises an
    /// <see cref="InvalidDataException"/> naming the panel and the command that produces it.
    /// </summary>
    public static IReadOnlyList<Figure2Final> FinalValues(IEnumerable<FigureRunResult> runs)
    {
        var rows = new List<Figure2Final>();
        foreach (var panel in runs.Where(r => r.Settings.Evaluation == RunEvaluation.LowerBound)
                     .GroupBy(r => (r.Settings.Dataset, r.Settings.Latent))
                     .OrderBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenBy(g => g.Key.Latent))
        {
            var (dataset, latent) = panel.Key;
            (long Samples, double Train, double Test) Last(RunMethod method)
            {
                var run = panel.FirstOrDefault(r => r.Settings.Method == method && r.Log.Count > 0)
                          ?? throw new InvalidDataException(
                              $"Figure 2, {dataset} Nz = {latent}: no {method.Label()} run with a logged evaluation " +
                              $"(run `aevb reproduce fig2 --dataset {dataset} --latent {latent}`).");
                return (run.Log.LastSamples, run.Log.Column("train_bound")[^1], run.Log.Column("test_bound")[^1]);
            }
            var a = Last(RunMethod.Aevb);
            var w = Last(RunMethod.WakeSleep);
            rows.Add(new Figure2Final(dataset, latent, a.Samples, a.Train, a.Test, w.Samples, w.Train, w.Test));
        }
        return rows;
    }

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
