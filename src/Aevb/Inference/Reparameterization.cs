using Aevb.Models;
using Aevb.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Aevb.Inference;

/// <summary>
/// The forward pass shared by the bounds that sample <c>z</c> from the encoder's <c>q(z|x) = N(μ, diag σ²)</c>
/// through the reparameterisation of Section 2.4: μ and log σ², <c>z = μ + σ ⊙ ε</c> with
/// <c>σ = exp(½ log σ²)</c>, <c>log p(x|z)</c> per sample; and the chain rule back through <c>z</c>.
/// S samples per datapoint, datapoint-major: sample s of datapoint i is row <c>i·S + s</c>. Buffers are reused
/// while the batch size stays the same.
/// </summary>
internal sealed class Reparameterization(Vae model, int samplesPerDatapoint)
{
    private Tensor? _x, _xRepeated, _eps, _sigma, _z, _gradMu, _gradLogVar;
    private float[] _logPx = [];

    public int SamplesPerDatapoint => samplesPerDatapoint;

    /// <summary>The last batch <c>[M, input]</c>.</summary>
    public Tensor X => _x ?? throw new InvalidOperationException("Backward called before Forward.");

    /// <summary>The data beside each sample: x for S = 1, else each row repeated S times.</summary>
    public Tensor Data => samplesPerDatapoint == 1 ? X : _xRepeated!;

    public Tensor Mu { get; private set; } = Tensor.Empty;
    public Tensor LogVar { get; private set; } = Tensor.Empty;
    public Tensor Sigma => _sigma ?? Tensor.Empty;
    public Tensor Epsilon => _eps ?? Tensor.Empty;
    public Tensor Z => _z ?? Tensor.Empty;

    /// <summary><c>log p(x_i | z_is)</c> per sample of the last batch, row <c>i·S + s</c> (the array may be longer).
    /// </summary>
    public float[] LogLikelihoods => _logPx;

    /// <summary>Draws ε <c>[M·S, latent]</c> from <paramref name="rng"/> into the reused buffer.</summary>
    public void DrawNoise(int rows, Rng rng) => rng.FillNormal(Noise(rows).Span);

    /// <summary>Copies given noise <c>[M·S, latent]</c> (for tests and variance studies).</summary>
    public void SetNoise(int rows, Tensor epsilon) => Noise(rows).CopyFrom(epsilon);

    private Tensor Noise(int rows) => Tensor.Ensure(ref _eps, rows * samplesPerDatapoint, model.LatentSize);

    /// <summary>Encoder, <c>z = μ + σ ⊙ ε</c> with the noise drawn last, decoder and <c>log p(x|z)</c>.</summary>
    public void Forward(Tensor x)
    {
        if (x.Cols != model.InputSize)
            throw new ArgumentException(
                $"The model takes {model.InputSize} inputs; the batch has {x.Cols} columns.", nameof(x));
        int m = x.Rows, s = samplesPerDatapoint;
        _x = x;
        var (mu, logVar) = model.Encoder.Forward(x);
        (Mu, LogVar) = (mu, logVar);
        var sigma = Tensor.Ensure(ref _sigma, m, mu.Cols);
        TensorPrimitives.Multiply(logVar.Data, 0.5f, sigma.Data);
        TensorPrimitives.Exp(sigma.Data, sigma.Data);
        var z = Tensor.Ensure(ref _z, m * s, mu.Cols);
        for (var i = 0; i < m; i++)
            for (var t = 0; t < s; t++)
                TensorPrimitives.FusedMultiplyAdd(sigma.Row(i), _eps!.Row(i * s + t), mu.Row(i), z.Row(i * s + t));

        if (s > 1)
        {
            var rep = Tensor.Ensure(ref _xRepeated, m * s, x.Cols);
            for (var i = 0; i < m; i++)
                for (var t = 0; t < s; t++)
                    x.Row(i).CopyTo(rep.Row(i * s + t));
        }
        if (_logPx.Length < m * s) _logPx = new float[m * s];
        model.Decoder.ForwardForLikelihood(z); // the mean only if Backward follows (evaluations skip it)
        model.Decoder.LogLikelihood(Data, _logPx);
    }

    /// <summary>
    /// <c>log p(z_r) − log q(z_r|x)</c> for sample row r: with <c>(z − μ)²/σ² = ε²</c> the ½ log 2π terms cancel.
    /// </summary>
    public float LogPriorOverPosterior(int r)
    {
        var z = Z.Row(r);
        var eps = Epsilon.Row(r);
        var logVar = LogVar.Row(r / samplesPerDatapoint);
        double sum = 0;
        for (var j = 0; j < z.Length; j++)
            sum += -(double)z[j] * z[j] + logVar[j] + (double)eps[j] * eps[j];
        return (float)(0.5 * sum);
    }

    /// <summary>Zeroed gradient buffers for μ and log σ², <c>[M, latent]</c>.</summary>
    public (Tensor GradMu, Tensor GradLogVar) ZeroedEncoderGrads()
    {
        var gradMu = Tensor.Ensure(ref _gradMu, Mu.Rows, Mu.Cols);
        var gradLogVar = Tensor.Ensure(ref _gradLogVar, Mu.Rows, Mu.Cols);
        gradMu.Zero();
        gradLogVar.Zero();
        return (gradMu, gradLogVar);
    }

    /// <summary>
    /// Adds the gradient w.r.t. μ and log σ² of a loss whose gradient w.r.t. each sample is <paramref name="gradZ"/>:
    /// <c>∂z/∂μ = 1</c> and <c>∂z/∂log σ² = ½ σ ε</c>, summed over the samples of each datapoint.
    /// </summary>
    public void Backward(Tensor gradZ, Tensor gradMu, Tensor gradLogVar)
    {
        var s = samplesPerDatapoint;
        for (var i = 0; i < gradMu.Rows; i++)
        {
            var sig = Sigma.Row(i);
            var gm = gradMu.Row(i);
            var gv = gradLogVar.Row(i);
            for (var t = 0; t < s; t++)
            {
                var g = gradZ.Row(i * s + t);
                var e = Epsilon.Row(i * s + t);
                for (var j = 0; j < sig.Length; j++)
                {
                    gm[j] += g[j];
                    gv[j] += g[j] * e[j] * 0.5f * sig[j];
                }
            }
        }
    }
}
