using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// The maximum-likelihood diagonal Gaussian of the training rows, ignoring any latent variable: a mean and a variance
/// per pixel. It is what a Gaussian-decoder model reaches when its decoder ignores z (the degenerate solution): on
/// Frey Face the average log-likelihood per datapoint is 575.80 on our training split and 563.63 on our test split,
/// exactly where the paper's wake-sleep curves and ours at Nz = 2 sit flat (README, Results).
/// </summary>
public sealed class IndependentGaussian
{
    private IndependentGaussian(double[] mean, double[] variance)
    {
        Mean = mean;
        Variance = variance;
    }

    public IReadOnlyList<double> Mean { get; }

    /// <summary>The per-pixel maximum-likelihood variance (divided by N, not N − 1).</summary>
    public IReadOnlyList<double> Variance { get; }

    /// <summary>Fits the mean and ML variance of every column of <paramref name="rows"/> (<c>[N, D]</c>).</summary>
    public static IndependentGaussian Fit(Tensor rows)
    {
        if (rows.Rows == 0) throw new ArgumentException("No rows to fit.");
        var d = rows.Cols;
        var mean = new double[d];
        var variance = new double[d];
        for (var r = 0; r < rows.Rows; r++)
        {
            var row = rows.Row(r);
            for (var j = 0; j < d; j++) mean[j] += row[j];
        }
        for (var j = 0; j < d; j++) mean[j] /= rows.Rows;
        for (var r = 0; r < rows.Rows; r++)
        {
            var row = rows.Row(r);
            for (var j = 0; j < d; j++)
            {
                var e = row[j] - mean[j];
                variance[j] += e * e;
            }
        }
        for (var j = 0; j < d; j++)
        {
            variance[j] /= rows.Rows;
            if (!(variance[j] > 0)) throw new ArgumentException($"Column {j} is constant: the maximum-likelihood variance is 0.");
        }
        return new IndependentGaussian(mean, variance);
    }

    /// <summary>The average log density per row of <paramref name="rows"/>, in nats (what Figure 2 plots for a Gaussian decoder).</summary>
    public double AverageLogLikelihood(Tensor rows)
    {
        if (rows.Cols != Mean.Count) throw new ArgumentException($"Rows have {rows.Cols} values, the fit {Mean.Count}.");
        var constant = 0.0;
        for (var j = 0; j < Mean.Count; j++) constant -= GaussianMath.HalfLog2Pi + 0.5 * Math.Log(Variance[j]);
        var total = 0.0;
        for (var r = 0; r < rows.Rows; r++)
        {
            var row = rows.Row(r);
            var sum = constant;
            for (var j = 0; j < Mean.Count; j++)
            {
                var e = row[j] - Mean[j];
                sum -= 0.5 * e * e / Variance[j];
            }
            total += sum;
        }
        return total / rows.Rows;
    }
}
