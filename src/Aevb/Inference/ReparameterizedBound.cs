using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// Monte Carlo estimate of the lower bound in the form of the paper's eq. 3,
/// <c>L = −KL(q(z|x) ‖ p(z)) + E_q[log p(x|z)]</c>, for one datapoint and one diagonal Gaussian
/// <c>q = N(μ, diag σ²)</c>, through the reparameterisation trick of Section 2.4: draw <c>ε ~ N(0, I)</c> and set
/// <c>z = μ + σ ⊙ ε</c>. Each draw gives <c>L̃ = −KL + log p(x|z)</c> (estimator B, eq. 7, with L = 1) and, because
/// <c>z</c> is a differentiable function of <c>(μ, log σ²)</c> for fixed <c>ε</c>, the gradient of that draw:
/// <c>∂L̃/∂μ = −μ + ∇z log p(x|z)</c> and <c>∂L̃/∂log σ² = ½(1 − σ²) + ∇z log p(x|z) ⊙ ½ σ ⊙ ε</c>.
/// The draws are returned one by one, so a notebook can show their spread and compare the means with exact values.
/// </summary>
/// <remarks>
/// Assumes the paper's prior <c>p(z) = N(0, I)</c>: <c>log p(x|z)</c> is the model's joint minus <c>log N(z; 0, I)</c>.
/// The joint comes from <see cref="ILatentVariableModel.LogJoint"/> (float32); the rest is float64.
/// </remarks>
public static class ReparameterizedBound
{
    private const int Chunk = 1024;

    public static ReparameterizedBoundSamples Sample(ILatentVariableModel model, ReadOnlySpan<float> x,
        ReadOnlySpan<double> mu, ReadOnlySpan<double> logVar, int samples, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rng);
        if (x.Length != model.InputDim)
            throw new ArgumentException($"The model takes datapoints of {model.InputDim} values, got {x.Length}.", nameof(x));
        int d = model.LatentDim;
        if (mu.Length != d || logVar.Length != d)
            throw new ArgumentException($"μ and log σ² must have the model's latent size {d}, got {mu.Length} and {logVar.Length}.");
        if (samples < 2)
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "Need at least 2 samples for a standard error.");

        var sigma = new double[d];
        double negKl = 0;
        for (var j = 0; j < d; j++)
        {
            sigma[j] = Math.Exp(0.5 * logVar[j]);
            negKl += 0.5 * (1 + logVar[j] - mu[j] * mu[j] - Math.Exp(logVar[j]));   // Appendix B
        }

        var values = new double[samples];
        var gradMu = new double[samples, d];
        var gradLogVar = new double[samples, d];
        var eps = new double[samples, d];
        var rows = Math.Min(Chunk, samples);
        var xs = new Tensor(rows, model.InputDim);
        for (var r = 0; r < rows; r++) x.CopyTo(xs.Row(r));
        var z = new Tensor(rows, d);
        var gradZ = new Tensor(rows, d);
        var joint = new float[rows];
        for (var start = 0; start < samples; start += rows)
        {
            var n = Math.Min(rows, samples - start);
            if (n < rows)
            {
                // The last, shorter chunk: LogJoint takes whole tensors, so shrink the buffers once.
                var shorter = new Tensor(n, model.InputDim);
                for (var r = 0; r < n; r++) x.CopyTo(shorter.Row(r));
                (xs, z, gradZ, rows) = (shorter, new Tensor(n, d), new Tensor(n, d), n);
            }
            var (xv, zv, gv) = (xs, z, gradZ);
            for (var i = 0; i < n; i++)
            {
                var zr = zv.Row(i);
                for (var j = 0; j < d; j++)
                {
                    double e = rng.NextGaussian();
                    eps[start + i, j] = e;
                    zr[j] = (float)(mu[j] + sigma[j] * e);
                }
            }
            model.LogJoint(xv, zv, joint, gv);
            for (var i = 0; i < n; i++)
            {
                var zr = zv.Row(i);
                var gr = gv.Row(i);
                // log p(x|z) = log p(x, z) − log N(z; 0, I); its z-gradient adds back the prior's −z.
                double logPrior = -d * GaussianMath.HalfLog2Pi;
                for (var j = 0; j < d; j++) logPrior -= 0.5 * zr[j] * (double)zr[j];
                values[start + i] = negKl + joint[i] - logPrior;
                for (var j = 0; j < d; j++)
                {
                    var dLogLik = gr[j] + (double)zr[j];
                    gradMu[start + i, j] = -mu[j] + dLogLik;
                    gradLogVar[start + i, j] = 0.5 * (1 - sigma[j] * sigma[j]) + dLogLik * 0.5 * sigma[j] * eps[start + i, j];
                }
            }
        }
        return new ReparameterizedBoundSamples(negKl, values, gradMu, gradLogVar, eps);
    }
}

/// <summary>The draws of <see cref="ReparameterizedBound.Sample"/>: one bound value and one gradient per ε.</summary>
public sealed class ReparameterizedBoundSamples
{
    internal ReparameterizedBoundSamples(double negativeKl, double[] values, double[,] gradMu, double[,] gradLogVar, double[,] epsilon)
    {
        NegativeKl = negativeKl;
        Values = values;
        GradMu = gradMu;
        GradLogVar = gradLogVar;
        Epsilon = epsilon;
    }

    /// <summary>The analytic term <c>−KL(q ‖ p(z))</c> shared by every draw.</summary>
    public double NegativeKl { get; }

    /// <summary><c>L̃_l = −KL + log p(x | μ + σ ⊙ ε_l)</c>, one per draw.</summary>
    public double[] Values { get; }

    /// <summary><c>∂L̃_l/∂μ_j</c>, <c>[draws, latent]</c>.</summary>
    public double[,] GradMu { get; }

    /// <summary><c>∂L̃_l/∂log σ²_j</c>, <c>[draws, latent]</c>.</summary>
    public double[,] GradLogVar { get; }

    /// <summary>The noise <c>ε_l</c>, <c>[draws, latent]</c>.</summary>
    public double[,] Epsilon { get; }

    public int Count => Values.Length;

    /// <summary>The Monte Carlo estimate of L with its standard error.</summary>
    public MonteCarloMean Bound => MonteCarloMean.Of(Values);

    /// <summary>The estimate of <c>∂L/∂μ_j</c> with its standard error.</summary>
    public MonteCarloMean GradMuMean(int j) => MonteCarloMean.Of(Column(GradMu, j));

    /// <summary>The estimate of <c>∂L/∂log σ²_j</c> with its standard error.</summary>
    public MonteCarloMean GradLogVarMean(int j) => MonteCarloMean.Of(Column(GradLogVar, j));

    /// <summary>Column <paramref name="j"/> of a <c>[draws, latent]</c> array, e.g. for a histogram.</summary>
    public static double[] Column(double[,] values, int j)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(j);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(j, values.GetLength(1));
        var column = new double[values.GetLength(0)];
        for (var i = 0; i < column.Length; i++) column[i] = values[i, j];
        return column;
    }
}
