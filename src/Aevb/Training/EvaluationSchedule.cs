namespace Aevb.Training;

/// <summary>Sample counts at which to evaluate the bounds: log-spaced, for Figure 2's log x axis (Figure 3 adds linear points: RunSettings.LinearEvaluationEvery).</summary>
public static class EvaluationSchedule
{
    /// <summary>
    /// The points <c>10^(k / perDecade)</c> (rounded) that lie in [<paramref name="first"/>, <paramref name="last"/>),
    /// then <paramref name="last"/> itself: e.g. (10⁴, 10⁶, 2) gives 10000, 31623, 100000, 316228, 1000000.
    /// </summary>
    public static long[] LogSpaced(long first, long last, int perDecade)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(first);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(last);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perDecade);
        var points = new List<long>();
        var k = (int)Math.Ceiling(Math.Log10(first) * perDecade - 1e-9);
        for (; ; k++)
        {
            var p = (long)Math.Round(Math.Pow(10, (double)k / perDecade));
            if (p >= last) break;
            if (p >= first && (points.Count == 0 || p > points[^1])) points.Add(p);
        }
        points.Add(last);
        return points.ToArray();
    }
}
