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
    // The weight packed for the forward product (W as op(B) = Wᵀ) and for the input gradient (W as is).
    private readonly PackedOperand _packedForward = new(), _packedInputGrad = new();

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

    /// <summary>
    /// While true, the forward and input-gradient products keep the weight packed between calls instead of
    /// packing it per call (bitwise the same results). Only for passes that leave the weight alone — HMC over z,
    /// evaluation — since a weight written meanwhile would not be seen; setting it, either way, drops the copies.
    /// </summary>
    public bool WeightsFrozen
    {
        get => _packedForward.Enabled;
        set => _packedForward.Enabled = _packedInputGrad.Enabled = value;
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Cols != InFeatures)
            throw new ArgumentException($"Linear({InFeatures}, {OutFeatures}) got input with {input.Cols} features.", nameof(input));
        _input = input;
        var output = Tensor.Ensure(ref _output, input.Rows, OutFeatures);
        Gemm.MatMulTransposeB(input, Weight.Value, output, packedB: _packedForward, bias: Bias.Value.Data);
        return output;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("Backward called before Forward.");
        if (!gradOutput.HasShape(input.Rows, OutFeatures))
            throw new ArgumentException($"Linear({InFeatures}, {OutFeatures}) got gradOutput [{gradOutput.Rows}, {gradOutput.Cols}], expected [{input.Rows}, {OutFeatures}].", nameof(gradOutput));
        // Straight after ZeroGrad the product writes the weight gradient instead of adding into cleared memory.
        var weightGrad = Weight.GradForOverwrite(out var overwrite);
        Gemm.MatMulTransposeA(gradOutput, input, weightGrad, accumulate: !overwrite);
        Kernels.AddColumnSums(gradOutput, Bias.Grad.Data);
        if (!RequiresInputGrad) return Tensor.Empty;
        var gradInput = Tensor.Ensure(ref _gradInput, gradOutput.Rows, InFeatures);
        InputGradient(gradOutput, gradInput);
        return gradInput;
    }

    /// <summary>
    /// Makes <paramref name="input"/> the input <see cref="Backward"/> reads in place of the last forward pass's: for a
    /// caller that has made the layer's state that of a forward pass on <paramref name="input"/> without running it.
    /// </summary>
    internal void RebindInput(Tensor input)
    {
        if (_input is null || !input.HasShape(_input.Rows, InFeatures))
            throw new ArgumentException($"Linear({InFeatures}, {OutFeatures}): the input to rebind does not match the last forward pass.", nameof(input));
        _input = input;
    }

    /// <summary><c>gradInput (+)= gradOutput·W</c> alone, without parameter gradients (w.r.t. z only).</summary>
    public void InputGradient(Tensor gradOutput, Tensor gradInput, bool accumulate = false)
        => Gemm.MatMul(gradOutput, Weight.Value, gradInput, accumulate, _packedInputGrad);

    public override IEnumerable<(string, Parameter)> NamedParameters()
    {
        yield return ("weight", Weight);
        yield return ("bias", Bias);
    }

    public override string ToString() => $"Linear({InFeatures}, {OutFeatures})";
}
