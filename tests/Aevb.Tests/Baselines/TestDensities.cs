using Aevb.Inference;
using Aevb.Tensors;

namespace Aevb.Tests.Baselines;

/// <summary><c>N(μ, diag σ²)</c> as an HMC target, with its normalising constant; allocation-free.</summary>
internal sealed class DiagonalGaussianDensity(float[] mean, float[] std) : ILogDensity
{
    public static DiagonalGaussianDensity Standard(int d) => new(new float[d], Enumerable.Repeat(1f, d).ToArray());

    public int Dim => mean.Length;

    public int Calls { get; private set; }

    public void LogProbAndGrad(Tensor z, Span<float> logProb, Tensor grad)
    {
        Calls++;
        for (var i = 0; i < z.Rows; i++)
        {
            var zr = z.Row(i);
            var g = grad.Row(i);
            double lp = 0;
            for (var j = 0; j < zr.Length; j++)
            {
                var u = (zr[j] - mean[j]) / std[j];
                lp += -0.5 * u * u - Math.Log(std[j]) - 0.5 * Math.Log(2 * Math.PI);
                g[j] = -u / std[j];
            }
            logProb[i] = (float)lp;
        }
    }
}

/// <summary>A diagonal Gaussian proposal computed from each datapoint by a given function (e.g. exact posterior marginals).</summary>
internal sealed class FixedGaussianEncoder(int inputDim, Func<ReadOnlySpan<float>, (double[] Mu, double[] Var)> posterior) : IGaussianEncoder
{
    public int InputDim => inputDim;

    public int LatentDim { get; init; }

    public void Encode(Tensor x, Tensor mu, Tensor logVar)
    {
        for (var i = 0; i < x.Rows; i++)
        {
            var (m, v) = posterior(x.Row(i));
            for (var j = 0; j < m.Length; j++)
            {
                mu[i, j] = (float)m[j];
                logVar[i, j] = (float)Math.Log(v[j]);
            }
        }
    }
}

/// <summary>Per-chain replicate statistics: chains are independent, so their time averages are iid.</summary>
internal static class ChainStats
{
    /// <summary>Mean over replicates and its standard error.</summary>
    public static (double Mean, double Se) MeanAndSe(IReadOnlyList<double> replicates)
    {
        var n = replicates.Count;
        var mean = replicates.Average();
        var var = replicates.Sum(r => (r - mean) * (r - mean)) / (n - 1);
        return (mean, Math.Sqrt(var / n));
    }
}

/// <summary>
/// A one-dimensional model with a two-mode posterior: <c>z ~ N(0, 1)</c> and a likelihood (ignoring x) made of two
/// narrow bumps, <c>½ N(z; 0, s²) + ½ N(z; b, s²)</c>. HMC cannot cross between the modes, whose posterior masses
/// (about 99% and 1% for b = 3) differ from the prior mass of their basins; <c>p(x)</c> is exact:
/// <c>½ N(0; 0, 1 + s²) + ½ N(b; 0, 1 + s²)</c>.
/// </summary>
internal sealed class TwoBumpModel(double s, double b) : ILatentVariableModel
{
    public int InputDim => 1;

    public int LatentDim => 1;

    public double LogMarginal => Math.Log(0.5 * Normal(0, 1 + s * s) + 0.5 * Normal(b, 1 + s * s));

    private static double Normal(double v, double variance) => Math.Exp(-0.5 * v * v / variance) / Math.Sqrt(2 * Math.PI * variance);

    public void LogJoint(Tensor x, Tensor z, Span<float> logJoint, Tensor? gradZ)
    {
        var logNorm = Math.Log(0.5) - Math.Log(Math.Sqrt(2 * Math.PI) * s);
        for (var i = 0; i < z.Rows; i++)
        {
            double v = z[i, 0];
            double la = logNorm - 0.5 * v * v / (s * s), lb = logNorm - 0.5 * (v - b) * (v - b) / (s * s);
            var m = Math.Max(la, lb);
            var lse = m + Math.Log(Math.Exp(la - m) + Math.Exp(lb - m));
            logJoint[i] = (float)(-0.5 * v * v - 0.5 * Math.Log(2 * Math.PI) + lse);
            if (gradZ is not null)
                gradZ[i, 0] = (float)(-v - Math.Exp(la - lse) * v / (s * s) - Math.Exp(lb - lse) * (v - b) / (s * s));
        }
    }
}
