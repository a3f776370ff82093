using Aevb.Inference;
using Aevb.Tensors;

namespace Aevb.Tests.Baselines;

public class HmcTests
{
    /// <summary>
    /// Runs <paramref name="transitions"/> transitions and returns, per chain, the time averages of z_j, z_j², z_j⁴
    /// over all coordinates j (independent chains, so these are iid replicates).
    /// </summary>
    private static (double[] M1, double[] M2, double[] M4) Moments(Hmc hmc, Rng rng, int transitions)
    {
        int n = hmc.Chains, d = hmc.Dim;
        double[] m1 = new double[n], m2 = new double[n], m4 = new double[n];
        for (var t = 0; t < transitions; t++)
        {
            hmc.Step(rng);
            for (var i = 0; i < n; i++)
                foreach (var v in hmc.Position.Row(i))
                {
                    double z = v, z2 = z * z;
                    m1[i] += z;
                    m2[i] += z2;
                    m4[i] += z2 * z2;
                }
        }
        double scale = 1.0 / (transitions * d);
        for (var i = 0; i < n; i++) { m1[i] *= scale; m2[i] *= scale; m4[i] *= scale; }
        return (m1, m2, m4);
    }

    private static void AssertNear(double expected, (double Mean, double Se) actual, string what, double sigmas = 5)
        => Assert.True(Math.Abs(actual.Mean - expected) <= sigmas * actual.Se,
            $"{what}: {actual.Mean:F4} ± {actual.Se:F4}, expected {expected} within {sigmas} standard errors.");

    [Fact]
    public void StandardNormalIsInvariant()
    {
        // Chains start exactly at the target; a correct kernel keeps them there. The step size is large
        // (ε = 1.1, acceptance well below 1): leapfrog without the Metropolis correction would inflate
        // the variance to about 1/(1 − ε²/4) ≈ 1.43, which this test would catch.
        const int d = 4, chains = 500;
        var rng = new Rng(11);
        var target = DiagonalGaussianDensity.Standard(d);
        var start = new Tensor(chains, d);
        rng.FillNormal(start.Span);
        var hmc = new Hmc(target, leapfrogSteps: 10, initialStepSize: 1.1f) { Adaptation = StepSizeAdaptation.None };
        hmc.Initialize(start);
        var (m1, m2, m4) = Moments(hmc, rng, 200);

        var acceptance = (double)hmc.Accepted / (hmc.Transitions * chains);
        Assert.InRange(acceptance, 0.2, 0.95);
        AssertNear(0, ChainStats.MeanAndSe(m1), "E[z]");
        AssertNear(1, ChainStats.MeanAndSe(m2), "E[z²]");
        AssertNear(3, ChainStats.MeanAndSe(m4), "E[z⁴]");
    }

    [Fact]
    public void ConvergesToTheTargetFromAFarStart()
    {
        const int d = 3, chains = 400;
        var rng = new Rng(12);
        var mean = new[] { 5f, -3f, 0.5f };
        var std = new[] { 0.5f, 2f, 1f };
        var hmc = new Hmc(new DiagonalGaussianDensity(mean, std), leapfrogSteps: 10, initialStepSize: 0.05f);
        var start = new Tensor(chains, d);
        start.Fill(-10f);
        hmc.Initialize(start);
        for (var t = 0; t < 300; t++) hmc.Step(rng);
        hmc.Adaptation = StepSizeAdaptation.None;

        var sums = new double[chains, d];
        var sq = new double[chains, d];
        const int T = 200;
        for (var t = 0; t < T; t++)
        {
            hmc.Step(rng);
            for (var i = 0; i < chains; i++)
                for (var j = 0; j < d; j++)
                {
                    double z = hmc.Position[i, j];
                    sums[i, j] += z / T;
                    sq[i, j] += z * z / T;
                }
        }
        for (var j = 0; j < d; j++)
        {
            var means = Enumerable.Range(0, chains).Select(i => sums[i, j]).ToArray();
            var squares = Enumerable.Range(0, chains).Select(i => sq[i, j]).ToArray();
            AssertNear(mean[j], ChainStats.MeanAndSe(means), $"E[z{j}]");
            AssertNear(mean[j] * mean[j] + std[j] * std[j], ChainStats.MeanAndSe(squares), $"E[z{j}²]");
        }
    }

