using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// A generative model <c>p(x, z) = p(z) p(x|z)</c> evaluated row by row: row <c>i</c> pairs datapoint
/// <c>x_i</c> with latent <c>z_i</c>. The baselines (HMC, Monte Carlo EM, the marginal-likelihood
/// estimators) only need this and, for the importance-sampled estimate, an <see cref="IGaussianEncoder"/>;
/// that keeps them usable with the VAE's decoder and with the exact <see cref="LinearGaussianModel"/>.
/// </summary>
public interface ILatentVariableModel
{
    /// <summary>Size <c>D</c> of a datapoint.</summary>
    int InputDim { get; }

    /// <summary>Size <c>d</c> of the latent variable.</summary>
    int LatentDim { get; }

    /// <summary>
    /// <c>logJoint[i] = log p(z_i) + log p(x_i | z_i)</c>, normalised (the marginal-likelihood estimators need
    /// the constants). When <paramref name="gradZ"/> is given, row <c>i</c> receives <c>∇z</c> of that.
    /// <paramref name="x"/> is <c>[n, InputDim]</c>, <paramref name="z"/> and <paramref name="gradZ"/> <c>[n, LatentDim]</c>.
    /// </summary>
    void LogJoint(Tensor x, Tensor z, Span<float> logJoint, Tensor? gradZ);

    /// <summary>
    /// Only the gradient of <see cref="LogJoint"/> (bitwise the same), for callers that do not need the value;
    /// <paramref name="scratch"/> (one slot per row) may be overwritten. The default computes the value too.
    /// </summary>
    void LogJointGradient(Tensor x, Tensor z, Span<float> scratch, Tensor gradZ) => LogJoint(x, z, scratch, gradZ);
}

/// <summary>
/// A recognition model <c>q(z|x) = N(μ(x), diag σ²(x))</c>, as the paper's Gaussian MLP encoder:
/// the proposal of the importance-sampled marginal likelihood.
/// </summary>
public interface IGaussianEncoder
{
    int InputDim { get; }

    int LatentDim { get; }

    /// <summary>Writes <c>μ(x_i)</c> and <c>log σ²(x_i)</c> into row <c>i</c> of <paramref name="mu"/> and <paramref name="logVar"/>.</summary>
    void Encode(Tensor x, Tensor mu, Tensor logVar);
}
