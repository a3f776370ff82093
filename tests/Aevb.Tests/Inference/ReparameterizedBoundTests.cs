using Aevb.Inference;
using Aevb.Tensors;

namespace Aevb.Tests.Inference;

public class ReparameterizedBoundTests
{
    private static readonly LinearGaussianModel Model = LinearGaussianModel.CreateRandom(5, 2, 0.8, new Rng(11));
    private static readonly double[] Mu = [0.4, -0.9];
    private static readonly double[] LogVar = [-0.7, 0.2];

    private static float[] Datapoint() => Model.Sample(1, new Rng(12)).X.Row(0).ToArray();

    /// <summary>Central differences of the exact (closed-form, float64) ELBO.</summary>
    private static double[] ExactGradient(float[] x, bool wrtMu)
    {
        const double h = 1e-5;
        var grad = new double[2];
        for (var j = 0; j < 2; j++)
        {
            double[] mu = (double[])Mu.Clone(), lv = (double[])LogVar.Clone(), mu2 = (double[])Mu.Clone(), lv2 = (double[])LogVar.Clone();
            if (wrtMu) { mu[j] += h; mu2[j] -= h; } else { lv[j] += h; lv2[j] -= h; }
            grad[j] = (Model.Elbo(x, mu, lv) - Model.Elbo(x, mu2, lv2)) / (2 * h);
        }
        return grad;
    }

    [Fact]
    public void BoundAndGradientsAreUnbiased()
    {
        // 3000 draws: not a multiple of the internal chunk, so the short last chunk is exercised too.
        var x = Datapoint();
        var samples = ReparameterizedBound.Sample(Model, x, Mu, LogVar, 3000, new Rng(13));
        Assert.Equal(3000, samples.Count);
        var exact = Model.Elbo(x, Mu, LogVar);
        Assert.True(Math.Abs(samples.Bound.ZScore(exact)) < 4, $"bound {samples.Bound}, exact {exact}");
        var gMu = ExactGradient(x, wrtMu: true);
        var gLv = ExactGradient(x, wrtMu: false);
        for (var j = 0; j < 2; j++)
        {
            Assert.True(Math.Abs(samples.GradMuMean(j).ZScore(gMu[j])) < 4, $"∂/∂μ{j}: {samples.GradMuMean(j)}, exact {gMu[j]}");
            Assert.True(Math.Abs(samples.GradLogVarMean(j).ZScore(gLv[j])) < 4, $"∂/∂logσ²{j}: {samples.GradLogVarMean(j)}, exact {gLv[j]}");
        }
    }

    [Fact]
    public void EachDrawIsTheBoundTermAtItsOwnNoise()
    {
        // Per draw: L̃ = −KL + log p(x|z) with z = μ + σε, recomputed here from the model's joint; and the
        // per-draw gradient is the derivative of that same function of (μ, log σ²) at fixed ε.
        var x = Datapoint();
        var samples = ReparameterizedBound.Sample(Model, x, Mu, LogVar, 4, new Rng(14));
        var negKl = GaussianMath.NegativeKl(Mu.Select(v => (float)v).ToArray(), LogVar.Select(v => (float)v).ToArray());
        Assert.Equal(negKl, samples.NegativeKl, 5);

        double Draw(double[] mu, double[] logVar, int l)
        {
            var z = new Tensor(1, 2);
            for (var j = 0; j < 2; j++) z[0, j] = (float)(mu[j] + Math.Exp(0.5 * logVar[j]) * samples.Epsilon[l, j]);
            var joint = new float[1];
            Model.LogJoint(new Tensor(1, 5, (float[])x.Clone()), z, joint, null);
            double nk = 0;
            for (var j = 0; j < 2; j++) nk += 0.5 * (1 + logVar[j] - mu[j] * mu[j] - Math.Exp(logVar[j]));
            return nk + joint[0] - GaussianMath.LogStandardNormal(z.Row(0));
        }

        for (var l = 0; l < 4; l++)
        {
            Assert.Equal(Draw(Mu, LogVar, l), samples.Values[l], 4);
            const double h = 1e-2;   // float32 joint: a wide step, and the draw is quadratic in μ, so no truncation error
            for (var j = 0; j < 2; j++)
            {
                double[] up = (double[])Mu.Clone(), down = (double[])Mu.Clone();
                up[j] += h; down[j] -= h;
                Assert.Equal((Draw(up, LogVar, l) - Draw(down, LogVar, l)) / (2 * h), samples.GradMu[l, j], 2);
            }
        }
    }

    [Fact]
    public void SameSeedGivesSameDraws()
    {
        var x = Datapoint();
        var a = ReparameterizedBound.Sample(Model, x, Mu, LogVar, 50, new Rng(15));
        var b = ReparameterizedBound.Sample(Model, x, Mu, LogVar, 50, new Rng(15));
        Assert.Equal(a.Values, b.Values);
        Assert.Equal(ReparameterizedBoundSamples.Column(a.GradLogVar, 1), ReparameterizedBoundSamples.Column(b.GradLogVar, 1));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        var x = Datapoint();
        Assert.Throws<ArgumentException>(() => ReparameterizedBound.Sample(Model, x.AsSpan(0, 4), Mu, LogVar, 10, new Rng(1)));
        Assert.Throws<ArgumentException>(() => ReparameterizedBound.Sample(Model, x, [0.0], LogVar, 10, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReparameterizedBound.Sample(Model, x, Mu, LogVar, 1, new Rng(1)));
    }

    [Fact]
    public void MonteCarloMeanHasTheTextbookStandardError()
    {
        var m = MonteCarloMean.Of([1.0, 2.0, 3.0, 4.0]);
        Assert.Equal(2.5, m.Mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3 / 4), m.StandardError, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3), m.StandardDeviation, 12);
        Assert.Equal(4, m.Count);
        Assert.Equal("2.50 ± 0.65", m.ToString("F2"));
        Assert.Throws<ArgumentException>(() => MonteCarloMean.Of([1.0]));
    }
}
