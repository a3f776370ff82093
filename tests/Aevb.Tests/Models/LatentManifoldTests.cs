using Aevb.Models;
using Aevb.Tensors;
using MathNet.Numerics.Distributions;

namespace Aevb.Tests.Models;

public class LatentManifoldTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(15)]
    [InlineData(20)]
    public void CoordinatesAreTheInverseNormalCdfOfMidpoints(int steps)
    {
        var c = LatentManifold.Coordinates(steps);
        Assert.Equal(steps, c.Length);
        for (var i = 0; i < steps; i++)
        {
            Assert.Equal((i + 0.5) / steps, Normal.CDF(0, 1, c[i]), 12);
            Assert.Equal(-c[i], c[steps - 1 - i]);                     // exactly symmetric
            if (i > 0) Assert.True(c[i] > c[i - 1]);
        }
        if (steps % 2 == 1) Assert.Equal(0.0, c[steps / 2]);
    }

    [Fact]
    public void TwentyStepsSpanTheCentral95Percent()
    {
        var c = LatentManifold.Coordinates(20);
        Assert.Equal(-1.959964, c[0], 5);   // Φ⁻¹(0.025)
        Assert.Equal(1.959964, c[^1], 5);
    }

    [Fact]
    public void PointsAreLaidOutAsAPictureOfThePlane()
    {
        const int n = 4;
        var c = LatentManifold.Coordinates(n);
        var z = LatentManifold.Points(n);
        Assert.True(z.HasShape(n * n, 2));
        for (var r = 0; r < n; r++)
            for (var col = 0; col < n; col++)
            {
                Assert.Equal((float)c[col], z[r * n + col, 0]);           // z₁ grows to the right
                Assert.Equal((float)c[n - 1 - r], z[r * n + col, 1]);     // z₂ grows upwards (top row highest)
            }
    }

    [Fact]
    public void DecodeShowsTheDecoderMeanAtEveryGridPoint()
    {
        var model = Vae.Create(new VaeConfig(6, 5, 2, DecoderKind.Gaussian), 0.5f, new Rng(3));
        var images = LatentManifold.Decode(model, 11);
        Assert.True(images.HasShape(121, 6));
        Assert.Equal(model.Decode(LatentManifold.Points(11).Span).Data, images.Data);
        // The images differ across the grid: the decoder is not constant.
        Assert.NotEqual(images.Row(0).ToArray(), images.Row(120).ToArray());
    }

    [Fact]
    public void OnlyTwoDimensionalLatentSpacesHaveAManifoldGrid()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli, latent: 3);
        var e = Assert.Throws<ArgumentException>(() => LatentManifold.Decode(model, 10));
        Assert.Contains("2-D latent space", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentManifold.Coordinates(1));
    }
}