    [Theory]
    [InlineData(0.9, 1.0, false)]   // starts too large: Robbins–Monro alone must shrink it
    [InlineData(0.9, 0.001, true)]  // starts far too small: the doubling search fixes the scale, then Robbins–Monro
    [InlineData(0.65, 0.01, true)]  // another target: the adaptation follows it
    public void AdaptationReachesTheTargetAcceptance(double targetAcceptance, double initialStep, bool searchFirst)
    {
        // Badly scaled target (std 0.1 … 3): the stable step size is set by the narrowest direction.
        var std = new[] { 0.1f, 0.5f, 1f, 2f, 3f };
        var rng = new Rng(13);
        const int chains = 400;
        var hmc = new Hmc(new DiagonalGaussianDensity(new float[std.Length], std), leapfrogSteps: 10, initialStepSize: (float)initialStep)
        {
            TargetAcceptance = (float)targetAcceptance,
        };
        var start = new Tensor(chains, std.Length);
        rng.FillNormal(start.Span);
        hmc.Initialize(start);
        if (searchFirst) hmc.FindReasonableStepSize(rng);
        for (var t = 0; t < 400; t++) hmc.Step(rng);

        // Freeze the tuned step sizes and measure the acceptance they give.
        hmc.Adaptation = StepSizeAdaptation.None;
        double sum = 0;
        const int T = 200;
        for (var t = 0; t < T; t++) sum += hmc.Step(rng);
        var acceptance = sum / T;
        Assert.True(Math.Abs(acceptance - targetAcceptance) < 0.03,
            $"Mean acceptance probability {acceptance:F3} after adaptation; target {targetAcceptance}.");
        var median = hmc.StepSize.ToArray().Order().ElementAt(chains / 2);
        Assert.InRange(median, 0.005, 0.2); // on the scale of the narrowest direction, not the initial value
    }

    [Fact]
    public void SharedAdaptationReachesTheTargetAcceptance()
    {
        var rng = new Rng(14);
        var hmc = new Hmc(DiagonalGaussianDensity.Standard(10), leapfrogSteps: 5, initialStepSize: 2f) { Adaptation = StepSizeAdaptation.Shared };
        var start = new Tensor(200, 10);
        rng.FillNormal(start.Span);
        hmc.Initialize(start);
        for (var t = 0; t < 300; t++) hmc.Step(rng);
        Assert.All(hmc.StepSize.ToArray(), s => Assert.Equal(hmc.StepSize[0], s));
        hmc.Adaptation = StepSizeAdaptation.None;
        double sum = 0;
        for (var t = 0; t < 100; t++) sum += hmc.Step(rng);
        Assert.InRange(sum / 100, 0.87, 0.93);
    }

    [Fact]
    public void SameSeedSameChainsDifferentSeedDifferentChains()
    {
        static (float[] Z, float[] Eps) Run(ulong seed)
        {
            var model = LinearGaussianModel.CreateRandom(6, 2, 0.5, new Rng(1));
            var (x, _) = model.Sample(8, new Rng(2));
            var hmc = new Hmc(new LatentPosterior(model, x));
            var rng = new Rng(seed);
            var start = new Tensor(8, 2);
            rng.FillNormal(start.Span);
            hmc.Initialize(start);
            for (var t = 0; t < 50; t++) hmc.Step(rng);
            return (hmc.Position.Data.ToArray(), hmc.StepSize.ToArray());
        }

        var a = Run(7);
        var b = Run(7);
        var c = Run(8);
        Assert.Equal(a.Z, b.Z);
        Assert.Equal(a.Eps, b.Eps);
        Assert.NotEqual(a.Z, c.Z);
    }

