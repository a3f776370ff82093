using Aevb.Tensors;

namespace Aevb.Nn;

/// <summary>A trainable tensor and the gradient accumulated into it by <c>Backward</c>.</summary>
public sealed class Parameter
{
    public Parameter(int rows, int cols)
    {
        Value = new Tensor(rows, cols);
        Grad = new Tensor(rows, cols);
    }

    public Tensor Value { get; }
    public Tensor Grad { get; }

    /// <summary>Clears <see cref="Grad"/> (large gradients are cleared by all engine threads).</summary>
    public void ZeroGrad()
    {
        if (Grad.Length >= 2 * ParallelClearMin) Engine.ParallelFor(Grad.Length, _clear ??= new ClearBody(Grad.Data), ParallelClearMin);
        else Grad.Zero();
    }

    private const int ParallelClearMin = 64 * 1024;
    private ClearBody? _clear;

    private sealed class ClearBody(float[] data) : IRangeBody
    {
        public void Invoke(int start, int end) => Array.Clear(data, start, end - start);
    }

    public override string ToString() => $"Parameter[{Value.Rows}, {Value.Cols}]";
}
