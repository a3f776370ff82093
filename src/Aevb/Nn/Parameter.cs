using Aevb.Tensors;

namespace Aevb.Nn;

/// <summary>A trainable tensor and the gradient accumulated into it by <c>Backward</c>.</summary>
public sealed class Parameter
{
    private readonly Tensor _grad;
    // ZeroGrad was called and nothing has been written since: the gradient reads as zeros, cleared when first read.
    private bool _zeroPending;

    public Parameter(int rows, int cols)
    {
        Value = new Tensor(rows, cols);
        _grad = new Tensor(rows, cols);
    }

    public Tensor Value { get; }

    /// <summary>The gradient (zeros after <see cref="ZeroGrad"/> until something adds into it).</summary>
    public Tensor Grad
    {
        get
        {
            if (_zeroPending) Clear();
            return _grad;
        }
    }

    /// <summary>
    /// Clears <see cref="Grad"/>. The clearing is deferred to the first read, and skipped by a layer that then writes
    /// the whole gradient without adding (<see cref="GradForOverwrite"/>): a weight gradient product overwrites instead
    /// of clearing a large tensor and reading it back (the same sums; 0 + g is g, up to the sign of a zero).
    /// </summary>
    public void ZeroGrad()
    {
        if (DeferZeroing) _zeroPending = true;
        else Clear();
    }

    /// <summary>
    /// The gradient tensor for a writer that adds into it, or, where <paramref name="overwrite"/> comes back true
    /// (it is due to be cleared), writes all of it without reading it first.
    /// </summary>
    internal Tensor GradForOverwrite(out bool overwrite)
    {
        overwrite = _zeroPending;
        _zeroPending = false;
        return _grad;
    }

    /// <summary>Whether <see cref="ZeroGrad"/> defers the clearing (benchmarks compare both; the same results).</summary>
    internal static bool DeferZeroing { get; set; } = true;

    /// <summary>Clears the gradient now (large gradients are cleared by all engine threads).</summary>
    private void Clear()
    {
        _zeroPending = false;
        if (_grad.Length >= 2 * ParallelClearMin) Engine.ParallelFor(_grad.Length, _clear ??= new ClearBody(_grad.Data), ParallelClearMin);
        else _grad.Zero();
    }

    private const int ParallelClearMin = 64 * 1024;
    private ClearBody? _clear;

    private sealed class ClearBody(float[] data) : IRangeBody
    {
        public void Invoke(int start, int end) => Array.Clear(data, start, end - start);
    }

    public override string ToString() => $"Parameter[{Value.Rows}, {Value.Cols}]";
}
