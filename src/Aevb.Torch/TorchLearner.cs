using Aevb.Inference;
using Aevb.Training;
using Aevb.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;
using EngineTensor = Aevb.Tensors.Tensor;
using Rng = Aevb.Tensors.Rng;

namespace Aevb.Torch;

/// <summary>
/// AEVB trained by TorchSharp inside the figure runs: a model from outside the library, plugged in through
/// <see cref="MethodRegistry"/> as any researcher's method would be (<see cref="Register"/>, then
/// <c>--method torch</c>). Estimator B with L = 1 on a <see cref="TorchVae"/> of the run's sizes, differentiated by
/// autograd, and Adagrad at the run's step size in TorchSharp operations (<see cref="AdagradStep"/>).
/// <para>
/// The loss is our engine's: <c>−(N/M) Σ_i L̃(x_i)</c> with weight decay λ (the N(0, I/λ) prior on the parameters),
/// the same update as the built-in <c>aevb</c> method's. (<see cref="TorchTraining.Train"/> descends the mean −L̃ with decay
/// 1/N instead: the same gradient divided by N, which Adagrad's g/√Σg² does not see, bar its ε.) The noise ε comes
/// from the run's own stream, so the run is as reproducible as the built-in methods.
/// </para>
/// <para>
/// The run's engine <see cref="RunLearner.Model"/> is what the harness evaluates and checkpoints, so after every
/// step the torch weights are copied into it: one copy of the parameters per step (about 0.3 M floats for Frey
/// Face, 0.8 M for MNIST at 500 hidden units), small beside the step's matrix products. A resumed run restores the
/// engine model and Adagrad's sums, and <see cref="RestoreMetadata"/> carries both back into TorchSharp (Adagrad's
/// step counter only scales a step-size decay, which is 0 here, so it is not saved).
/// </para>
/// </summary>
public sealed class TorchLearner : RunLearner
{
    /// <summary>The method's name in the registry, the run folders and <c>--method</c>.</summary>
    public const string MethodName = "torch";

    private static readonly Lazy<MethodDescription> s_method = new(() =>
    {
        var method = new MethodDescription(MethodName, "TorchSharp AEVB", "#8c564b", c => new TorchLearner(c));
        MethodRegistry.Register(method);
        return method;
    });

    private readonly TorchVae _torch;
    private readonly Tensor[] _parameters;
    private readonly Tensor[] _sumSquares;   // Adagrad's Σg², one per parameter, in TorchSharp
    private readonly float[][] _sums;        // the same as checkpoints read and write them
    // Every Scalar an update uses is made once and held here. TorchSharp 0.107 turns a double argument into a
    // temporary Scalar that nothing keeps alive, and the garbage collector can finalize it while the native call
    // still reads it: its own Adagrad (`grad.add(param, alpha: weight_decay)`) failed that way, now and then, in
    // LibTorch's Scalar::toFloat ("Expected false to be true").
    private readonly Scalar _one = 1f.ToScalar(), _epsilon = 1e-10f.ToScalar(), _weightDecay;
    private Scalar _minusLearningRate;
    private float[] _noise = [];

    public TorchLearner(LearnerContext context) : base(context.Model)
    {
        ArgumentNullException.ThrowIfNull(context);
        _torch = TorchVae.FromVae(context.Model);
        _parameters = _torch.parameters().Select(p => (Tensor)p).ToArray();
        _sumSquares = _parameters.Select(p => zeros_like(p)).ToArray();
        _sums = _parameters.Select(p => new float[p.numel()]).ToArray();
        _weightDecay = context.Settings.WeightDecay.ToScalar();
        _minusLearningRate = (-context.Settings.LearningRate).ToScalar();
    }

    /// <summary>The TorchSharp model being trained.</summary>
    public TorchVae TorchModel => _torch;

    /// <summary>Adds the method <c>torch</c> ("TorchSharp AEVB") to <see cref="MethodRegistry"/>, once; later calls
    /// return the same description.</summary>
    public static MethodDescription Register() => s_method.Value;

    public override double Step(EngineTensor batch, ReadOnlySpan<int> indices, float scale, Rng rng)
    {
        using var scope = NewDisposeScope();   // frees the step's tensors and autograd graph
        var latent = _torch.Config.LatentSize;
        if (_noise.Length != batch.Rows * latent) _noise = new float[batch.Rows * latent];
        rng.FillNormal(_noise);
        var x = tensor(batch.Data, [batch.Rows, batch.Cols]);
        var bounds = _torch.Bound(x, tensor(_noise, [batch.Rows, latent]), Estimator.B);
        var bound = bounds.mean().item<float>();
        if (!float.IsFinite(bound)) return bound;   // the run reports divergence; parameters stay untouched
        _torch.zero_grad();
        using (var minusScale = (-scale).ToScalar()) bounds.sum().mul(minusScale).backward();
        AdagradStep();
        _torch.CopyTo(Model);
        return bound;
    }

    /// <summary>
    /// TorchSharp's <c>Adagrad.step</c> with no step-size decay, operation for operation (so the same numbers):
    /// <c>g = ∇ + λθ</c>, <c>Σ += g·g</c>, <c>θ −= lr · g / (√Σ + 1e-10)</c>, with the Scalars held above.
    /// </summary>
    private void AdagradStep()
    {
        using var noGrad = no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            if (parameter.grad is not { } gradient) continue;
            using var g = gradient.add(parameter, alpha: _weightDecay);
            _sumSquares[i].addcmul_(g, g, value: _one);
            using var std = _sumSquares[i].sqrt().add_(_epsilon);
            parameter.addcdiv_(g, std, value: _minusLearningRate);
        }
    }

    public override void SetLearningRate(float rate)
    {
        var old = _minusLearningRate;
        _minusLearningRate = (-rate).ToScalar();
        old.Dispose();
    }

    /// <summary>Adagrad's sums of squares, one per TorchSharp parameter. Each buffer is a managed copy taken when
    /// asked for (a checkpoint reads it); a restore writes into the copies, and <see cref="RestoreMetadata"/>, which
    /// the checkpoint calls last, carries them back into TorchSharp.</summary>
    public override IEnumerable<(string Name, StateBuffer Buffer)> StateBuffers()
    {
        for (var i = 0; i < _sumSquares.Length; i++)
        {
            var index = i;
            yield return ($"optimizer.{i}", () =>
            {
                _sumSquares[index].data<float>().CopyTo(_sums[index]);
                return _sums[index];
            });
        }
    }

    /// <summary>After a checkpoint has restored the engine model and the sums: copies both into TorchSharp.</summary>
    public override void RestoreMetadata(SafeTensorsFile checkpoint)
    {
        _torch.CopyFrom(Model);
        using var noGrad = no_grad();
        for (var i = 0; i < _sumSquares.Length; i++)
        {
            using var source = tensor(_sums[i], _sumSquares[i].shape);
            _sumSquares[i].copy_(source);
        }
    }
}
