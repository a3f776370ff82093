using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Aevb.Inference;

/// <summary>
/// The wake-sleep algorithm (Hinton, Dayan, Frey &amp; Neal 1995) on the paper's model, the baseline of
/// Figures 2 and 3: the <see cref="Vae"/>'s encoder is the recognition model <c>q(z|x)</c>, its decoder the
/// generative model <c>p(x|z)</c> with prior <c>N(0, I)</c>. Each <see cref="Step"/> runs
/// <list type="bullet">
/// <item><b>wake</b>: <c>z ~ q(z|x)</c> for the minibatch, then one optimiser step of the generative parameters θ
/// up <c>log p(x, z)</c> (only <c>log p(x|z)</c> depends on θ);</item>
/// <item><b>sleep</b>: as many dreams <c>z ~ p(z)</c>, <c>x ~ p(x|z)</c> (binary pixels for the Bernoulli decoder,
/// <c>m + σε</c> for the Gaussian one), then one optimiser step of the recognition parameters φ up
/// <c>log q(z|x_dream)</c>.</item>
/// </list>
/// Unlike AEVB, the two halves optimise different objectives (the sleep phase fits q to the model's own
/// dreams, i.e. <c>KL(p‖q)</c> instead of <c>KL(q‖p)</c>), so nothing here maximises the lower bound; it is evaluated
/// with the same estimator as AEVB (<see cref="LowerBoundEvaluator"/>) for comparable curves.
/// <para>
/// Both halves use Adagrad (the paper's setting for every method) with the same step size and the same
/// <c>N(0, 1/λ)</c> parameter prior as AEVB, and the gradients are scaled by <c>N/M</c> like AEVB's.
/// <see cref="Step"/> allocates nothing once warm.
/// </para>
/// </summary>
public sealed class WakeSleep
{
    private readonly Vae _model;
    private Tensor? _eps, _z, _dream, _gradMu, _gradLogVar;
    private float[] _logLik = [];

    public WakeSleep(Vae model, float learningRate = Optim.Adagrad.DefaultLearningRate, float weightDecay = 1f, OptimizerKind optimizer = OptimizerKind.Adagrad)
    {
        _model = model;
        GenerativeOptimizer = Optimizers.Create(optimizer, model.Decoder.NamedParameters().Select(p => p.Parameter), learningRate, weightDecay);
        RecognitionOptimizer = Optimizers.Create(optimizer, model.Encoder.NamedParameters().Select(p => p.Parameter), learningRate, weightDecay);
    }

    public Vae Model => _model;

    /// <summary>Steps the decoder's parameters (wake phase).</summary>
    public Optimizer GenerativeOptimizer { get; }

    /// <summary>Steps the encoder's parameters (sleep phase).</summary>
    public Optimizer RecognitionOptimizer { get; }

    /// <summary>Mean <c>log p(x, z)</c>, <c>z ~ q(z|x)</c>, of the last wake phase (before its update).</summary>
    public float LastWakeObjective { get; private set; } = float.NaN;

    /// <summary>Mean <c>log q(z|x_dream)</c> of the last sleep phase (before its update).</summary>
    public float LastSleepObjective { get; private set; } = float.NaN;

    /// <summary>
    /// One wake phase on <paramref name="x"/> <c>[M, D]</c> and one sleep phase on M dreams.
    /// <paramref name="scale"/> multiplies the summed gradients (N/M for the full-data objective, as AEVB's).
    /// </summary>
    public void Step(Tensor x, float scale, Rng rng)
    {
        Wake(x, scale, rng);
        Sleep(x.Rows, scale, rng);
    }

    /// <summary>The wake phase alone; returns the mean <c>log p(x, z)</c> at the sampled z before the update.</summary>
    public float Wake(Tensor x, float scale, Rng rng)
    {
        if (x.Cols != _model.InputSize)
            throw new ArgumentException($"The model takes {_model.InputSize} inputs; the batch has {x.Cols} columns.", nameof(x));
        int m = x.Rows, nz = _model.LatentSize;
        var (mu, logVar) = _model.Encoder.Forward(x);
        var eps = Tensor.Ensure(ref _eps, m, nz);
        var z = Tensor.Ensure(ref _z, m, nz);
        rng.FillNormal(eps.Span);
        for (var i = 0; i < m; i++)
        {
            var zr = z.Row(i);
            TensorPrimitives.Multiply(logVar.Row(i), 0.5f, zr);
            TensorPrimitives.Exp(zr, zr);
            TensorPrimitives.FusedMultiplyAdd(zr, eps.Row(i), mu.Row(i), zr);
        }

        var decoder = _model.Decoder;
        decoder.ForwardForLikelihood(z);
        EnsureLogLik(m);
        decoder.LogLikelihood(x, _logLik);
        double total = 0;
        for (var i = 0; i < m; i++) total += _logLik[i] + GaussianMath.LogStandardNormal(z.Row(i));
        LastWakeObjective = (float)(total / m);

        GenerativeOptimizer.ZeroGrad();
        decoder.Backward(x, -scale); // the loss −scale·Σ log p(x|z); the prior term has no parameters
        GenerativeOptimizer.Step();
        return LastWakeObjective;
    }

