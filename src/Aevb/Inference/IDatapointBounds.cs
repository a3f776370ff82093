using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// A bound estimated per datapoint of a batch, so that <see cref="LowerBoundEvaluator"/> can average it over a
/// data set.
/// </summary>
internal interface IDatapointBounds
{
    /// <summary>The bound for each row of <paramref name="x"/> with fresh noise; returns the batch mean.</summary>
    float Forward(Tensor x, Rng rng);

    /// <summary>The per-datapoint values of the last <see cref="Forward"/>.</summary>
    ReadOnlySpan<float> Bounds { get; }
}
