using Aevb.Tensors;

namespace Aevb.Nn;

/// <summary><c>y = tanh(x)</c>; backward uses <c>1 − y²</c> from the saved output.</summary>
public sealed class Tanh : Module
{
    private Tensor? _output;
    private Tensor? _gradInput;

    public override Tensor Forward(Tensor input)
    {
        var output = Tensor.Ensure(ref _output, input.Rows, input.Cols);
        Kernels.Tanh(input.Data, output.Data);
        return output;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        var y = _output ?? throw new InvalidOperationException("Backward called before Forward.");
        var gradInput = Tensor.Ensure(ref _gradInput, y.Rows, y.Cols);
        Kernels.TanhBackward(y.Data, gradOutput.Data, gradInput.Data);
        return gradInput;
    }

    public override string ToString() => "Tanh()";
}
