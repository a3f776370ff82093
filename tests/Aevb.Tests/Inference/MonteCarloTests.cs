using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Tests.Models;

namespace Aevb.Tests.Inference;

/// <summary>
/// Statements about expectations, checked by Monte Carlo with fixed seeds and tolerances set from the
/// standard error (so a real bias of a few standard errors fails, and reruns give the same numbers).
/// </summary>
public class MonteCarloTests
{
    private static (double Mean, double StdErr) MeanAndStdErr(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, Math.Sqrt(variance / values.Count));
    }

    /// <summary>Rows all equal to one datapoint, so L = 1 per row gives independent samples for that point.</summary>
    private static Tensor Repeat(Tensor x, int row, int n)
    {
        var t = new Tensor(n, x.Cols);
        for (var i = 0; i < n; i++) x.Row(row).CopyTo(t.Row(i));
        return t;
    }

    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void EstimatorsAAndBHaveTheSameExpectation(DecoderKind decoder)
    {
        const int n = 20000;
        var model = TestModels.Small(decoder);
        var x = Repeat(TestModels.Data(1, model.InputSize), 0, n);
        var eps = TestModels.Normal(n, model.LatentSize, seed: 21);
        var a = new SgvbEstimator(model, Estimator.A);
        var b = new SgvbEstimator(model, Estimator.B);
        a.Forward(x, eps);
        b.Forward(x, eps);
        // Paired: the same ε for both, so the difference has only the variance of the KL estimate.
        var diff = Enumerable.Range(0, n).Select(i => (double)a.Bounds[i] - b.Bounds[i]).ToArray();
        var (mean, se) = MeanAndStdErr(diff);
        Assert.True(se > 1e-4, "the two estimators should differ sample by sample");
        Assert.True(Math.Abs(mean) < 4 * se, $"E[A − B] = {mean} ± {se}");

        // Unpaired, with fresh noise: the means agree within their standard errors.
        var b2 = new SgvbEstimator(model, Estimator.B);
        b2.Forward(x, new Rng(99));
        var (ma, sa) = MeanAndStdErr(Enumerable.Range(0, n).Select(i => (double)a.Bounds[i]).ToArray());
        var (mb, sb) = MeanAndStdErr(Enumerable.Range(0, n).Select(i => (double)b2.Bounds[i]).ToArray());
        Assert.True(Math.Abs(ma - mb) < 4 * Math.Sqrt(sa * sa + sb * sb), $"A: {ma} ± {sa}, B: {mb} ± {sb}");
        Assert.True(sb < sa, "B (analytic KL) should have the smaller variance");
    }

    [Fact]
    public void AnalyticKlEqualsItsMonteCarloEstimate()
    {
        float[] mu = [0.5f, -1.2f, 0.1f, 2f];
        float[] logVar = [-0.7f, 0.4f, -2f, 0.9f];
        var rng = new Rng(5);
        const int n = 200000;
        var z = new float[mu.Length];
        var samples = new double[n];
        for (var s = 0; s < n; s++)
        {
            for (var j = 0; j < z.Length; j++) z[j] = mu[j] + MathF.Exp(0.5f * logVar[j]) * rng.NextGaussian();
            samples[s] = (double)GaussianMath.LogStandardNormal(z) - GaussianMath.LogNormal(z, mu, logVar);
        }
        var (mean, se) = MeanAndStdErr(samples);
        var negKl = GaussianMath.NegativeKl(mu, logVar);
        Assert.True(Math.Abs(mean - negKl) < 4 * se, $"−KL analytic {negKl}, Monte Carlo {mean} ± {se}");
        Assert.True(se < 0.01);
    }

    /// <summary>The encoder gradients of A, B and the score-function estimator have the same expectation.</summary>
    [Fact]
    public void GradientEstimatorsAreUnbiasedAlike()
    {
        const int n = 4000, runs = 100;
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var x = Repeat(TestModels.Data(1, model.InputSize), 0, n);
        string[] names = ["encoder.mu.bias", "encoder.logvar.bias", "encoder.hidden.bias"];
        var grads = new Dictionary<Estimator, List<double[]>>();
        foreach (var kind in new[] { Estimator.A, Estimator.B, Estimator.ScoreFunction })
        {
            var estimator = new SgvbEstimator(model, kind);
            var rng = new Rng(1234);
            grads[kind] = [];
            for (var r = 0; r < runs; r++)
            {
                model.ZeroGrad();
                estimator.Forward(x, rng);
                estimator.Backward(1f / n);
                grads[kind].Add(names.SelectMany(nm => model.GetParameter(nm).Grad.Data.Select(g => (double)g)).ToArray());
            }
        }
        var count = grads[Estimator.B][0].Length;
        foreach (var other in new[] { Estimator.A, Estimator.ScoreFunction })
            for (var k = 0; k < count; k++)
            {
                var (mb, sb) = MeanAndStdErr(grads[Estimator.B].Select(g => g[k]).ToArray());
                var (mo, so) = MeanAndStdErr(grads[other].Select(g => g[k]).ToArray());
                Assert.True(Math.Abs(mb - mo) < 4.5 * Math.Sqrt(sb * sb + so * so), $"component {k}: B {mb} ± {sb}, {other} {mo} ± {so}");
            }
        // The point of the reparameterisation: the score function's variance is far larger.
        var varianceB = Enumerable.Range(0, count).Sum(k => MeanAndStdErr(grads[Estimator.B].Select(g => g[k]).ToArray()).StdErr);
        var varianceSf = Enumerable.Range(0, count).Sum(k => MeanAndStdErr(grads[Estimator.ScoreFunction].Select(g => g[k]).ToArray()).StdErr);
        Assert.True(varianceSf > 3 * varianceB, $"score-function spread {varianceSf} vs B {varianceB}");
    }

    [Fact]
    public void ScoreFunctionDecoderGradientIsThePathwiseOne()
    {
        var model = TestModels.Small(DecoderKind.Gaussian);
        var x = TestModels.Data(5, model.InputSize);
        var eps = TestModels.Normal(5, model.LatentSize);
        float[][] Decoder(Estimator kind)
        {
            model.ZeroGrad();
            var e = new SgvbEstimator(model, kind);
            e.Forward(x, eps);
            e.Backward(3f);
            return model.Decoder.NamedParameters().Select(p => p.Parameter.Grad.Data.ToArray()).ToArray();
        }
        Assert.Equal(Decoder(Estimator.A), Decoder(Estimator.ScoreFunction));
    }
}
