using Aevb.Inference;
using Aevb.Tensors;

namespace Aevb.Tests.Baselines;

public class LinearGaussianModelTests
{
    private static readonly LinearGaussianModel Model = LinearGaussianModel.CreateRandom(7, 3, 0.6, new Rng(31));

    [Fact]
    public void BayesRuleHoldsBetweenJointPosteriorAndMarginal()
    {
        // log p(x) = log p(x, z) − log p(z | x) for every z: the float32 joint against the float64 MathNet
        // posterior and marginal, three separately computed quantities.
        var (x, _) = Model.Sample(5, new Rng(32));
        var rng = new Rng(33);
        var z = new Tensor(5, 3);
        rng.FillNormal(z.Span, 0f, 1.5f);
        var joint = new float[5];
        Model.LogJoint(x, z, joint, null);
        for (var i = 0; i < 5; i++)
        {
            var zi = z.Row(i).ToArray().Select(v => (double)v).ToArray();
            var viaBayes = joint[i] - Model.PosteriorLogDensity(x.Row(i), zi);
            Assert.Equal(Model.LogMarginal(x.Row(i)), viaBayes, 3);
        }
    }

    [Fact]
    public void MarginalMatchesMonteCarloOverThePrior()
    {
        // p(x) = E_{p(z)} p(x|z), estimated with 200k prior draws (low-dimensional, so plain MC is accurate).
        var small = LinearGaussianModel.CreateRandom(3, 2, 1.0, new Rng(34), weightStd: 0.8);
        var (x, _) = small.Sample(1, new Rng(35));
        const int n = 200_000;
        var xs = new Tensor(n, 3);
        for (var i = 0; i < n; i++) x.Row(0).CopyTo(xs.Row(i));
        var z = new Tensor(n, 2);
        new Rng(36).FillNormal(z.Span);
        var joint = new float[n];
        // log p(x|z) = log p(x, z) − log p(z)
        small.LogJoint(xs, z, joint, null);
        var max = double.NegativeInfinity;
        var logLik = new double[n];
        for (var i = 0; i < n; i++)
        {
            double zz = z[i, 0] * (double)z[i, 0] + z[i, 1] * (double)z[i, 1];
            logLik[i] = joint[i] + zz / 2 + Math.Log(2 * Math.PI);
            max = Math.Max(max, logLik[i]);
        }
        var weights = logLik.Select(l => Math.Exp(l - max)).ToArray();
        var mean = weights.Average();
        var se = Math.Sqrt(weights.Sum(w => (w - mean) * (w - mean)) / (n - 1) / n) / mean; // on the log scale
        var mc = max + Math.Log(mean);
        var exact = small.LogMarginal(x.Row(0));
        Assert.True(Math.Abs(mc - exact) < 4 * se, $"MC {mc:F5} ± {se:F5}, exact {exact:F5}");
    }

    [Fact]
    public void JointGradientMatchesCentralDifferences()
    {
        var (x, _) = Model.Sample(3, new Rng(37));
        var z = new Tensor(3, 3);
        new Rng(38).FillNormal(z.Span);
        var grad = new Tensor(3, 3);
        var lp = new float[3];
        Model.LogJoint(x, z, lp, grad);
        const float h = 0.05f; // the joint is quadratic in z, so central differences are exact up to rounding
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
            {
                var zp = z.Clone();
                var zm = z.Clone();
                zp[i, j] += h;
                zm[i, j] -= h;
                var up = new float[3];
                var down = new float[3];
                Model.LogJoint(x, zp, up, null);
                Model.LogJoint(x, zm, down, null);
                var fd = (up[i] - (double)down[i]) / (zp[i, j] - (double)zm[i, j]);
                Assert.True(Math.Abs(fd - grad[i, j]) < 2e-3 * Math.Max(1, Math.Abs(fd)), $"∂/∂z[{i},{j}]: analytic {grad[i, j]}, numeric {fd}");
            }
    }

    [Fact]
    public void ElboIsTightExactlyAtADiagonalExactPosterior()
    {
        // Orthogonal columns make WᵀW diagonal, so the posterior is diagonal and a mean-field q can equal it.
        var w = new double[4, 2] { { 1, 0 }, { 0, 2 }, { 1, 0 }, { 0, -1 } };
        var model = new LinearGaussianModel(w, [0.1, -0.2, 0.3, 0.0], 0.5);
        var (x, _) = model.Sample(1, new Rng(39));
        var mean = model.PosteriorMean(x.Row(0)).ToArray();
        var cov = model.PosteriorCovariance();
        Assert.Equal(0, cov[0, 1], 12);
        var logVar = new[] { Math.Log(cov[0, 0]), Math.Log(cov[1, 1]) };
        var logPx = model.LogMarginal(x.Row(0));
        Assert.Equal(logPx, model.Elbo(x.Row(0), mean, logVar), 9);
        // Any other q is strictly below: the gap is KL(q ‖ posterior) > 0.
        Assert.True(model.Elbo(x.Row(0), [mean[0] + 0.3, mean[1]], logVar) < logPx - 1e-3);
        Assert.True(model.Elbo(x.Row(0), mean, [logVar[0] + 0.5, logVar[1]]) < logPx - 1e-3);
    }

    [Fact]
    public void ElboEqualsTheMonteCarloAverageOfTheJointMinusQ()
    {
        var (x, _) = Model.Sample(1, new Rng(40));
        double[] mu = [0.2, -0.1, 0.4], logVar = [-1.0, -0.5, -2.0];
        const int n = 100_000;
        var xs = new Tensor(n, Model.InputDim);
        for (var i = 0; i < n; i++) x.Row(0).CopyTo(xs.Row(i));
        var z = new Tensor(n, 3);
        var rng = new Rng(41);
        var logQ = new double[n];
        for (var i = 0; i < n; i++)
        {
            logQ[i] = -1.5 * Math.Log(2 * Math.PI);
            for (var j = 0; j < 3; j++)
            {
                var e = rng.NextGaussian();
                z[i, j] = (float)(mu[j] + Math.Exp(0.5 * logVar[j]) * e);
                logQ[i] -= 0.5 * (logVar[j] + e * (double)e);
            }
        }
        var joint = new float[n];
        Model.LogJoint(xs, z, joint, null);
        var terms = Enumerable.Range(0, n).Select(i => joint[i] - logQ[i]).ToArray();
        var mean = terms.Average();
        var se = Math.Sqrt(terms.Sum(t => (t - mean) * (t - mean)) / (n - 1) / n);
        var exact = Model.Elbo(x.Row(0), mu, logVar);
        Assert.True(Math.Abs(mean - exact) < 5 * se, $"MC {mean:F4} ± {se:F4}, exact {exact:F4}");
    }

    [Fact]
    public void RejectsMismatchedShapes()
    {
        var lp = new float[2];
        Assert.Throws<ArgumentException>(() => Model.LogJoint(new Tensor(2, 6), new Tensor(2, 3), lp, null));
        Assert.Throws<ArgumentException>(() => Model.LogMarginal(new float[6]));
        Assert.Throws<ArgumentException>(() => new LinearGaussianModel(new double[3, 2], new double[2], 1.0));
    }
}
