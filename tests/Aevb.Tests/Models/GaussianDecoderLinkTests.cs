using Aevb.Models;

namespace Aevb.Tests.Models;

/// <summary>
/// The Gaussian decoder's ablation links (a linear mean, a softplus variance) against the float64 reference: the
/// log-likelihood, and the gradients with respect to every parameter and to z by central differences.
/// </summary>
public class GaussianDecoderLinkTests
{
    [Theory]
    [InlineData(GaussianMean.Linear, GaussianVariance.Logvar)]
    [InlineData(GaussianMean.Sigmoid, GaussianVariance.Softplus)]
    [InlineData(GaussianMean.Linear, GaussianVariance.Softplus)]
    public void LogLikelihoodAndGradientsMatchTheReference(GaussianMean mean, GaussianVariance variance)
    {
        const float scale = -1.5f;
        var (model, decoder) = Model(mean, variance);
        var z = TestModels.Normal(5, model.LatentSize, seed: 3);
        var x = TestModels.Data(5, model.InputSize, seed: 4);
        model.ZeroGrad();
        decoder.Forward(z);
        var logp = new float[5];
        decoder.LogLikelihood(x, logp);
        var dz = decoder.Backward(x, scale).Clone();

        var reference = new ReferenceVae(model);
        double Loss() => Enumerable.Range(0, 5)
            .Sum(r => scale * reference.LogLikelihood(ReferenceVae.Row(x, r), ReferenceVae.Row(z, r)));
        for (var r = 0; r < 5; r++)
        {
            var expected = reference.LogLikelihood(ReferenceVae.Row(x, r), ReferenceVae.Row(z, r));
            Assert.True(Math.Abs(logp[r] - expected) <= 1e-5 * (1 + Math.Abs(expected)),
                $"row {r}: {logp[r]} vs {expected}");
        }
        FiniteDifferences.AssertGradients(model, reference, Loss, $"{mean}, {variance}", prefix: "decoder.");
        FiniteDifferences.AssertLatentGradient(dz, reference, x, z, scale);
    }

    /// <summary>Far below zero the softplus variance is eᵃ: log σ² is a itself (no underflow to −∞), its gradient
    /// that of the log σ² link.</summary>
    [Fact]
    public void SoftplusVarianceIsTheLogVarianceFarBelowZero()
    {
        var (softplus, a) = Model(GaussianMean.Sigmoid, GaussianVariance.Softplus);
        var (logvar, b) = Model(GaussianMean.Sigmoid, GaussianVariance.Logvar);
        foreach (var d in new[] { a, b })
        {
            d.LogVar.Weight.Value.Span.Clear();
            d.LogVar.Bias.Value.Span.Fill(-40f);
        }
        var z = TestModels.Normal(2, softplus.LatentSize, seed: 3);
        var x = TestModels.Data(2, softplus.InputSize, seed: 4);
        a.Forward(z);
        b.Forward(z);
        Assert.All(a.LogVariance.Data, v => Assert.Equal(-40f, v));
        Assert.Equal(b.Backward(x, 1f).Data, a.Backward(x, 1f).Data);
    }

    private static (Vae Model, GaussianMlpDecoder Decoder) Model(GaussianMean mean, GaussianVariance variance)
    {
        var model = TestModels.Small(DecoderKind.Gaussian);
        var decoder = (GaussianMlpDecoder)model.Decoder;
        decoder.MeanOutput = mean;
        decoder.VarianceOutput = variance;
        return (model, decoder);
    }
}
