using Aevb.Models;
using Aevb.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Aevb.Inference;

/// <summary>
/// The generative half of the paper's model as an <see cref="ILatentVariableModel"/>: prior <c>N(0, I)</c> and a
/// <see cref="Decoder"/> <c>p(x|z)</c>, so <c>log p(x, z) = log N(z; 0, I) + log p(x|z)</c> and
/// <c>∇z log p(x, z) = −z + ∇z log p(x|z)</c> (the decoder's backward pass with <c>parameterGrads: false</c>, so HMC
/// never touches the parameters' gradients). Uses the decoder's buffers: not to be interleaved with a training
/// step's forward/backward on the same decoder.
/// </summary>
public sealed class DecoderLatentModel(Decoder decoder) : ILatentVariableModel
{
    public Decoder Decoder { get; } = decoder;

    public int InputDim => Decoder.OutputSize;

    public int LatentDim => Decoder.LatentSize;

    public void LogJoint(Tensor x, Tensor z, Span<float> logJoint, Tensor? gradZ)
    {
        Decoder.ForwardForLikelihood(z);
        Decoder.LogLikelihood(x, logJoint);
        for (var i = 0; i < z.Rows; i++) logJoint[i] += GaussianMath.LogStandardNormal(z.Row(i));
        if (gradZ is null) return;
        var dz = Decoder.Backward(x, 1f, parameterGrads: false);
        TensorPrimitives.Subtract(dz.Data, z.Data, gradZ.Data);
    }

    /// <summary>
    /// <see cref="LogJoint(Tensor, Tensor, Span{float}, Tensor?)"/> without the gradient, for one datapoint
    /// <paramref name="x"/> against every row of <paramref name="z"/>: the same bits as x copied into every row.
    /// </summary>
    public void LogJoint(ReadOnlySpan<float> x, Tensor z, Span<float> logJoint)
    {
        Decoder.ForwardForLikelihood(z);
        Decoder.LogLikelihood(x, z.Rows, logJoint);
        for (var i = 0; i < z.Rows; i++) logJoint[i] += GaussianMath.LogStandardNormal(z.Row(i));
    }

    /// <summary>The gradient alone: the decoder's forward and backward passes without its log-likelihood (which the gradient does not read).</summary>
    public void LogJointGradient(Tensor x, Tensor z, Span<float> scratch, Tensor gradZ)
    {
        Decoder.ForwardForLikelihood(z);
        var dz = Decoder.Backward(x, 1f, parameterGrads: false);
        TensorPrimitives.Subtract(dz.Data, z.Data, gradZ.Data);
    }
}

/// <summary>The VAE's recognition model <see cref="GaussianMlpEncoder"/> as an importance-sampling proposal.</summary>
public sealed class EncoderProposal(GaussianMlpEncoder encoder) : IGaussianEncoder
{
    public GaussianMlpEncoder Encoder { get; } = encoder;

    public int InputDim => Encoder.InputSize;

    public int LatentDim => Encoder.LatentSize;

    public void Encode(Tensor x, Tensor mu, Tensor logVar)
    {
        var (m, lv) = Encoder.Forward(x);
        mu.CopyFrom(m);
        logVar.CopyFrom(lv);
    }
}
