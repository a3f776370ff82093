using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Aevb.Inference;

/// <summary>
/// The bound of eq. 2 computed from the joint density alone, by numerical integration over a one-dimensional latent:
/// an independent check of the closed form of eq. 3 (<see cref="LinearGaussianModel.Elbo"/>) in notebook 01.
/// </summary>
public static class LatentQuadrature
{
    /// <summary>
    /// <c>L = ∫ q(z) [log p(x, z) − log q(z)] dz</c> for <c>q = N(mean, sd²)</c> and a model with one latent dimension,
    /// by adaptive Gauss–Kronrod over mean ± 12 sd: outside that the integrand is below double precision's reach.
    /// </summary>
    public static double Bound(LinearGaussianModel model, float[] x, double mean, double sd)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.LatentDim != 1)
            throw new ArgumentException(
                $"Quadrature over z needs one latent dimension; the model has {model.LatentDim}.", nameof(model));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sd);
        return Integrate.GaussKronrod(
            z => Normal.PDF(mean, sd, z) * (model.LogJoint(x, [z]) - Normal.PDFLn(mean, sd, z)),
            mean - 12 * sd, mean + 12 * sd, out _, out _, 1e-12);
    }
}
