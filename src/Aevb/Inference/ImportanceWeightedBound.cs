using Aevb.Data;
using Aevb.Models;
using Aevb.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Aevb.Inference;

/// <summary>
/// The importance-weighted bound of Burda, Grosse &amp; Salakhutdinov (2016) for a <see cref="Vae"/>, with k samples
/// per datapoint: <c>z_s = μ + σ ⊙ ε_s</c>, log-weights <c>log w_s = log p(x|z_s) + log p(z_s) − log q(z_s|x)</c> and
/// <c>L_k = log (1/k) Σ_s w_s</c> (a log-sum-exp). <c>L_1</c> is estimator A with L = 1; <c>E[L_k]</c> grows with k
/// towards <c>log p(x)</c>. Its gradient is <c>Σ_s w̃_s ∇ log w_s</c> with the normalised weights
/// <c>w̃_s = w_s / Σ_t w_t</c>, each <c>∇ log w_s</c> taken through the reparameterisation as estimator A's.
/// Same conventions as <see cref="SgvbEstimator"/>: <see cref="Forward(Tensor, Rng)"/> returns the mean bound over
/// the batch, <see cref="Backward"/> adds the gradient of <c>−scale · Σ_i L_k(x_i)</c> to every <c>Grad</c>
/// (scale N/M for the full-data estimate, so Adagrad and the weight-decay prior see what AEVB's gradient gives them),
/// and the buffers are reused while the batch size stays the same.
/// </summary>
/// <remarks>Sample s of datapoint i is row <c>i·k + s</c> of the decoder batch, as in <see cref="SgvbEstimator"/>.
/// </remarks>
public sealed class ImportanceWeightedBound : IDatapointBounds
{
    private readonly Vae _model;
    private readonly Reparameterization _samples;
    private float[] _bounds = [], _weights = [], _rowScales = [];
    private double[] _logWeights = [];
    private int _batch;
    private LowerBoundEvaluator? _evaluator;

