namespace Aevb.Inference;

/// <summary>Closed-form pieces for diagonal Gaussians, one row (datapoint) at a time.</summary>
public static class GaussianMath
{
    /// <summary>½ log 2π.</summary>
    public const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>
    /// <c>−KL(N(μ, diag e^{log σ²}) ‖ N(0, I)) = ½ Σ_j (1 + log σ_j² − μ_j² − σ_j²)</c> (Appendix B).
    /// </summary>
    public static float NegativeKl(ReadOnlySpan<float> mu, ReadOnlySpan<float> logVar)
    {
        double sum = 0;
        for (var j = 0; j < mu.Length; j++)
            sum += 1.0 + logVar[j] - (double)mu[j] * mu[j] - Math.Exp(logVar[j]);
        return (float)(0.5 * sum);
    }

    /// <summary><c>log N(z; 0, I)</c>, the prior density of the paper's model.</summary>
    public static float LogStandardNormal(ReadOnlySpan<float> z)
    {
        double sum = 0;
        for (var j = 0; j < z.Length; j++) sum += (double)z[j] * z[j];
        return (float)(-0.5 * sum - z.Length * HalfLog2Pi);
    }

    /// <summary><c>log N(z; μ, diag e^{log σ²})</c>.</summary>
    public static float LogNormal(ReadOnlySpan<float> z, ReadOnlySpan<float> mu, ReadOnlySpan<float> logVar)
    {
        double sum = 0;
        for (var j = 0; j < z.Length; j++)
        {
            var d = (double)z[j] - mu[j];
            sum += logVar[j] + d * d * Math.Exp(-logVar[j]);
        }
        return (float)(-0.5 * sum - z.Length * HalfLog2Pi);
    }
}