    /// <summary>The sleep phase alone on <paramref name="count"/> dreams; returns the mean <c>log q(z|x_dream)</c> before the update.</summary>
    public float Sleep(int count, float scale, Rng rng)
    {
        int nz = _model.LatentSize;
        var z = Tensor.Ensure(ref _z, count, nz);
        rng.FillNormal(z.Span);
        var dream = Tensor.Ensure(ref _dream, count, _model.InputSize);
        Dream(z, dream, rng);

        LastSleepObjective = SleepGradient(z, dream, scale);
        RecognitionOptimizer.Step();
        return LastSleepObjective;
    }

    /// <summary>
    /// Sets the encoder's <c>Grad</c> to the gradient of <c>−scale · Σ_i log q(z_i | x_i)</c> and returns the mean
    /// <c>log q(z_i | x_i)</c>. The sleep phase's objective, separated for gradient checks.
    /// </summary>
    internal float SleepGradient(Tensor z, Tensor dream, float scale)
    {
        int count = z.Rows, nz = _model.LatentSize;
        var (mu, logVar) = _model.Encoder.Forward(dream);
        var gMu = Tensor.Ensure(ref _gradMu, count, nz);
        var gLv = Tensor.Ensure(ref _gradLogVar, count, nz);
        double total = 0;
        for (var i = 0; i < count; i++)
        {
            var zr = z.Row(i);
            var mr = mu.Row(i);
            var lr = logVar.Row(i);
            total += GaussianMath.LogNormal(zr, mr, lr);
            var gm = gMu.Row(i);
            var gv = gLv.Row(i);
            for (var j = 0; j < nz; j++)
            {
                // log q = −½ [log σ² + (z − μ)²/σ²] + const: ∂/∂μ = (z − μ)/σ², ∂/∂log σ² = ½ ((z − μ)²/σ² − 1).
                var invVar = MathF.Exp(-lr[j]);
                var diff = zr[j] - mr[j];
                gm[j] = -scale * diff * invVar;
                gv[j] = -scale * 0.5f * (diff * diff * invVar - 1f);
            }
        }
        RecognitionOptimizer.ZeroGrad();
        _model.Encoder.Backward(gMu, gLv);
        return (float)(total / count);
    }

    /// <summary>Samples <c>x ~ p(x|z)</c> row by row into <paramref name="x"/>.</summary>
    /// <summary>
    /// Dream the Bernoulli decoder's means (grey levels) instead of binary samples: an ablation for real-valued
    /// data such as our default MNIST, where binary dreams train the recognition model on inputs unlike the data
    /// it is applied to.
    /// </summary>
    public bool DreamMeans { get; set; }

    public void Dream(Tensor z, Tensor x, Rng rng)
    {
        var decoder = _model.Decoder;
        var mean = decoder.Forward(z);
        switch (decoder)
        {
            case BernoulliMlpDecoder when DreamMeans:
                mean.Span.CopyTo(x.Span);
                break;
            case BernoulliMlpDecoder:
                for (var i = 0; i < mean.Length; i++) x.Data[i] = rng.NextFloat() < mean.Data[i] ? 1f : 0f;
                break;
            case GaussianMlpDecoder gaussian:
                var logVar = gaussian.LogVariance;
                for (var i = 0; i < mean.Length; i++) x.Data[i] = mean.Data[i] + MathF.Exp(0.5f * logVar.Data[i]) * rng.NextGaussian();
                break;
            default:
                throw new NotSupportedException($"Wake-sleep cannot sample from a {decoder.GetType().Name}.");
        }
    }

    private void EnsureLogLik(int m)
    {
        if (_logLik.Length < m) _logLik = new float[m];
    }
}
