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
