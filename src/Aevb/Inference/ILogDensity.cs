using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// A batch of (unnormalised) log-densities over <c>z ∈ ℝᵈ</c>, one per row: row <c>i</c> of
/// <c>z</c> is evaluated under target <c>i</c> (for a posterior, the one of datapoint <c>i</c>).
/// This is all <see cref="Hmc"/> needs: the value, for the accept step, and the gradient, for the
/// leapfrog integrator. Additive constants do not matter to HMC, but the marginal-likelihood
/// estimators rely on them, so posteriors return the full <c>log p(x, z)</c>.
/// </summary>
public interface ILogDensity
{
    /// <summary>Dimension <c>d</c> of <c>z</c>.</summary>
    int Dim { get; }

    /// <summary>
    /// Writes <c>log π_i(z_i)</c> into <paramref name="logProb"/>[i] and <c>∇z log π_i(z_i)</c> into row
    /// <c>i</c> of <paramref name="grad"/> (<c>[rows, Dim]</c>, same shape as <paramref name="z"/>).
    /// Must not keep references to <paramref name="z"/> or <paramref name="grad"/>.
    /// </summary>
    void LogProbAndGrad(Tensor z, Span<float> logProb, Tensor grad);

    /// <summary>
    /// Writes <c>∇z log π_i(z_i)</c> into row <c>i</c> of <paramref name="grad"/>, bitwise as <see cref="LogProbAndGrad"/>
    /// would; the value is not needed (the inner leapfrog steps of <see cref="Hmc"/>). <paramref name="scratch"/>
    /// (one slot per row) may be overwritten with anything. The default computes the value too.
    /// </summary>
    void Gradient(Tensor z, Span<float> scratch, Tensor grad) => LogProbAndGrad(z, scratch, grad);
}
