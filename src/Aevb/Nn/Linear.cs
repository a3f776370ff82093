using Aevb.Tensors;

namespace Aevb.Nn;

/// <summary>
/// <c>y = x·Wᵀ + b</c> with <c>W</c> stored <c>[out, in]</c> like PyTorch's <c>nn.Linear</c>.
/// </summary>
public sealed class Linear : Module
{
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _gradInput;

    public Linear(int inFeatures, int outFeatures)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = new Parameter(outFeatures, inFeatures);
        Bias = new Parameter(1, outFeatures);
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }

    public override Tensor Forward(Tensor input)
    {
        if (input.Cols != InFeatures)
            throw new ArgumentException($"Linear({InFeatures}, {OutFeatures}) got input with {input.Cols} features.", nameof(input));
        _input = input;
        var output = Tensor.Ensure(ref _output, input.Rows, OutFeatures);
        Gemm.MatMulTransposeB(input, Weight.Value, output);
        Kernels.AddRowVector(output, Bias.Value.Data);
        return output;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("Backward called before Forward.");
        if (!gradOutput.HasShape(input.Rows, OutFeatures))
            throw new ArgumentException($"Linear({InFeatures}, {OutFeatures}) got gradOutput [{gradOutput.Rows}, {gradOutput.Cols}], expected [{input.Rows}, {OutFeatures}].", nameof(gradOutput));
        Gemm.MatMulTransposeA(gradOutput, input, Weight.Grad, accumulate: true);
        Kernels.AddColumnSums(gradOutput, Bias.Grad.Data);
        if (!RequiresInputGrad) return Tensor.Empty;
        var gradInput = Tensor.Ensure(ref _gradInput, gradOutput.Rows, InFeatures);
        Gemm.MatMul(gradOutput, Weight.Value, gradInput);
        return gradInput;
    }

    public override IEnumerable<(string, Parameter)> NamedParameters()
    {
        yield return ("weight", Weight);
        yield return ("bias", Bias);
    }

    public override string ToString() => $"Linear({InFeatures}, {OutFeatures})";
}
