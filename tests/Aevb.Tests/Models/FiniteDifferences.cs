using Aevb.Models;

namespace Aevb.Tests.Models;

internal static class FiniteDifferences
{
    /// <summary>
    /// Asserts that every parameter gradient of <paramref name="model"/> (its <c>Grad</c>, already filled) matches
    /// float64 central differences of <paramref name="loss"/>, evaluated on <paramref name="reference"/>'s copy of
    /// the parameters, and that no parameter's gradients are all ~0 (the check would prove nothing).
    /// </summary>
    /// <param name="prefix">Only the parameters whose names start with it (e.g. <c>decoder.</c>).</param>
    public static void AssertGradients(Vae model, ReferenceVae reference, Func<double> loss, string label, string prefix = "")
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
}