    public ImportanceWeightedBound(Vae model, int k)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        _model = model;
        _samples = new Reparameterization(model, k);
        K = k;
    }

    public Vae Model => _model;

    /// <summary>k, the number of importance samples per datapoint.</summary>
    public int K { get; }

    /// <summary><c>L_k(x_i)</c> for each datapoint of the last batch.</summary>
    public ReadOnlySpan<float> Bounds => _bounds.AsSpan(0, _batch);

    /// <summary>
    /// The normalised importance weights <c>w̃</c> of the last batch (row <c>i·k + s</c>; each datapoint's sum to 1).
    /// </summary>
    public ReadOnlySpan<float> Weights => _weights.AsSpan(0, _batch * K);

    /// <summary>The noise ε of the last batch, <c>[batch·k, latent]</c>.</summary>
    public Tensor Epsilon => _samples.Epsilon;

    /// <summary>
    /// <c>L_k</c> for each row of <paramref name="x"/> <c>[batch, input]</c> with fresh noise from
    /// <paramref name="rng"/>; returns the mean over the batch (per-datapoint values in <see cref="Bounds"/>).
    /// </summary>
    public float Forward(Tensor x, Rng rng)
    {
        _samples.DrawNoise(x.Rows, rng);
        return Compute(x);
    }

    /// <summary>As <see cref="Forward(Tensor, Rng)"/> with given noise <c>[batch·k, latent]</c> (copied).</summary>
    public float Forward(Tensor x, Tensor epsilon)
    {
        _samples.SetNoise(x.Rows, epsilon);
        return Compute(x);
    }

    /// <summary>
    /// One training step's gradient: <see cref="Forward(Tensor, Rng)"/>, then, if the bound is finite,
    /// <see cref="Backward"/> with <paramref name="scale"/>. Returns the mean bound over the batch.
    /// Gradients are added to <c>Grad</c>; clear them first (<see cref="Vae.ZeroGrad"/>).
    /// </summary>
    public float Step(Tensor x, float scale, Rng rng)
    {
        var bound = Forward(x, rng);
        if (float.IsFinite(bound)) Backward(scale);
        return bound;
    }

    private float Compute(Tensor x)
    {
        _samples.Forward(x);
        int m = x.Rows, k = K;
        EnsureRows(m);
        var logPx = _samples.LogLikelihoods;

        double total = 0;
        for (var i = 0; i < m; i++)
        {
            var logW = _logWeights.AsSpan(i * k, k);
            for (var s = 0; s < k; s++)
            {
                var r = i * k + s;
                logW[s] = logPx[r] + (double)_samples.LogPriorOverPosterior(r);
            }
            _bounds[i] = (float)LogMeanExp(logW, _weights.AsSpan(i * k, k));
            total += _bounds[i];
        }
        return (float)(total / m);
    }

    /// <summary>
    /// <c>log (1/k) Σ_s e^{a_s}</c>, shifted by the largest <c>a_s</c> so that nothing overflows, and the normalised
    /// weights <c>e^{a_s} / Σ_t e^{a_t}</c> into <paramref name="weights"/>.
    /// </summary>
    private static double LogMeanExp(ReadOnlySpan<double> a, Span<float> weights)
    {
        var max = double.NegativeInfinity;
        foreach (var v in a) max = Math.Max(max, v); // NaN stays NaN, so a diverged model reports NaN
        double sum = 0;
        foreach (var v in a) sum += Math.Exp(v - max);
        for (var s = 0; s < a.Length; s++) weights[s] = (float)(Math.Exp(a[s] - max) / sum);
        return max + Math.Log(sum) - Math.Log(a.Length);
    }

    /// <summary>
    /// Adds the gradient of <c>−scale · Σ_i L_k(x_i)</c> (over the last batch) to every parameter's <c>Grad</c>:
    /// estimator A's backward pass with sample s of datapoint i weighted by <c>w̃_is</c> instead of 1/L.
    /// Use <see cref="SgvbEstimator.FullDataScale"/> (N/M) as for AEVB.
    /// </summary>
    public void Backward(float scale)
    {
        var data = _samples.Data;
        var z = _samples.Z;
        var rowScales = _rowScales.AsSpan(0, z.Rows);
        TensorPrimitives.Multiply(Weights, -scale, rowScales);   // the loss weight of each sample
        var gradZ = _model.Decoder.Backward(data, rowScales);
        // log p(z) = −½ z² + const adds −z to ∇z, weighted like its sample.
        for (var r = 0; r < z.Rows; r++)
            TensorPrimitives.MultiplyAdd(z.Row(r), -rowScales[r], gradZ.Row(r), gradZ.Row(r));

        var (gradMu, gradLogVar) = _samples.ZeroedEncoderGrads();
        _samples.Backward(gradZ, gradMu, gradLogVar);
        // −log q(z|x) = ½ log σ² + ½ ε² + const: ∂/∂log σ² = ½ for every sample, and the weights sum to 1.
        TensorPrimitives.Add(gradLogVar.Data, -0.5f * scale, gradLogVar.Data);
        _model.Encoder.Backward(gradMu, gradLogVar);
    }

    /// <summary>
    /// The mean of <c>L_k</c> over a data set (for logging the k-sample bound beside AEVB's), in chunks of 100 rows
    /// with fresh noise from <paramref name="rng"/>, on buffers of its own (<see cref="Bounds"/> and
    /// <see cref="Weights"/> keep the last batch's; the model's layers do not, so call it between steps, not
    /// between <see cref="Forward(Tensor, Rng)"/> and <see cref="Backward"/>). A data set flagged for dynamic
    /// binarization is scored on a fresh Bernoulli sample, as <see cref="LowerBoundEvaluator"/> does.
    /// </summary>
    public double Evaluate(Dataset data, Rng rng) => Evaluator().Evaluate(data, rng);

    /// <summary>As above over rows of <paramref name="data"/> (<c>[N, input]</c> row-major).</summary>
    public double Evaluate(ReadOnlySpan<float> data, Rng rng) => Evaluator().Evaluate(data, rng);

    private LowerBoundEvaluator Evaluator()
        => _evaluator ??= new LowerBoundEvaluator(new ImportanceWeightedBound(_model, K));

    private void EnsureRows(int m)
    {
        _batch = m;
        var n = m * K;
        if (_bounds.Length < m) _bounds = new float[m];
        if (_weights.Length < n)
        {
            _weights = new float[n];
            _rowScales = new float[n];
            _logWeights = new double[n];
        }
    }
}
