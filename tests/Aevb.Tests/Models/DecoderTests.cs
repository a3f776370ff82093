using Aevb.Models;
using Aevb.Tensors;
using Aevb.Tests.Models;

namespace Aevb.Tests.Models;

public class DecoderTests
{
    /// <summary>
    /// ForwardForLikelihood (the Bernoulli decoder skips the sigmoid until Backward needs it) gives the bits of
    /// Forward: the log-likelihood, the z-gradient, the parameter gradients, and the mean of a later Forward.
    /// </summary>
    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void ForwardForLikelihoodGivesTheBitsOfForward(DecoderKind kind)
    {
        var model = TestModels.Small(kind);
        var z = TestModels.Normal(7, model.LatentSize, seed: 5);
        var z2 = TestModels.Normal(7, model.LatentSize, seed: 6);
        var x = TestModels.Data(7, model.InputSize, seed: 8);
        (float[] LogLik, float[] Dz, float[] Grads, float[] Mean) Run(bool likelihoodOnly)
        {
            model.ZeroGrad();
            // A stale mean from another z first, so a skipped sigmoid would show.
            model.Decoder.Forward(z2);
            if (likelihoodOnly) model.Decoder.ForwardForLikelihood(z);
            else model.Decoder.Forward(z);
            var logLik = new float[z.Rows];
            model.Decoder.LogLikelihood(x, logLik);
            var dz = model.Decoder.Backward(x, -2f).Data.ToArray();
            var grads = model.Decoder.NamedParameters().SelectMany(p => p.Parameter.Grad.Data.ToArray()).ToArray();
            if (likelihoodOnly) model.Decoder.ForwardForLikelihood(z2);
            var mean = model.Decoder.Forward(z2).Data.ToArray();
            return (logLik, dz, grads, mean);
        }
        var full = Run(false);
        var lazy = Run(true);
        Assert.Equal(full.LogLik, lazy.LogLik);
        Assert.Equal(full.Dz, lazy.Dz);
        Assert.Equal(full.Grads, lazy.Grads);
        Assert.Equal(full.Mean, lazy.Mean);
    }

    /// <summary>
    /// With the weights frozen (kept packed between passes), passes over several z give the bits of unfrozen ones;
    /// the scope restores the previous state, nested or not, and a frozen decoder sees weights changed between scopes.
    /// </summary>
    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void FrozenWeightsGiveTheSameBits(DecoderKind kind)
    {
        var model = TestModels.Small(kind, input: 70, hidden: 30);
        var decoder = model.Decoder;
        var x = TestModels.Data(9, model.InputSize, seed: 8);
        var zs = Enumerable.Range(0, 3)
            .Select(i => TestModels.Normal(9, model.LatentSize, seed: (ulong)(20 + i))).ToArray();
        float[] Passes()
        {
            var logLik = new float[9];
            var result = new List<float>();
            foreach (var z in zs)
            {
                decoder.ForwardForLikelihood(z);
                decoder.LogLikelihood(x, logLik);
                result.AddRange(logLik);
                result.AddRange(decoder.Backward(x, 1f, parameterGrads: false).Data);
            }
            return result.ToArray();
        }
        for (var change = 0; change < 2; change++)
        {
            // Between the rounds the weights change (as an M-step would), outside any scope.
            if (change == 1)
                foreach (var (_, p) in decoder.NamedParameters()) p.Value.Span[0] += 0.25f;
            var expected = Passes();
            using (decoder.FreezeWeights())
            {
                Assert.True(decoder.WeightsFrozen);
                Assert.Equal(expected, Passes());
                using (decoder.FreezeWeights()) Assert.Equal(expected, Passes());
                Assert.True(decoder.WeightsFrozen);
            }
            Assert.False(decoder.WeightsFrozen);
        }
    }

