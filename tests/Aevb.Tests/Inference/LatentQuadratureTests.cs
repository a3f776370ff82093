using Aevb.Inference;
using Aevb.Tensors;
using MathNet.Numerics.Distributions;

namespace Aevb.Tests.Inference;

public class LatentQuadratureTests
{
    private static readonly LinearGaussianModel OneLatent =
        new(new double[,] { { 1.5 }, { -0.8 }, { 0.6 } }, [0.5, -1.0, 0.2], 0.7);

    [Fact]
    public void TheFloat64JointIsBayesRuleInFloat64()
    {
        // log p(x, z) = log p(x) + log p(z | x), both exact (MathNet), for every z: far tighter than the float32 joint.
        var model = LinearGaussianModel.CreateRandom(8, 3, 0.5, new Rng(5));
        var x = model.Sample(1, new Rng(6)).X.Row(0).ToArray();
        var rng = new Rng(7);
        for (var t = 0; t < 5; t++)
        {
            double[] z = [2 * rng.NextGaussian(), 2 * rng.NextGaussian(), 2 * rng.NextGaussian()];
            Assert.Equal(model.LogMarginal(x) + model.PosteriorLogDensity(x, z), model.LogJoint(x, z), 9);
        }
    }

    [Fact]
    public void TheJointIsThePriorTimesTheLikelihoodWrittenOut()
    {
        float[] x = [0.3f, -1.2f, 0.9f];
        foreach (var z in new[] { -2.0, 0.0, 1.7 })
        {
            var expected = Normal.PDFLn(0, 1, z);
            for (var i = 0; i < 3; i++)
                expected += Normal.PDFLn(OneLatent.Weight[i, 0] * z + OneLatent.Bias[i], 0.7, x[i]);
            Assert.Equal(expected, OneLatent.LogJoint(x, [z]), 12);
        }
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-2.0, 0.2)]
    [InlineData(3.0, 0.1)]
    [InlineData(1.0, 2.5)]
    public void TheBoundByQuadratureIsTheClosedFormOfEquation3(double mean, double sd)
    {
        float[] x = [0.3f, -1.2f, 0.9f];
        var closedForm = OneLatent.Elbo(x, [mean], [2 * Math.Log(sd)]);
        Assert.Equal(closedForm, LatentQuadrature.Bound(OneLatent, x, mean, sd), 8);
    }

    [Fact]
    public void QuadratureNeedsOneLatentDimensionAndAPositiveSd()
    {
        var twoLatents = LinearGaussianModel.CreateRandom(4, 2, 0.5, new Rng(1));
        Assert.Throws<ArgumentException>(() => LatentQuadrature.Bound(twoLatents, new float[4], 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentQuadrature.Bound(OneLatent, new float[3], 0, 0));
        Assert.Throws<ArgumentException>(() => OneLatent.LogJoint(new float[3], [0.0, 1.0]));
    }
}
