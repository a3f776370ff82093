using Aevb.Tensors;

namespace Aevb.Nn;

/// <summary><c>y = 1 / (1 + e⁻ˣ)</c>; backward uses <c>y (1 − y)</c> from the saved output.</summary>
public sealed class Sigmoid : Module
{
    private Tensor? _output;
    private Tensor? _gradInput;

    public override Tensor Forward(Tensor input)
    {
        var output = Tensor.Ensure(ref _output, input.Rows, input.Cols);
        Kernels.Sigmoid(input.Data, output.Data);
        return output;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        var y = _output ?? throw new InvalidOperationException("Backward called before Forward.");
        var gradInput = Tensor.Ensure(ref _gradInput, y.Rows, y.Cols);
        Kernels.SigmoidBackward(y.Data, gradOutput.Data, gradInput.Data);
        return gradInput;
    }

    public override string ToString() => "Sigmoid()";
}
