using Aevb.Nn;
using Aevb.Tensors;

namespace Aevb.Optim;

/// <summary>
/// A first-order optimiser that, like PyTorch's, <b>minimises</b>: each <see cref="Step"/> moves every
/// parameter against its <c>Grad</c>. (The estimators in <c>Aevb.Inference</c> accumulate the gradient of
/// the loss <c>−bound</c>, so a step ascends the bound.)
/// </summary>
/// <remarks>
/// <para><see cref="WeightDecay"/> λ adds <c>λ·θ</c> to each gradient before the update. That is the gradient
/// of <c>−log p(θ)</c> for a Gaussian prior <c>N(0, 1/λ)</c> on every parameter, so λ = 1 gives the paper's
/// MAP estimate with a <c>N(0, I)</c> prior when the loss is the full-data bound (gradient scaled by N/M,
/// see <c>SgvbEstimator.FullDataScale</c>).</para>
/// <para>PyTorch's baseline (<c>bench/torch_vae.py</c>) instead minimises the mean over the batch,
/// <c>−(1/M) Σ L̃</c>, with <c>weight_decay = 1/N</c>. Its gradient is ours divided by N, and Adagrad and Adam
/// are invariant to a constant gradient scale (up to their tiny ε), so both follow the same trajectory.</para>
/// </remarks>
public abstract class Optimizer
{
    private readonly Parameter[] _parameters;
    private readonly UpdateBody[] _bodies;

    protected Optimizer(IEnumerable<Parameter> parameters, float learningRate, float weightDecay)
    {
        _parameters = parameters.ToArray();
        if (_parameters.Length == 0) throw new ArgumentException("The optimiser got no parameters.", nameof(parameters));
        if (!(learningRate > 0) || !float.IsFinite(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive.");
        if (!(weightDecay >= 0) || !float.IsFinite(weightDecay)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be zero or positive.");
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        _bodies = _parameters.Select((_, i) => new UpdateBody(this, i)).ToArray();
    }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The global step size.</summary>
    public float LearningRate { get; set; }

    /// <summary>λ in <c>grad += λ·θ</c>: the precision of a <c>N(0, 1/λ)</c> prior on the parameters (0: none).</summary>
    public float WeightDecay { get; set; }

    /// <summary>Number of <see cref="Step"/> calls so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// The optimiser's per-parameter state (Adagrad's sums of squares, Adam's moments), by name, as the live arrays:
    /// a checkpoint saves them and a resumed run copies them back (with <see cref="RestoreStepCount"/>).
    /// </summary>
    public virtual IReadOnlyList<(string Name, float[] Values)> State() => [];

    /// <summary>Sets <see cref="StepCount"/> when resuming from a checkpoint (Adam's bias correction depends on it).</summary>
    public void RestoreStepCount(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        StepCount = steps;
    }

    /// <summary>
    /// Updates every parameter from its current <c>Grad</c> (which is left as it is). Allocation-free; large
    /// parameters are split between the engine's threads (<see cref="Engine.ParallelFor"/>). The update is
    /// elementwise, so the result does not depend on how the range is split.
    /// </summary>
    public void Step()
    {
        StepCount++;
        for (var i = 0; i < _parameters.Length; i++)
        {
            // Reading Grad here, on the calling thread, does any deferred clearing before the threads share the update.
            _ = _parameters[i].Grad;
            Engine.ParallelFor(_parameters[i].Value.Length, _bodies[i], MinChunk);
        }
    }

    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.ZeroGrad();
    }

    /// <summary>
    /// Updates elements <c>[start, start + value.Length)</c> of parameter number <paramref name="index"/> in place;
    /// <paramref name="value"/> and <paramref name="grad"/> are those slices. Called concurrently for disjoint ranges.
    /// </summary>
    protected abstract void Update(int index, int start, Span<float> value, ReadOnlySpan<float> grad);

    /// <summary>Below this many elements per thread an update runs on the calling thread alone.</summary>
    private const int MinChunk = 64 * 1024;

    private sealed class UpdateBody(Optimizer optimizer, int index) : IRangeBody
    {
        public void Invoke(int start, int end)
        {
            var p = optimizer._parameters[index];
            optimizer.Update(index, start, p.Value.Data.AsSpan(start, end - start), p.Grad.Data.AsSpan(start, end - start));
        }
    }

    /// <summary>One state buffer per parameter, shaped like it, starting at zero.</summary>
    protected float[][] NewState() => _parameters.Select(p => new float[p.Value.Length]).ToArray();
}
