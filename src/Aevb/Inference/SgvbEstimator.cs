using Aevb.Models;
using Aevb.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Aevb.Inference;

/// <summary>
/// The SGVB estimators of the lower bound (Section 2.3) for a <see cref="Vae"/>, with L samples per datapoint.
/// <see cref="Forward(Tensor, Rng)"/> draws <c>ε ~ N(0, I)</c>, sets <c>z = μ + exp(½ log σ²) ⊙ ε</c> and returns
/// the per-datapoint bound estimates; <see cref="Backward"/> then accumulates the gradient of the loss
/// <c>−scale · Σ_i L̃(x_i)</c> into every parameter's <c>Grad</c>, so optimisers minimise as in PyTorch.
/// With <c>scale = N/M</c> this is the paper's minibatch estimate of the full-data bound (eq. 8).
/// Buffers are allocated on the first call and reused while the batch size stays the same.
/// </summary>
/// <remarks>
/// Rows of the decoder batch are ordered datapoint-major: sample l of datapoint i is row <c>i·L + l</c>.
/// </remarks>
public sealed class SgvbEstimator : IDatapointBounds
{
    private readonly Vae _model;
    private readonly Reparameterization _samples;
    private float[] _bounds = [], _logRatio = [];
    private int _batch;

    public SgvbEstimator(Vae model, Estimator kind = Estimator.B, int samplesPerDatapoint = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samplesPerDatapoint);
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown estimator.");
        _model = model;
        _samples = new Reparameterization(model, samplesPerDatapoint);
        Kind = kind;
        SamplesPerDatapoint = samplesPerDatapoint;
    }

    public Vae Model => _model;
    public Estimator Kind { get; }

    /// <summary>L, the number of samples of z per datapoint.</summary>
    public int SamplesPerDatapoint { get; }

    /// <summary>The bound estimate for each datapoint of the last batch.</summary>
    public ReadOnlySpan<float> Bounds => _bounds.AsSpan(0, _batch);

    /// <summary><c>log p(x_i | z_il)</c> for each sample of the last batch (row <c>i·L + l</c>).</summary>
    public ReadOnlySpan<float> LogLikelihoods => _samples.LogLikelihoods.AsSpan(0, _batch * SamplesPerDatapoint);

    /// <summary>The noise ε of the last batch, <c>[batch·L, latent]</c>.</summary>
    public Tensor Epsilon => _samples.Epsilon;

    /// <summary>The latent samples z of the last batch, <c>[batch·L, latent]</c>.</summary>
    public Tensor Z => _samples.Z;

    /// <summary>
    /// Estimates the bound for each row of <paramref name="x"/> <c>[batch, input]</c> with fresh noise from
    /// <paramref name="rng"/>; returns the mean over the batch (per-datapoint values in <see cref="Bounds"/>).
    /// </summary>
    public float Forward(Tensor x, Rng rng)
    {
        _samples.DrawNoise(x.Rows, rng);
        return Evaluate(x);
    }

    /// <summary>As <see cref="Forward(Tensor, Rng)"/> with given noise <c>[batch·L, latent]</c> (copied): for tests and variance studies.</summary>
    public float Forward(Tensor x, Tensor epsilon)
    {
        _samples.SetNoise(x.Rows, epsilon);
        return Evaluate(x);
    }

    private float Evaluate(Tensor x)
    {
        _samples.Forward(x);
        int m = x.Rows, l = SamplesPerDatapoint;
        EnsureRows(m);
        var logPx = _samples.LogLikelihoods;
        double total = 0;
        for (var i = 0; i < m; i++)
        {
            double sum = 0;
            if (Kind == Estimator.B)
            {
                for (var s = 0; s < l; s++) sum += logPx[i * l + s];
                _bounds[i] = (float)(GaussianMath.NegativeKl(_samples.Mu.Row(i), _samples.LogVar.Row(i)) + sum / l);
            }
            else
            {
                for (var s = 0; s < l; s++)
                {
                    var r = i * l + s;
                    _logRatio[r] = _samples.LogPriorOverPosterior(r);
                    sum += logPx[r] + (double)_logRatio[r];
                }
                _bounds[i] = (float)(sum / l);
            }
            total += _bounds[i];
        }
        return (float)(total / m);
    }

    /// <summary>
    /// Adds the gradient of <c>−scale · Σ_i L̃(x_i)</c> (over the last batch) to every parameter's <c>Grad</c>.
    /// Use <see cref="FullDataScale"/> (N/M) for the paper's estimator of the full-data bound, 1/M for the
    /// mean bound per datapoint.
    /// </summary>
    public void Backward(float scale)
    {
        var data = _samples.Data;
        var (gradMu, gradLogVar) = _samples.ZeroedEncoderGrads();
        switch (Kind)
        {
            case Estimator.B: BackwardB(data, scale, gradMu, gradLogVar); break;
            case Estimator.A: BackwardA(data, scale, gradMu, gradLogVar); break;
            default: BackwardScoreFunction(data, scale, gradMu, gradLogVar); break;
        }
        _model.Encoder.Backward(gradMu, gradLogVar);
    }

    /// <summary>
    /// Estimator B (eq. 7), the step of Algorithm 1: the loss <c>−scale Σ_i [−KL_i + (1/L) Σ_l log p(x_i|z_il)]</c>
    /// back through the decoder, through <c>z = μ + σ ε</c>, plus the closed-form KL term's own gradient.
    /// </summary>
    private void BackwardB(Tensor data, float scale, Tensor gradMu, Tensor gradLogVar)
    {
        var gradZ = _model.Decoder.Backward(data, -scale / SamplesPerDatapoint);
        _samples.Backward(gradZ, gradMu, gradLogVar);
        // −KL = ½ Σ (1 + log σ² − μ² − σ²): ∂/∂μ = −μ, ∂/∂log σ² = ½ (1 − σ²); the loss carries −scale.
        var (mu, sigma, gm, gv) = (_samples.Mu.Data, _samples.Sigma.Data, gradMu.Data, gradLogVar.Data);
        for (var k = 0; k < gm.Length; k++)
        {
            gm[k] += scale * mu[k];
            gv[k] -= scale * 0.5f * (1f - sigma[k] * sigma[k]);
        }
    }

    /// <summary>
    /// Estimator A (eq. 6): the loss <c>−scale Σ_i (1/L) Σ_l [log p(x_i|z_il) + log p(z_il) − log q(z_il|x_i)]</c>,
    /// every term through <c>z = μ + σ ε</c>.
    /// </summary>
    private void BackwardA(Tensor data, float scale, Tensor gradMu, Tensor gradLogVar)
    {
        var s = -scale / SamplesPerDatapoint; // loss weight of each sample
        var gradZ = _model.Decoder.Backward(data, s);
        // log p(z) = −½ z² + const adds −z to ∇z (weighted like the samples).
        TensorPrimitives.MultiplyAdd(_samples.Z.Data, -s, gradZ.Data, gradZ.Data);
        _samples.Backward(gradZ, gradMu, gradLogVar);
        // −log q(z|x) = ½ log σ² + ½ ε² + const under the reparameterisation: ∂/∂log σ² = ½ per sample.
        TensorPrimitives.Add(gradLogVar.Data, -0.5f * scale, gradLogVar.Data);
    }

    /// <summary>
    /// The score-function gradient: decoder parameters get the pathwise gradient at fixed z; the encoder gets
    /// <c>f · ∇φ log q(z|x)</c> with <c>f = log p(x|z) + log p(z) − log q(z|x)</c>, <c>∇μ log q = ε/σ</c> and
    /// <c>∇(log σ²) log q = ½ (ε² − 1)</c>.
    /// </summary>
    private void BackwardScoreFunction(Tensor data, float scale, Tensor gradMu, Tensor gradLogVar)
    {
        var l = SamplesPerDatapoint;
        var s = -scale / l;
        _model.Decoder.Backward(data, s);
        var logPx = _samples.LogLikelihoods;
        for (var i = 0; i < gradMu.Rows; i++)
        {
            var sig = _samples.Sigma.Row(i);
            var gm = gradMu.Row(i);
            var gv = gradLogVar.Row(i);
            for (var t = 0; t < l; t++)
            {
                var r = i * l + t;
                var w = s * (logPx[r] + _logRatio[r]);
                var e = _samples.Epsilon.Row(r);
                for (var j = 0; j < sig.Length; j++)
                {
                    gm[j] += w * e[j] / sig[j];
                    gv[j] += w * 0.5f * (e[j] * e[j] - 1f);
                }
            }
        }
    }

    /// <summary>
    /// <c>N/M</c>: the factor that turns a minibatch sum into an estimate of the sum over the data set (eq. 8).
    /// </summary>
    public static float FullDataScale(int datasetSize, int batchSize) => (float)datasetSize / batchSize;

    private void EnsureRows(int m)
    {
        _batch = m;
        if (_bounds.Length < m) _bounds = new float[m];
        if (_logRatio.Length < m * SamplesPerDatapoint) _logRatio = new float[m * SamplesPerDatapoint];
    }
}
