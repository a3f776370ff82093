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

    public void ZeroGrad() => Grad.Zero();

    public override string ToString() => $"Parameter[{Value.Rows}, {Value.Cols}]";
}
