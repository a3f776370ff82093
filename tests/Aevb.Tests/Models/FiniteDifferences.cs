using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Tests.Models;

internal static class FiniteDifferences
{
    /// <summary>
    /// Asserts that every parameter gradient of <paramref name="model"/> (its <c>Grad</c>, already filled) matches
    /// float64 central differences of <paramref name="loss"/>, evaluated on <paramref name="reference"/>'s copy of
    /// the parameters, and that no parameter's gradients are all ~0 (the check would prove nothing).
    /// </summary>
    /// <param name="prefix">Only the parameters whose names start with it (e.g. <c>decoder.</c>).</param>
    public static void AssertGradients(
        Vae model, ReferenceVae reference, Func<double> loss, string label, string prefix = "")
    {
        const double h = 1e-6;
        foreach (var (name, p) in model.NamedParameters)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var values = reference.P[name];
            var largest = 0.0;
            for (var k = 0; k < values.Length; k++)
            {
                var saved = values[k];
                values[k] = saved + h;
                var up = loss();
                values[k] = saved - h;
                var down = loss();
                values[k] = saved;
                var fd = (up - down) / (2 * h);
                var g = p.Grad.Data[k];
                largest = Math.Max(largest, Math.Abs(fd));
                Assert.True(Math.Abs(g - fd) <= 2e-4 + 1e-3 * Math.Abs(fd),
                    $"{name}[{k}]: engine {g}, finite difference {fd} ({label})");
            }
            Assert.True(largest > 1e-3, $"{name}: all gradients are ~0, the check would prove nothing.");
        }
    }

    /// <summary>
    /// Asserts that <paramref name="dz"/>, the decoder's gradient of <paramref name="scale"/> · log p(x|z) with
    /// respect to each row of <paramref name="z"/>, matches float64 central differences of the reference.
    /// </summary>
    public static void AssertLatentGradient(Tensor dz, ReferenceVae reference, Tensor x, Tensor z, double scale)
    {
        const double h = 1e-6;
        for (var r = 0; r < z.Rows; r++)
        {
            var xr = ReferenceVae.Row(x, r);
            var zr = ReferenceVae.Row(z, r);
            for (var j = 0; j < zr.Length; j++)
            {
                var saved = zr[j];
                zr[j] = saved + h;
                var up = reference.LogLikelihood(xr, zr);
                zr[j] = saved - h;
                var down = reference.LogLikelihood(xr, zr);
                zr[j] = saved;
                var fd = scale * (up - down) / (2 * h);
                Assert.True(Math.Abs(dz[r, j] - fd) <= 2e-4 + 1e-3 * Math.Abs(fd),
                    $"dz[{r},{j}]: engine {dz[r, j]}, finite difference {fd}");
            }
        }
    }
}
