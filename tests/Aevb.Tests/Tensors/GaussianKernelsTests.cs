using Aevb.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Aevb.Tests.Tensors;

public class GaussianKernelsTests
{
    /// <summary>37 floats: the vector body and the scalar tail; 56,000: the Frey Face decoder's [100, 560].</summary>
    [Theory]
    [InlineData(37, 1f)]
    [InlineData(56_000, -50f)]
    public void OutputGradsAreTheBitsOfTheSeparatePassesItReplaces(int n, float scale)
    {
        var (x, mean, invVar) = Inputs(n);
        var (gm, glv) = (new float[n], new float[n]);
        GaussianKernels.OutputGrads(x, mean, invVar, scale, gm, glv);

        // The passes the Gaussian decoder ran before (issue #18): the fused pass must not change a bit.
        var diff = new float[n];
        var (gmOld, glvOld) = (new float[n], new float[n]);
        TensorPrimitives.Subtract(x, mean, diff);
        TensorPrimitives.Multiply(diff, invVar, gmOld);
        TensorPrimitives.Multiply(gmOld, diff, glvOld);
        TensorPrimitives.Subtract(glvOld, 1f, glvOld);
        TensorPrimitives.Multiply(glvOld, 0.5f * scale, glvOld);
        TensorPrimitives.Multiply(gmOld, scale, gmOld);
        Assert.True(gm.AsSpan().SequenceEqual(gmOld), "gradient w.r.t. the mean");
        Assert.True(glv.AsSpan().SequenceEqual(glvOld), "gradient w.r.t. log σ²");
    }

    [Fact]
    public void OutputGradsMatchAFloat64Reference()
    {
        const int n = 1003;
        const float scale = -3f;
        var (x, mean, invVar) = Inputs(n);
        var (gm, glv) = (new float[n], new float[n]);
        GaussianKernels.OutputGrads(x, mean, invVar, scale, gm, glv);
        for (var i = 0; i < n; i++)
        {
            double d = (double)x[i] - mean[i], g = d * invVar[i];
            var expectedMean = g * scale;
            var expectedLogVar = 0.5 * scale * (g * d - 1);
            // A few float roundings of a product, and of a difference whose terms may nearly cancel.
            Assert.True(Math.Abs(gm[i] - expectedMean) <= 1e-6 * Math.Abs(expectedMean) + 1e-30, $"gradMean[{i}]");
            Assert.True(Math.Abs(glv[i] - expectedLogVar) <= 1e-6 * (Math.Abs(0.5 * scale * g * d) + Math.Abs(0.5 * scale)),
                $"gradLogVar[{i}]");
        }
    }

    [Fact]
    public void OutputGradsRejectMismatchedLengths()
        => Assert.Throws<ArgumentException>(() => GaussianKernels.OutputGrads(new float[8], new float[8], new float[7], 1f,
            new float[8], new float[8]));

    private static (float[] X, float[] Mean, float[] InvVar) Inputs(int n)
    {
        var rng = new Rng(5);
        var (x, mean, logVar) = (new float[n], new float[n], new float[n]);
        rng.FillUniform(x);
        rng.FillUniform(mean);
        rng.FillNormal(logVar, -2f, 1.5f);
        var invVar = logVar.Select(v => MathF.Exp(-v)).ToArray();
        return (x, mean, invVar);
    }
}
