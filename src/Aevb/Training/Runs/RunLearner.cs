using System.Runtime.InteropServices;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>A writable view of one state buffer (optimiser sums, chain states) for checkpoints.</summary>
public delegate Span<float> StateBuffer();

/// <summary>
/// One method's training state behind a common step (public: a learner from another assembly registers in
/// <see cref="MethodRegistry"/>): a <see cref="Vae"/> (for MCEM only its decoder learns; the
/// encoder is kept so that every run's checkpoint has the same format), the optimiser state, and for MCEM the
/// chains. Checkpoints save <see cref="StateBuffers"/> beside the model's parameters.
/// </summary>
public abstract class RunLearner
{
    protected RunLearner(Vae model) => Model = model;

    public Vae Model { get; }

    /// <summary>Whether the model's encoder is trained (and so its lower bound and the importance-sampled estimate mean something).</summary>
    public virtual bool HasEncoder => true;

    /// <summary>One update on a minibatch whose rows are training points <paramref name="indices"/>; returns its training objective.</summary>
    public abstract double Step(Tensor batch, ReadOnlySpan<int> indices, float scale, Rng rng);

    /// <summary>Sets the global step size of every optimiser (for annealing).</summary>
    public abstract void SetLearningRate(float rate);

    /// <summary>Named buffers that, with the parameters, make the state resumable.</summary>
    public abstract IEnumerable<(string Name, StateBuffer Buffer)> StateBuffers();

    /// <summary>Scalars to checkpoint (e.g. MCEM's step size).</summary>
    public virtual IReadOnlyDictionary<string, string> StateMetadata() => new Dictionary<string, string>();

    public virtual void RestoreMetadata(SafeTensorsFile checkpoint) { }

    /// <summary>The learner of <paramref name="settings"/>' method (<see cref="MethodRegistry"/>).</summary>
    public static RunLearner Create(RunSettings settings, Vae model, int trainCount, Rng rng)
        => MethodRegistry.Get(settings.Method).CreateLearner(new LearnerContext(settings, model, trainCount, rng));

    /// <summary>
    /// Any optimiser's state for a checkpoint: Adagrad's under the names figure runs have always written
    /// (<see cref="AdagradState"/>), others (Adam's moments, <c>aevb train --optimizer adam</c>) under their own
    /// names (<see cref="Optimizer.State"/>, live arrays).
    /// </summary>
    protected static IEnumerable<(string, StateBuffer)> OptimizerState(string prefix, Optimizer optimizer)
        => optimizer is Adagrad
            ? AdagradState(prefix, optimizer)
            : optimizer.State().Select(s => ($"{prefix}.{s.Name}", (StateBuffer)(() => s.Values)));

    /// <summary>
    /// Adagrad's running sums of squares, writable. The optimiser exposes them read-only, but a resumed run must
    /// restore them (or Adagrad restarts with large steps), so the checkpoint writes through to the same memory.
    /// </summary>
    protected static IEnumerable<(string, StateBuffer)> AdagradState(string prefix, Optimizer optimizer)
    {
        if (optimizer is not Adagrad adagrad) throw new NotSupportedException("Figure runs checkpoint Adagrad only.");
        for (var i = 0; i < adagrad.Parameters.Count; i++)
        {
            var index = i;
            yield return ($"{prefix}.{i}", () =>
            {
                var sums = adagrad.SumOfSquares(index);
                return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(sums), sums.Length);
            });
        }
    }
}
