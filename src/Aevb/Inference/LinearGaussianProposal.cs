using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// The best recognition model a VAE could learn for a <see cref="LinearGaussianModel"/>: the diagonal Gaussian
/// <c>q(z|x) = N(m(x), diag v)</c> closest to the exact posterior <c>N(m(x), Σ)</c> in <c>KL(q ‖ p(z|x))</c>, which
/// has the posterior's mean and variances <c>v_j = 1/Λ_jj</c> with <c>Λ = Σ⁻¹ = I + WᵀW/σ²</c> (Bishop 2006, §10.1.2).
/// It stands in for a trained encoder where <c>log p(x)</c> is exact, so the importance-sampled estimate
/// (<see cref="ImportanceSampledLikelihood"/>) can be checked against it. <see cref="VarianceScale"/> widens the
/// proposal: a mean-field q is narrower than the correlated posterior, and a slightly wider one keeps the
/// importance weights' variance small.
/// </summary>
public sealed class LinearGaussianProposal : IGaussianEncoder
{
    private readonly float[] _logVar;

    public LinearGaussianProposal(LinearGaussianModel model, double varianceScale = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(varianceScale);
        Model = model;
        VarianceScale = varianceScale;
        var precision = model.PosteriorCovariance().Inverse();
        _logVar = new float[model.LatentDim];
        for (var j = 0; j < _logVar.Length; j++) _logVar[j] = (float)Math.Log(varianceScale / precision[j, j]);
    }

    public LinearGaussianModel Model { get; }

    public double VarianceScale { get; }

    public int InputDim => Model.InputDim;

    public int LatentDim => Model.LatentDim;

    /// <summary><c>log v_j</c>, the same for every datapoint (the posterior's covariance does not depend on x).</summary>
    public ReadOnlySpan<float> LogVariance => _logVar;

    public void Encode(Tensor x, Tensor mu, Tensor logVar)
    {
        if (x.Cols != InputDim || !mu.HasShape(x.Rows, LatentDim) || !logVar.HasShape(x.Rows, LatentDim))
            throw new ArgumentException($"Encode needs x [n, {InputDim}], mu and logVar [n, {LatentDim}].");
        for (var i = 0; i < x.Rows; i++)
        {
            var mean = Model.PosteriorMean(x.Row(i));
            for (var j = 0; j < LatentDim; j++)
            {
                mu[i, j] = (float)mean[j];
                logVar[i, j] = _logVar[j];
            }
        }
    }
}
