using Aevb.Data;
using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// The average lower bound per datapoint over a whole data set, as plotted in Figure 2: estimator B with
/// L = 1, in chunks of <see cref="ChunkSize"/> rows copied into one reused buffer (the last chunk is padded,
/// so the model's buffers keep one shape and nothing is allocated per chunk).
/// </summary>
public sealed class LowerBoundEvaluator
{
    private readonly IDatapointBounds _estimator;
    private readonly Tensor _chunk;

    public LowerBoundEvaluator(Vae model, int chunkSize = 100)
        : this(new SgvbEstimator(model, Estimator.B, samplesPerDatapoint: 1), model.InputSize, chunkSize)
    {
    }

    /// <summary>Averages another per-datapoint bound (the importance-weighted one) the same way.</summary>
    internal LowerBoundEvaluator(ImportanceWeightedBound bound, int chunkSize = 100)
        : this((IDatapointBounds)bound, bound.Model.InputSize, chunkSize)
    {
    }

    private LowerBoundEvaluator(IDatapointBounds estimator, int inputSize, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        _estimator = estimator;
        _chunk = new Tensor(chunkSize, inputSize);
    }

    public int ChunkSize => _chunk.Rows;

    /// <summary>The seed of <see cref="FixedNoiseBound"/>'s evaluation noise.</summary>
    public const ulong FixedNoiseSeed = 2014;

    /// <summary>
    /// The average bound over <paramref name="data"/> under fixed evaluation noise (one ε per datapoint from seed
    /// <see cref="FixedNoiseSeed"/>): the same parameters always give the same number, so models trained apart,
    /// reloaded from a checkpoint or copied from TorchSharp compare exactly (notebooks 03 and 06).
    /// </summary>
    public static double FixedNoiseBound(Vae model, Dataset data)
        => new LowerBoundEvaluator(model).Evaluate(data, new Rng(FixedNoiseSeed));

    /// <summary>
    /// Mean of the estimator-B bound over the rows of <paramref name="data"/> (<c>[N, input]</c> row-major),
    /// one ε per datapoint from <paramref name="rng"/>. Accumulates in double.
    /// </summary>
    public double Evaluate(ReadOnlySpan<float> data, Rng rng) => Evaluate(data, rng, binarize: false);

    /// <summary>
    /// As above over a <see cref="Dataset"/>; one flagged for dynamic binarization is scored on a fresh
    /// Bernoulli sample of each chunk (drawn from <paramref name="rng"/> before that chunk's ε).
    /// </summary>
    public double Evaluate(Dataset data, Rng rng) => Evaluate(data.X, rng, data.Binarization == Binarization.Dynamic);

    private double Evaluate(ReadOnlySpan<float> data, Rng rng, bool binarize)
    {
        var d = _chunk.Cols;
        if (data.Length == 0 || data.Length % d != 0)
            throw new ArgumentException($"Data has {data.Length} values, not a positive multiple of the model's input size {d}.", nameof(data));
        var n = data.Length / d;
        double total = 0;
        for (var start = 0; start < n; start += ChunkSize)
        {
            var rows = Math.Min(ChunkSize, n - start);
            data.Slice(start * d, rows * d).CopyTo(_chunk.Span);
            if (rows < ChunkSize) _chunk.Span[(rows * d)..].Clear();
            if (binarize) Binarizer.SampleInPlace(_chunk.Span[..(rows * d)], rng);
            _estimator.Forward(_chunk, rng);
            var bounds = _estimator.Bounds;
            for (var i = 0; i < rows; i++) total += bounds[i];
        }
        return total / n;
    }
}
