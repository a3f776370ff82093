using Aevb.Tensors;

namespace Aevb.Training;

/// <summary>
/// Where a <see cref="TrainingLoop"/> gets its minibatches (a DataLoader, in PyTorch's words): the rows, which
/// training points they are, and the noise stream the method draws from. <c>aevb train</c> walks one permutation per
/// epoch (<see cref="PermutationBatches"/>); figure runs reseed theirs at checkpoints (<c>Runs.MinibatchStream</c>).
/// </summary>
public interface IMinibatchSource
{
    /// <summary>The current minibatch, <c>[M, D]</c> (a reused buffer: no allocation per step).</summary>
    Tensor Batch { get; }

    /// <summary>Which training rows <see cref="Batch"/> holds.</summary>
    ReadOnlySpan<int> Indices { get; }

    /// <summary>The noise stream (ε, chains) for the step on <see cref="Batch"/>.</summary>
    Rng Noise { get; }

    /// <summary>Fills <see cref="Batch"/> and <see cref="Indices"/> with the next minibatch.</summary>
    void Next();
}
