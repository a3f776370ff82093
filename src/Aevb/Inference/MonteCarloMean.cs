using System.Globalization;

namespace Aevb.Inference;

/// <summary>
/// The mean of independent Monte Carlo draws with its standard error <c>s/√n</c> (s the sample standard
/// deviation), so an estimate can be compared with an exact value in units of its own noise.
/// </summary>
public readonly record struct MonteCarloMean(double Mean, double StandardError, int Count)
{
    /// <summary>Mean and standard error of <paramref name="values"/> (at least two).</summary>
    public static MonteCarloMean Of(ReadOnlySpan<double> values)
    {
        if (values.Length < 2)
            throw new ArgumentException($"A standard error needs at least 2 draws, got {values.Length}.", nameof(values));
        double mean = 0;
        foreach (var v in values) mean += v;
        mean /= values.Length;
        double ss = 0;
        foreach (var v in values) ss += (v - mean) * (v - mean);
        var variance = ss / (values.Length - 1);
        return new MonteCarloMean(mean, Math.Sqrt(variance / values.Length), values.Length);
    }

    /// <summary>Sample standard deviation of one draw, <c>StandardError · √n</c>.</summary>
    public double StandardDeviation => StandardError * Math.Sqrt(Count);

    /// <summary>How many standard errors the estimate lies from <paramref name="exact"/> (signed).</summary>
    public double ZScore(double exact) => (Mean - exact) / StandardError;

    /// <summary>"mean ± standard error" with <paramref name="format"/> for both numbers.</summary>
    public string ToString(string format) =>
        $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {StandardError.ToString(format, CultureInfo.InvariantCulture)}";

    public override string ToString() => ToString("G6");
}