    [Theory]
    [InlineData(DecoderKind.Bernoulli, true)]
    [InlineData(DecoderKind.Bernoulli, false)]
    [InlineData(DecoderKind.Gaussian, true)]
    [InlineData(DecoderKind.Gaussian, false)]
    public void GradientWithRespectToZMatchesFiniteDifferences(DecoderKind kind, bool parameterGrads)
    {
        const float scale = -1.5f;
        var model = TestModels.Small(kind);
        var z = TestModels.Normal(5, model.LatentSize, seed: 3);
        var x = TestModels.Data(5, model.InputSize, seed: 4);
        model.ZeroGrad();
        model.Decoder.Forward(z);
        var dz = model.Decoder.Backward(x, scale, parameterGrads).Clone();

        FiniteDifferences.AssertLatentGradient(dz, new ReferenceVae(model), x, z, scale);
        var touched = model.Decoder.NamedParameters().Any(p => p.Parameter.Grad.Data.Any(g => g != 0));
        Assert.Equal(parameterGrads, touched);
    }

    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void LogLikelihoodMatchesReference(DecoderKind kind)
    {
        var model = TestModels.Small(kind);
        var z = TestModels.Normal(7, model.LatentSize, seed: 5);
        var x = TestModels.Data(7, model.InputSize, seed: 6);
        model.Decoder.Forward(z);
        var logp = new float[7];
        model.Decoder.LogLikelihood(x, logp);
        var reference = new ReferenceVae(model);
        for (var r = 0; r < 7; r++)
        {
            var expected = reference.LogLikelihood(ReferenceVae.Row(x, r), ReferenceVae.Row(z, r));
            Assert.True(Math.Abs(logp[r] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"row {r}: {logp[r]} vs {expected}");
        }
    }

    [Fact]
    public void BernoulliLogLikelihoodIsStableForSaturatedLogits()
    {
        // Zero weights and biases of ±60 make σ(l) round to exactly 0 or 1 in float32 (and double):
        // the naive x log y + (1 − x) log(1 − y) would give −∞ or NaN.
        var model = new Vae(new VaeConfig(4, 3, 2));
        var decoder = (BernoulliMlpDecoder)model.Decoder;
        float[] bias = [60f, -60f, 60f, -60f];
        bias.CopyTo(decoder.Out.Bias.Value.Span);
        var x = Tensor.FromArray(new float[,] { { 1f, 0f, 0f, 1f }, { 0.5f, 0.5f, 0.25f, 0.75f } });
        model.Decoder.Forward(new Tensor(2, 2));
        var logp = new float[2];
        model.Decoder.LogLikelihood(x, logp);
        for (var r = 0; r < 2; r++)
        {
            double expected = 0;
            for (var d = 0; d < 4; d++)
            {
                double l = bias[d], softplus = Math.Max(l, 0) + Math.Log(1 + Math.Exp(-Math.Abs(l)));
                expected += x[r, d] * l - softplus;
            }
            Assert.True(float.IsFinite(logp[r]));
            Assert.Equal(expected, logp[r], 3);
        }
    }

    [Fact]
    public void ReconstructAndSampleGiveMeansInTheUnitInterval()
    {
        var model = TestModels.Small(DecoderKind.Gaussian);
        var x = TestModels.Data(3, model.InputSize);
        var mu = model.Encoder.Forward(x).Mu.Clone();
        var reconstruction = model.Reconstruct(x.Span);
        Assert.True(model.Decode(mu.Span).Span.SequenceEqual(reconstruction.Span));
        var samples = model.Sample(4, new Rng(1));
        Assert.Equal((4, model.InputSize), (samples.Rows, samples.Cols));
        Assert.All(samples.Data.Concat(reconstruction.Data), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void ParametersHaveStateDictNames()
    {
        string[] bernoulli = ["encoder.hidden.weight", "encoder.hidden.bias", "encoder.mu.weight", "encoder.mu.bias",
            "encoder.logvar.weight", "encoder.logvar.bias", "decoder.hidden.weight", "decoder.hidden.bias", "decoder.out.weight", "decoder.out.bias"];
        Assert.Equal(bernoulli, new Vae(new VaeConfig(784, 500, 20)).NamedParameters.Select(p => p.Name));
        var gaussian = new Vae(new VaeConfig(560, 200, 10, DecoderKind.Gaussian));
        Assert.Equal(bernoulli[..8].Concat(["decoder.mu.weight", "decoder.mu.bias", "decoder.logvar.weight", "decoder.logvar.bias"]),
            gaussian.NamedParameters.Select(p => p.Name));
        // nn.Linear layout: weight [out, in].
        var w = gaussian.GetParameter("decoder.mu.weight").Value;
        Assert.Equal((560, 200), (w.Rows, w.Cols));
        Assert.Equal(784L * 500 + 500 + 2 * (500 * 20 + 20) + 20 * 500 + 500 + 500 * 784 + 784, new Vae(new VaeConfig(784, 500, 20)).ParameterCount);
    }
}
