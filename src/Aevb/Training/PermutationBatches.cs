using Aevb.Data;
using Aevb.Tensors;

namespace Aevb.Training;

/// <summary>
/// <see cref="Trainer"/>'s minibatches: one stream of epoch permutations from the seed's minibatch stream, never
/// reseeded, rows copied from a <see cref="Dataset"/> (binarized per minibatch when it asks for it), and one noise
/// stream for the whole run.
/// </summary>
internal sealed class PermutationBatches : IMinibatchSource
{
    private readonly Dataset _train;
    private readonly EpochPermutation _order;
    private readonly int[] _indices;
    private readonly Rng _binarize;

    public PermutationBatches(Dataset train, int batchSize, Rng order, Rng noise, Rng binarize)
    {
        _train = train;
        _order = new EpochPermutation(train.Count);
        _order.Reset(order);
        _indices = new int[batchSize];
        _binarize = binarize;
        Noise = noise;
        Batch = new Tensor(batchSize, train.Features);
    }

    public Tensor Batch { get; }

    public ReadOnlySpan<int> Indices => _indices;

    public Rng Noise { get; }

    public void Next()
    {
        for (var r = 0; r < _indices.Length; r++) _indices[r] = _order.Next();
        _train.CopyBatch(_indices, Batch.Span, _binarize);
    }
}
