using Aevb.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Aevb.Inference;

/// <summary>
/// Linear-Gaussian latent model (probabilistic PCA / factor analysis with isotropic noise):
/// <c>z ~ N(0, I_d)</c>, <c>x | z ~ N(W z + b, σ² I_D)</c>. Everything the paper must approximate is exact
/// here: the marginal <c>x ~ N(b, W Wᵀ + σ² I)</c>, the Gaussian posterior
/// <c>p(z|x) = N(Σ Wᵀ(x − b)/σ², Σ)</c> with <c>Σ = (I + WᵀW/σ²)⁻¹</c>, and the ELBO of a diagonal Gaussian
/// <c>q(z|x)</c>. The exact quantities are computed in float64 with MathNet.Numerics; <see cref="LogJoint"/> is the
/// float32 interface the samplers and estimators use, so tests compare two independent computations.
/// </summary>
public sealed class LinearGaussianModel : ILatentVariableModel
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);
    private readonly double[] _w;  // W row-major [D, d] for the float32 hot path
    private readonly double[] _b;
    private readonly double[] _residual;
    private MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double>? _marginalCholesky;
    private Matrix<double>? _posteriorCovariance;

    /// <param name="weight">Loading matrix <c>W</c>, <c>[D, d]</c>.</param>
    /// <param name="bias">Offset <c>b</c>, length D.</param>
    /// <param name="noiseStd">Observation noise standard deviation σ &gt; 0.</param>
    public LinearGaussianModel(double[,] weight, double[] bias, double noiseStd)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(noiseStd);
        if (bias.Length != weight.GetLength(0))
            throw new ArgumentException($"Bias has length {bias.Length}; W has {weight.GetLength(0)} rows.", nameof(bias));
        Weight = Matrix<double>.Build.DenseOfArray(weight);
        Bias = Vector<double>.Build.DenseOfArray(bias);
        NoiseStd = noiseStd;
        InputDim = weight.GetLength(0);
        LatentDim = weight.GetLength(1);
        _w = new double[InputDim * LatentDim];
        for (var i = 0; i < InputDim; i++)
            for (var j = 0; j < LatentDim; j++)
                _w[i * LatentDim + j] = weight[i, j];
        _b = (double[])bias.Clone();
        _residual = new double[InputDim];
    }

    /// <summary>A model with <c>W_ij ~ N(0, weightStd²)</c> and <c>b_i ~ N(0, 1)</c>.</summary>
    public static LinearGaussianModel CreateRandom(int inputDim, int latentDim, double noiseStd, Rng rng, double weightStd = 1.0)
    {
        var w = new double[inputDim, latentDim];
        for (var i = 0; i < inputDim; i++)
            for (var j = 0; j < latentDim; j++)
                w[i, j] = weightStd * rng.NextGaussian();
        var b = new double[inputDim];
        for (var i = 0; i < inputDim; i++) b[i] = rng.NextGaussian();
        return new LinearGaussianModel(w, b, noiseStd);
    }

    public int InputDim { get; }

    public int LatentDim { get; }

    /// <summary><c>W</c>, <c>[D, d]</c>.</summary>
    public Matrix<double> Weight { get; }

    public Vector<double> Bias { get; }

    public double NoiseStd { get; }

    /// <summary>Draws <paramref name="n"/> datapoints <c>x = W z + b + σ ε</c>, returning <c>x</c> and the <c>z</c> used.</summary>
    public (Tensor X, Tensor Z) Sample(int n, Rng rng)
    {
        var x = new Tensor(n, InputDim);
        var z = new Tensor(n, LatentDim);
        rng.FillNormal(z.Span);
        for (var r = 0; r < n; r++)
        {
            var zr = z.Row(r);
            var xr = x.Row(r);
            for (var i = 0; i < InputDim; i++)
            {
                var mean = _b[i];
                for (var j = 0; j < LatentDim; j++) mean += _w[i * LatentDim + j] * zr[j];
                xr[i] = (float)(mean + NoiseStd * rng.NextGaussian());
            }
        }
        return (x, z);
    }

    /// <summary>Exact <c>log p(x) = log N(x; b, W Wᵀ + σ² I)</c>.</summary>
    public double LogMarginal(ReadOnlySpan<float> x)
    {
        RequireInput(x.Length);
        _marginalCholesky ??= (Weight * Weight.Transpose() + Matrix<double>.Build.DenseIdentity(InputDim) * (NoiseStd * NoiseStd)).Cholesky();
        var r = Vector<double>.Build.Dense(InputDim);
        for (var i = 0; i < InputDim; i++) r[i] = x[i] - Bias[i];
        // r·C⁻¹r through the factor's triangular solves: O(D²) per datapoint once C is factorised.
        return -0.5 * (InputDim * Log2Pi + _marginalCholesky.DeterminantLn + r.DotProduct(_marginalCholesky.Solve(r)));
    }

    /// <summary>Exact <c>log p(x_i)</c> for every row.</summary>
    public double[] LogMarginal(Tensor x)
    {
        var result = new double[x.Rows];
        for (var i = 0; i < x.Rows; i++) result[i] = LogMarginal(x.Row(i));
        return result;
    }

    /// <summary>Posterior covariance <c>Σ = (I + WᵀW/σ²)⁻¹</c> (the same for every x).</summary>
    public Matrix<double> PosteriorCovariance()
        => (_posteriorCovariance ??= (Matrix<double>.Build.DenseIdentity(LatentDim) + Weight.TransposeThisAndMultiply(Weight) / (NoiseStd * NoiseStd)).Inverse()).Clone();

    /// <summary>Posterior mean <c>Σ Wᵀ (x − b) / σ²</c>.</summary>
    public Vector<double> PosteriorMean(ReadOnlySpan<float> x)
    {
        RequireInput(x.Length);
        var r = Vector<double>.Build.Dense(InputDim);
        for (var i = 0; i < InputDim; i++) r[i] = x[i] - Bias[i];
        return PosteriorCovariance() * (Weight.TransposeThisAndMultiply(r) / (NoiseStd * NoiseStd));
    }

    /// <summary>Exact <c>log p(z | x)</c>.</summary>
    public double PosteriorLogDensity(ReadOnlySpan<float> x, ReadOnlySpan<double> z)
    {
        var mean = PosteriorMean(x);
        var chol = PosteriorCovariance().Cholesky();
        var diff = Vector<double>.Build.Dense(LatentDim);
        for (var j = 0; j < LatentDim; j++) diff[j] = z[j] - mean[j];
        return -0.5 * (LatentDim * Log2Pi + chol.DeterminantLn + diff.DotProduct(chol.Solve(diff)));
    }

    /// <summary>
    /// <c>log p(x, z) = log N(z; 0, I) + Σ_i log N(x_i; (W z)_i + b_i, σ²)</c> in float64, for one datapoint: what
    /// notebook 01 integrates over z to check the closed forms (the float32 <see cref="LogJoint(Tensor, Tensor,
    /// Span{float}, Tensor?)"/> serves the samplers).
    /// </summary>
    public double LogJoint(ReadOnlySpan<float> x, ReadOnlySpan<double> z)
    {
        RequireInput(x.Length);
        if (z.Length != LatentDim) throw new ArgumentException($"z has length {z.Length}, not {LatentDim}.", nameof(z));
        double s2 = NoiseStd * NoiseStd, prior = 0, sq = 0;
        for (var j = 0; j < LatentDim; j++) prior += z[j] * z[j];
        for (var i = 0; i < InputDim; i++)
        {
            var r = x[i] - _b[i];
            for (var j = 0; j < LatentDim; j++) r -= _w[i * LatentDim + j] * z[j];
            sq += r * r;
        }
        return -0.5 * (LatentDim * Log2Pi + prior) - 0.5 * InputDim * (Log2Pi + Math.Log(s2)) - sq / (2 * s2);
    }

    /// <summary>
    /// Exact ELBO <c>E_q[log p(x|z)] − KL(q ‖ p(z))</c> of <c>q = N(μ, diag exp(logVar))</c>:
    /// <c>E_q log p(x|z) = −D/2 log(2πσ²) − (|x − b − Wμ|² + Σ_j s_j² |W_{:j}|²) / (2σ²)</c> and
    /// <c>−KL = ½ Σ_j (1 + log s_j² − μ_j² − s_j²)</c>. Equals <c>log p(x)</c> only when q is the exact posterior,
    /// which a diagonal q can match only if the posterior is diagonal.
    /// </summary>
    public double Elbo(ReadOnlySpan<float> x, ReadOnlySpan<double> mu, ReadOnlySpan<double> logVar)
    {
        RequireInput(x.Length);
        if (mu.Length != LatentDim || logVar.Length != LatentDim)
            throw new ArgumentException($"μ and log σ² must have length {LatentDim}.");
        double s2 = NoiseStd * NoiseStd, sq = 0, trace = 0, negKl = 0;
        for (var i = 0; i < InputDim; i++)
        {
            var r = x[i] - _b[i];
            for (var j = 0; j < LatentDim; j++) r -= _w[i * LatentDim + j] * mu[j];
            sq += r * r;
            for (var j = 0; j < LatentDim; j++) trace += Math.Exp(logVar[j]) * _w[i * LatentDim + j] * _w[i * LatentDim + j];
        }
        for (var j = 0; j < LatentDim; j++) negKl += 0.5 * (1 + logVar[j] - mu[j] * mu[j] - Math.Exp(logVar[j]));
        return -0.5 * InputDim * (Log2Pi + Math.Log(s2)) - (sq + trace) / (2 * s2) + negKl;
    }

    /// <inheritdoc/>
    public void LogJoint(Tensor x, Tensor z, Span<float> logJoint, Tensor? gradZ)
    {
        if (x.Cols != InputDim || z.Cols != LatentDim || z.Rows != x.Rows || logJoint.Length < x.Rows)
            throw new ArgumentException($"LogJoint needs x [n, {InputDim}], z [n, {LatentDim}]; got x [{x.Rows}, {x.Cols}], z [{z.Rows}, {z.Cols}].");
        if (gradZ is not null) z.RequireSameShape(gradZ, nameof(gradZ));
        int dx = InputDim, dz = LatentDim;
        double s2 = NoiseStd * NoiseStd;
        var constant = -0.5 * dz * Log2Pi - 0.5 * dx * (Log2Pi + Math.Log(s2));
        var r = _residual;
        for (var n = 0; n < x.Rows; n++)
        {
            var xr = x.Row(n);
            var zr = z.Row(n);
            double prior = 0, sq = 0;
            for (var j = 0; j < dz; j++) prior += (double)zr[j] * zr[j];
            for (var i = 0; i < dx; i++)
            {
                var ri = xr[i] - _b[i];
                for (var j = 0; j < dz; j++) ri -= _w[i * dz + j] * zr[j];
                r[i] = ri;
                sq += ri * ri;
            }
            logJoint[n] = (float)(constant - 0.5 * prior - sq / (2 * s2));
            if (gradZ is null) continue;
            var g = gradZ.Row(n);
            for (var j = 0; j < dz; j++)
            {
                double acc = 0;
                for (var i = 0; i < dx; i++) acc += _w[i * dz + j] * r[i];
                g[j] = (float)(acc / s2 - zr[j]);
            }
        }
    }

    private void RequireInput(int length)
    {
        if (length != InputDim) throw new ArgumentException($"A datapoint of this model has {InputDim} values, got {length}.");
    }
}
