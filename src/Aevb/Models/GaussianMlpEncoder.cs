using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Aevb.Nn;
using Aevb.Tensors;

namespace Aevb.Models;

/// <summary>
/// The recognition model q(z|x) = N(μ, diag σ²) of Appendix C.2:
/// <c>h = tanh(W·x + b)</c>, <c>μ = W·h + b</c>, <c>log σ² = W·h + b</c>.
/// Parameters are named <c>hidden.*</c>, <c>mu.*</c>, <c>logvar.*</c> (prefixed <c>encoder.</c> in a <see cref="Vae"/>).
/// </summary>
public sealed class GaussianMlpEncoder
{
    private readonly Tanh _tanh = new();
    private Tensor? _gradH;

    public GaussianMlpEncoder(int inputSize, int hiddenSize, int latentSize)
    {
        // The data never needs a gradient, which saves the largest product of the backward pass.
        Hidden = new Linear(inputSize, hiddenSize) { RequiresInputGrad = false };
        Mu = new Linear(hiddenSize, latentSize);
        LogVar = new Linear(hiddenSize, latentSize);
    }

    public Linear Hidden { get; }
    public Linear Mu { get; }
    public Linear LogVar { get; }
    public int InputSize => Hidden.InFeatures;
    public int LatentSize => Mu.OutFeatures;

    /// <summary>Returns μ and log σ², each <c>[batch, latent]</c> (the layers' own buffers, reused next call).</summary>
    public (Tensor Mu, Tensor LogVar) Forward(Tensor x)
    {
        var h = _tanh.Forward(Hidden.Forward(x));
        return (Mu.Forward(h), LogVar.Forward(h));
    }

    /// <summary>Accumulates parameter gradients given the gradients of the objective w.r.t. μ and log σ².</summary>
    public void Backward(Tensor gradMu, Tensor gradLogVar)
    {
        var fromMu = Mu.Backward(gradMu);
        var fromLogVar = LogVar.Backward(gradLogVar);
        var gradH = Tensor.Ensure(ref _gradH, fromMu.Rows, fromMu.Cols);
        TensorPrimitives.Add(fromMu.Data, fromLogVar.Data, gradH.Data);
        Hidden.Backward(_tanh.Backward(gradH));
    }

    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        yield return ("hidden.weight", Hidden.Weight);
        yield return ("hidden.bias", Hidden.Bias);
        yield return ("mu.weight", Mu.Weight);
        yield return ("mu.bias", Mu.Bias);
        yield return ("logvar.weight", LogVar.Weight);
        yield return ("logvar.bias", LogVar.Bias);
    }
}
