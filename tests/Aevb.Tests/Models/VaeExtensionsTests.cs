using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Tests.Models;

public class VaeExtensionsTests
{
    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"value {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Theory]
    [InlineData(DecoderKind.Bernoulli, 1)]
    [InlineData(DecoderKind.Bernoulli, 137)]   // a padded last chunk
    [InlineData(DecoderKind.Gaussian, 200)]    // exactly two chunks
    public void EncodeReturnsThePosteriorMeansOfEveryRow(DecoderKind decoder, int rows)
    {
        var model = TestModels.Small(decoder);
        var x = TestModels.Data(rows, model.InputSize);
        var mu = model.Encode(x.Span);
        Assert.True(mu.HasShape(rows, model.LatentSize));
        var (expected, _) = model.Encoder.Forward(x);   // the whole batch at once
        AssertClose(expected.Span, mu.Span);
    }

    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void DecodeReturnsTheDecoderMeanOfEveryRow(DecoderKind decoder)
    {
        var model = TestModels.Small(decoder);
        var z = TestModels.Normal(250, model.LatentSize);
        var mean = model.Decode(z.Span);
        Assert.True(mean.HasShape(250, model.InputSize));
        AssertClose(model.Decoder.Forward(z).Span, mean.Span);
        Assert.All(mean.Data, v => Assert.InRange(v, 0f, 1f));   // both decoders' means are sigmoids
    }

    [Fact]
    public void ReconstructDecodesTheEncodedMeans()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var x = TestModels.Data(30, model.InputSize);
        var expected = model.Decode(model.Encode(x.Span).Span);
        Assert.Equal(expected.Data, model.Reconstruct(x.Span).Data);
    }

    [Fact]
    public void SampleDecodesStandardNormalDrawsFromTheGivenGenerator()
    {
        var model = TestModels.Small(DecoderKind.Gaussian);
        var samples = model.Sample(105, new Rng(42));
        Assert.True(samples.HasShape(105, model.InputSize));
        var z = new float[105 * model.LatentSize];
        new Rng(42).FillNormal(z);
        Assert.Equal(model.Decode(z).Data, samples.Data);
        Assert.Equal(samples.Data, model.Sample(105, new Rng(42)).Data);       // same seed, same samples
        Assert.NotEqual(samples.Data, model.Sample(105, new Rng(43)).Data);
    }

    [Fact]
    public void NothingTouchesTheGradients()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli);
        model.ZeroGrad();
        var x = TestModels.Data(12, model.InputSize);
        model.Reconstruct(x.Span);
        model.Sample(7, new Rng(1));
        Assert.All(model.Parameters, p => Assert.All(p.Grad.Data, g => Assert.Equal(0f, g)));
    }

    [Fact]
    public void RaggedInputNamesTheWidth()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli);   // input 6, latent 3
        var e = Assert.Throws<ArgumentException>(() => model.Encode(new float[10]));
        Assert.Contains("multiple of the model's 6", e.Message);
        Assert.Throws<ArgumentException>(() => model.Decode(new float[4]));
        Assert.Throws<ArgumentException>(() => model.Encode(ReadOnlySpan<float>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(0, new Rng(1)));
    }
}
