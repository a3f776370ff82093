namespace Aevb.Inference;

/// <summary>
/// Per-datapoint estimates of <c>log p(x_i)</c> with their Monte Carlo standard errors, from
/// <see cref="HmcMarginalLikelihood"/> (Appendix D) or <see cref="ImportanceSampledLikelihood"/>.
/// </summary>
public sealed class MarginalLikelihoodEstimate
{
    public MarginalLikelihoodEstimate(double[] logLikelihood, double[] standardError, string method, int samplesPerPoint, double meanAcceptance = double.NaN)
    {
        if (logLikelihood.Length != standardError.Length) throw new ArgumentException("One standard error per estimate.");
        LogLikelihood = logLikelihood;
        StandardError = standardError;
        Method = method;
        SamplesPerPoint = samplesPerPoint;
        MeanAcceptance = meanAcceptance;
    }

    /// <summary><c>log p̂(x_i)</c> in nats.</summary>
    public double[] LogLikelihood { get; }

    /// <summary>
    /// Standard error of each <c>log p̂(x_i)</c> by the delta method, <c>sd/mean</c> of the averaged weights: over the
    /// independent weights for importance sampling, over the HMC chains' means for the Appendix D estimator (its
    /// samples are correlated within a chain).
    /// </summary>
    public double[] StandardError { get; }

    /// <summary>"hmc" (Appendix D) or "importance".</summary>
    public string Method { get; }

    public int SamplesPerPoint { get; }

    /// <summary>HMC's mean acceptance probability while sampling (NaN for importance sampling).</summary>
    public double MeanAcceptance { get; }

    public int Count => LogLikelihood.Length;

    /// <summary>Average <c>log p̂(x)</c> per datapoint, the quantity on Figure 3's y axis.</summary>
    public double Mean => LogLikelihood.Average();

    /// <summary>Standard error of <see cref="Mean"/> from the per-point errors (Monte Carlo error only, not sampling of x).</summary>
    public double MeanStandardError => Math.Sqrt(StandardError.Sum(s => s * s)) / Count;

    /// <summary>Point <paramref name="i"/>'s estimate with its standard error, "−15.7306 ± 0.0042".</summary>
    public string PlusMinus(int i) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{LogLikelihood[i]:F4} ± {StandardError[i]:F4}");

    /// <summary>
    /// The mean error against known values of <c>log p(x_i)</c>, and the standard error of that mean measured from the
    /// spread of the per-point errors themselves: a yardstick that does not rely on <see cref="StandardError"/>, which
    /// for the Appendix D estimator comes from a few chains per point (notebook 05 compares the two).
    /// </summary>
    public (double Mean, double StandardError) ErrorAgainst(IReadOnlyList<double> exact)
    {
        ArgumentNullException.ThrowIfNull(exact);
        if (exact.Count != Count)
            throw new ArgumentException($"{exact.Count} exact values for {Count} estimates.", nameof(exact));
        if (Count < 2) throw new InvalidOperationException("The spread of the errors needs at least two points.");
        var d = LogLikelihood.Zip(exact, (e, x) => e - x).ToArray();
        var mean = d.Average();
        return (mean, Math.Sqrt(d.Sum(v => (v - mean) * (v - mean)) / (d.Length - 1) / d.Length));
    }

    public override string ToString() => $"{Method}: mean log p(x) = {Mean:F3} ± {MeanStandardError:F3} over {Count} points, {SamplesPerPoint} samples each";
}

/// <summary>
/// Streaming <c>log mean_l exp(w_l)</c> in float64 with a running maximum (log-sum-exp without storing the
/// weights), plus the second moment for the delta-method standard error.
/// </summary>
internal struct LogMeanExp
{
    private double _max;
    private double _sum;    // Σ exp(w − max)
    private double _sumSq;  // Σ exp(2(w − max))
    private long _count;
    private bool _nan;

    public LogMeanExp()
    {
        _max = double.NegativeInfinity;
    }

    public readonly long Count => _count;

    public void Add(double w)
    {
        _count++;
        if (double.IsNaN(w)) { _nan = true; return; }
        if (double.IsNegativeInfinity(w)) return;
        if (w > _max)
        {
            var scale = Math.Exp(_max - w);
            _sum *= scale;
            _sumSq *= scale * scale;
            _max = w;
        }
        var e = Math.Exp(w - _max);
        _sum += e;
        _sumSq += e * e;
    }

    /// <summary><c>log((1/L) Σ exp(w_l))</c>.</summary>
    public readonly double Value => _nan || _count == 0 ? double.NaN : _max + Math.Log(_sum / _count);

    /// <summary>Delta-method standard error of <see cref="Value"/>.</summary>
    public readonly double StandardError
    {
        get
        {
            if (_nan || _count == 0 || _sum == 0) return double.NaN;
            var mean = _sum / _count;
            var variance = Math.Max(0, _sumSq / _count - mean * mean);
            return Math.Sqrt(variance / _count) / mean;
        }
    }
}
