using System.Globalization;
using System.Text;

namespace Aevb.Training.Runs;

/// <summary>
/// Our engine against an independent implementation of the same Figure 2 run (<c>bench/torch_protocol.py</c>, PyTorch;
/// issue 16's "second implementation"): the logs under <c>results/second-implementation/</c>, ours in
/// <c>ours-seed*/fig2/*/log.csv</c> (written by <c>aevb reproduce fig2 … --seed S</c>), PyTorch's in
/// <c>pytorch-seed*/log.csv</c>. The two use different random streams, so only the spread over seeds compares: the
/// table gives, at every evaluation both sides have, the mean and the range over seeds of the train and test bound.
/// </summary>
public static class SecondImplementation
{
    public const string Folder = "second-implementation";

    /// <summary>The logs of one side: seed → log.</summary>
    public static SortedDictionary<int, RunLog> Logs(string resultsDirectory, string side)
    {
        var logs = new SortedDictionary<int, RunLog>();
        var root = Path.Combine(resultsDirectory, Folder);
        if (!Directory.Exists(root)) return logs;
        foreach (var dir in Directory.GetDirectories(root, side + "-seed*"))
        {
            if (!int.TryParse(Path.GetFileName(dir)[$"{side}-seed".Length..], CultureInfo.InvariantCulture, out var seed))
                continue;
            var log = Directory.EnumerateFiles(dir, FigureRun.LogFile, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .FirstOrDefault();
            if (log is not null) logs[seed] = RunLog.ReadCsv(log);
        }
        return logs;
    }

    /// <summary>The comparison table and its verdict at the last shared evaluation; empty without both sides.</summary>
    public static string Markdown(string resultsDirectory)
    {
        var ours = Logs(resultsDirectory, "ours");
        var theirs = Logs(resultsDirectory, "pytorch");
        if (ours.Count == 0 || theirs.Count == 0) return "";
        var shared = ours.Values.Concat(theirs.Values).Select(l => l.Samples.ToHashSet())
            .Aggregate((a, b) => { a.IntersectWith(b); return a; }).Order().ToList();
        if (shared.Count == 0) return "";
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"Second implementation (`results/{Folder}/`, `bench/torch_protocol.py`): Figure 2 MNIST AEVB, "
            + $"seeds {string.Join(", ", ours.Keys)} of ours and {string.Join(", ", theirs.Keys)} of PyTorch, "
            + "mean (lowest … highest) over seeds.");
        text.AppendLine();
        text.AppendLine("| samples | ours train | PyTorch train | ours test | PyTorch test | ours − PyTorch (train / test) |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var samples in shared)
        {
            var (oTrain, pTrain) = (Spread(ours, samples, "train_bound"), Spread(theirs, samples, "train_bound"));
            var (oTest, pTest) = (Spread(ours, samples, "test_bound"), Spread(theirs, samples, "test_bound"));
            text.AppendLine($"| {samples:N0} | {oTrain} | {pTrain} | {oTest} | {pTest} | "
                            + $"{Gap(oTrain, pTrain)} / {Gap(oTest, pTest)} |");
        }
        text.AppendLine();
        text.AppendLine(Verdict(ours, theirs, shared[^1]));
        return text.ToString();
    }

    /// <summary>Whether ours is within PyTorch's seed spread at <paramref name="samples"/>, in words.</summary>
    private static string Verdict(SortedDictionary<int, RunLog> ours, SortedDictionary<int, RunLog> theirs, long samples)
    {
        var parts = new List<string>();
        foreach (var split in new[] { "train", "test" })
        {
            var o = Spread(ours, samples, split + "_bound");
            var p = Spread(theirs, samples, split + "_bound");
            var overlap = o.Low <= p.High && p.Low <= o.High;
            parts.Add($"{split} {Gap(o, p)} (seed ranges {(overlap ? "overlap" : "do not overlap")}; spread of ours "
                      + $"{F(o.High - o.Low)}, of PyTorch's {F(p.High - p.Low)})");
        }
        return $"At {samples:N0} samples ours − PyTorch's mean: {string.Join("; ", parts)}.";
    }

    private readonly record struct SeedSpread(double Mean, double Low, double High)
    {
        public override string ToString() => $"{F(Mean)} ({F(Low)} … {F(High)})";
    }

    private static SeedSpread Spread(SortedDictionary<int, RunLog> logs, long samples, string metric)
    {
        var values = logs.Values.Select(l => l.Column(metric)[l.Samples.ToList().IndexOf(samples)]).ToArray();
        return new SeedSpread(values.Average(), values.Min(), values.Max());
    }

    private static string Gap(SeedSpread ours, SeedSpread theirs) => (ours.Mean - theirs.Mean)
        .ToString("+0.00;−0.00", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture).Replace('-', '−');
}