    [Fact]
    public void StepAllocatesNothing()
    {
        var rng = new Rng(15);
        var hmc = new Hmc(DiagonalGaussianDensity.Standard(5), leapfrogSteps: 10);
        var start = new Tensor(64, 5);
        rng.FillNormal(start.Span);
        hmc.Initialize(start);
        for (var t = 0; t < 5; t++) hmc.Step(rng); // warm up the JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var t = 0; t < 100; t++) hmc.Step(rng);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void EachTransitionCallsTheTargetOncePerLeapfrogStep()
    {
        var target = DiagonalGaussianDensity.Standard(2);
        var hmc = new Hmc(target, leapfrogSteps: 7);
        hmc.Initialize(new Tensor(3, 2));
        var rng = new Rng(16);
        hmc.Step(rng); // 1 initial evaluation + 7
        hmc.Step(rng); // 7: the accepted state's value and gradient are reused
        Assert.Equal(15, target.Calls);
        hmc.Invalidate();
        hmc.Step(rng);
        Assert.Equal(23, target.Calls);
    }

    [Fact]
    public void RejectsDivergentTrajectories()
    {
        // A step far beyond the stability limit (ε = 5 on a unit Gaussian) blows up: every proposal is rejected
        // and the chains stay where they were.
        var rng = new Rng(17);
        var hmc = new Hmc(DiagonalGaussianDensity.Standard(3), leapfrogSteps: 50, initialStepSize: 5f) { Adaptation = StepSizeAdaptation.None };
        var start = new Tensor(20, 3);
        rng.FillNormal(start.Span);
        hmc.Initialize(start);
        var accept = hmc.Step(rng);
        Assert.True(accept < 1e-6, $"acceptance {accept}");
        Assert.Equal(start.Data, hmc.Position.Data);
        Assert.All(hmc.Position.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void MatchesTheExactLinearGaussianPosterior()
    {
        // Four datapoints, 100 chains each: every chain targets its own row's posterior p(z | x_i).
        const int d = 3, points = 4, perPoint = 100;
        var model = LinearGaussianModel.CreateRandom(8, d, 0.7, new Rng(21));
        var (xs, _) = model.Sample(points, new Rng(22));
        var x = new Tensor(points * perPoint, 8);
        for (var r = 0; r < x.Rows; r++) xs.Row(r / perPoint).CopyTo(x.Row(r));

        var rng = new Rng(23);
        var hmc = new Hmc(new LatentPosterior(model, x), leapfrogSteps: 10, initialStepSize: 0.1f);
        var start = new Tensor(x.Rows, d);
        rng.FillNormal(start.Span);
        hmc.Initialize(start);
        for (var t = 0; t < 200; t++) hmc.Step(rng);
        hmc.Adaptation = StepSizeAdaptation.None;

        const int T = 300;
        var mean = new double[x.Rows, d];
        var second = new double[x.Rows, d, d];
        for (var t = 0; t < T; t++)
        {
            hmc.Step(rng);
            for (var r = 0; r < x.Rows; r++)
                for (var a = 0; a < d; a++)
                {
                    mean[r, a] += hmc.Position[r, a] / (double)T;
                    for (var b = 0; b < d; b++) second[r, a, b] += hmc.Position[r, a] * (double)hmc.Position[r, b] / T;
                }
        }

        var cov = model.PosteriorCovariance();
        for (var p = 0; p < points; p++)
        {
            var exactMean = model.PosteriorMean(xs.Row(p));
            var rows = Enumerable.Range(p * perPoint, perPoint).ToArray();
            for (var a = 0; a < d; a++)
            {
                AssertNear(exactMean[a], ChainStats.MeanAndSe(rows.Select(r => mean[r, a]).ToArray()), $"point {p}: E[z{a}]");
                for (var b = 0; b <= a; b++)
                {
                    // E[z_a z_b] = Σ_ab + μ_a μ_b from the exact posterior.
                    var expected = cov[a, b] + exactMean[a] * exactMean[b];
                    var stat = ChainStats.MeanAndSe(rows.Select(r => second[r, a, b]).ToArray());
                    AssertNear(expected, stat, $"point {p}: E[z{a} z{b}]");
                    // and in plain terms: the sample covariance is within 10% of the posterior scale
                    var sampleCov = rows.Average(r => second[r, a, b]) - rows.Average(r => mean[r, a]) * rows.Average(r => mean[r, b]);
                    Assert.True(Math.Abs(sampleCov - cov[a, b]) < 0.1 * Math.Sqrt(cov[a, a] * cov[b, b]),
                        $"point {p}: cov[{a},{b}] = {sampleCov:F4}, exact {cov[a, b]:F4}");
                }
            }
        }
    }
}
