using Aevb.Inference;
using Aevb.Models;
using Aevb.Tests.Models;

namespace Aevb.Tests.Inference;

/// <summary>
/// Every parameter gradient of the SGVB estimators (encoder and decoder, both decoder kinds) against
/// float64 central differences of an independent float64 implementation of the bound, with the same fixed ε.
/// </summary>
public class GradientCheckTests
{
    [Theory]
    [InlineData(DecoderKind.Bernoulli, Estimator.B, 1)]
    [InlineData(DecoderKind.Bernoulli, Estimator.A, 1)]
    [InlineData(DecoderKind.Bernoulli, Estimator.B, 3)]
    [InlineData(DecoderKind.Bernoulli, Estimator.A, 3)]
    [InlineData(DecoderKind.Gaussian, Estimator.B, 1)]
    [InlineData(DecoderKind.Gaussian, Estimator.A, 1)]
    [InlineData(DecoderKind.Gaussian, Estimator.B, 2)]
    [InlineData(DecoderKind.Gaussian, Estimator.A, 2)]
    public void ParameterGradientsMatchFiniteDifferences(DecoderKind decoder, Estimator kind, int samples)
    {
        const int batch = 4;
        const float scale = 2.5f; // stands in for N/M
        var model = TestModels.Small(decoder);
        var x = TestModels.Data(batch, model.InputSize);
        var eps = TestModels.Normal(batch * samples, model.LatentSize);

        var estimator = new SgvbEstimator(model, kind, samples);
        model.ZeroGrad();
        estimator.Forward(x, eps);
        estimator.Backward(scale);

        var reference = new ReferenceVae(model);
        // The forward values agree too.
        for (var i = 0; i < batch; i++)
        {
            var expected = reference.Bound(ReferenceVae.Row(x, i),
                Enumerable.Range(0, samples).Select(l => ReferenceVae.Row(eps, i * samples + l)).ToArray(), kind);
            Assert.True(Math.Abs(estimator.Bounds[i] - expected) <= 1e-4 * (1 + Math.Abs(expected)), $"bound {i}: {estimator.Bounds[i]} vs {expected}");
        }

        double Loss() => -scale * reference.SumBound(x, eps, samples, kind);
        FiniteDifferences.AssertGradients(model, reference, Loss, $"{decoder}, {kind}, L={samples}");
    }
}
