using MathNet.Numerics.Distributions;
using Aevb.Tensors;

namespace Aevb.Models;

/// <summary>
/// The learned data manifold of a model with a 2-D latent space, as in the paper's Figure 4:
/// "linearly spaced coordinates on the unit square were transformed through the inverse CDF of the
/// Gaussian to produce values of the latent variables z", and each z is decoded to the decoder's mean.
/// </summary>
/// <remarks>
/// With <c>steps</c> points per axis the unit-square coordinates are the midpoints
/// <c>u_i = (i + ½) / steps</c>, so the grid never reaches 0 or 1, where Φ⁻¹ is infinite, and covers equal
/// prior mass per cell: each image stands for 1/steps² of the N(0, I) prior. Images are laid out as a
/// picture of the plane: column c has z₁ = Φ⁻¹(u_c) (increasing to the right), row r from the top has
/// z₂ = Φ⁻¹(u_{steps−1−r}) (increasing upwards).
/// </remarks>
public static class LatentManifold
{
    /// <summary>The per-axis latent coordinates <c>Φ⁻¹((i + ½) / steps)</c>, ascending and symmetric about 0.</summary>
    public static double[] Coordinates(int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), $"A manifold grid needs at least 2 steps per axis, got {steps}.");
        var c = new double[steps];
        for (var i = 0; i < steps; i++) c[i] = Normal.InvCDF(0, 1, (i + 0.5) / steps);
        // Exact symmetry (InvCDF is accurate to ~1e-15, which could leave a 0 as -1e-16).
        for (var i = 0; i < steps / 2; i++) c[steps - 1 - i] = -c[i];
        if (steps % 2 == 1) c[steps / 2] = 0;
        return c;
    }

    /// <summary>
    /// The latent points of the grid, <c>[steps², 2]</c>, in image order (row by row from the top,
    /// left to right): point <c>r·steps + c</c> is <c>(z₁, z₂) = (Coordinates[c], Coordinates[steps−1−r])</c>.
    /// </summary>
    public static Tensor Points(int steps)
    {
        var c = Coordinates(steps);
        var z = new Tensor(steps * steps, 2);
        for (var r = 0; r < steps; r++)
            for (var col = 0; col < steps; col++)
            {
                z[r * steps + col, 0] = (float)c[col];
                z[r * steps + col, 1] = (float)c[steps - 1 - r];
            }
        return z;
    }

    /// <summary>
    /// The decoder's mean at every grid point, <c>[steps², InputSize]</c> in the order of <see cref="Points"/>:
    /// pass it to <c>ImageGrid.FromBatch(result.Data, height, width, columns: steps)</c> to draw Figure 4.
    /// </summary>
    public static Tensor Decode(Vae model, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.LatentSize != 2)
            throw new ArgumentException($"The manifold grid needs a model with a 2-D latent space; this one is {model.Config}.", nameof(model));
        return model.Decode(Points(steps).Span);
    }
}
