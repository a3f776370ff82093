using Aevb.Inference;
using Aevb.Tensors;

namespace Aevb.Tests.Baselines;

public class MarginalLikelihoodTests
{
    // d = 3 as in the paper's Figure 3; correlated posterior (W has no special structure).
    private static readonly LinearGaussianModel Model = LinearGaussianModel.CreateRandom(10, 3, 0.8, new Rng(51));

    private static Tensor Data(int n, ulong seed) => Model.Sample(n, new Rng(seed)).X;

    /// <summary>The exact posterior's marginal variances, inflated, as a mean-field proposal.</summary>
    private static FixedGaussianEncoder PosteriorEncoder(double varianceScale) => new(Model.InputDim, x =>
    {
        var cov = Model.PosteriorCovariance();
        var mean = Model.PosteriorMean(x).ToArray();
        return (mean, Enumerable.Range(0, 3).Select(j => varianceScale * cov[j, j]).ToArray());
    })
    { LatentDim = 3 };

    private static void AssertAgrees(double[] exact, MarginalLikelihoodEstimate estimate, double sigmas = 4)
    {
        for (var i = 0; i < exact.Length; i++)
        {
            var err = estimate.LogLikelihood[i] - exact[i];
            var se = estimate.StandardError[i];
            Assert.True(se > 0 && double.IsFinite(se), $"point {i}: standard error {se}");
            Assert.True(Math.Abs(err) <= sigmas * se + 1e-3,
                $"point {i}: {estimate.Method} estimate {estimate.LogLikelihood[i]:F4} ± {se:F4}, exact {exact[i]:F4}");
        }
    }

    [Fact]
    public void AppendixDEstimatorAgreesWithTheExactMarginal()
    {
        var x = Data(6, 52);
        var exact = Model.LogMarginal(x);
        var estimator = new HmcMarginalLikelihood(Model) { Samples = 400, ChainsPerPoint = 20, WarmupSteps = 150, Thin = 3, FittedProposalSamples = 2000 };
        var (estimate, check) = estimator.EstimateWithCheck(x, new Rng(53));
        AssertAgrees(exact, estimate);
        // Ordinary importance sampling from the same fitted q agrees too (here q is close to the Gaussian posterior).
        Assert.NotNull(check);
        AssertAgrees(exact, check);
        Assert.Equal(2000, check.SamplesPerPoint);
        Assert.InRange(estimate.MeanAcceptance, 0.8, 0.97);
        Assert.True(Math.Abs(estimate.Mean - exact.Average()) < 0.05, $"{estimate} vs exact {exact.Average():F4}");
    }

    [Fact]
    public void AppendixDEstimatorWorksInGroupsAndFromGivenStarts()
    {
        // MaxRows forces several HMC batches; starting at the posterior means must give the same answer.
        var x = Data(5, 54);
        var exact = Model.LogMarginal(x);
        var init = new Tensor(5, 3);
        for (var i = 0; i < 5; i++)
        {
            var m = Model.PosteriorMean(x.Row(i));
            for (var j = 0; j < 3; j++) init[i, j] = (float)m[j];
        }
        var estimator = new HmcMarginalLikelihood(Model) { Samples = 300, ChainsPerPoint = 10, WarmupSteps = 100, MaxRows = 20 };
        AssertAgrees(exact, estimator.Estimate(x, new Rng(55), init));
    }

    [Fact]
    public void AppendixDEstimatorHandlesAPosteriorWithTwoModes()
    {
        // Chains started from the prior split between the modes by basin (about 93% / 7% here) rather than by
        // posterior mass (99% / 1%), and cannot fix that by moving; resampling the starts by p(x|z) can.
        var model = new TwoBumpModel(0.05, 3.0);
        var x = new Tensor(6, 1);
        HmcMarginalLikelihood Estimator(int candidates) => new(model) { Samples = 200, ChainsPerPoint = 20, WarmupSteps = 100, InitialCandidates = candidates };
        var resampled = Estimator(2000).Estimate(x, new Rng(71));
        var fromPrior = Estimator(0).Estimate(x, new Rng(71));
        var exact = model.LogMarginal;
        var errorResampled = resampled.LogLikelihood.Average(v => Math.Abs(v - exact));
        var errorFromPrior = fromPrior.LogLikelihood.Average(v => Math.Abs(v - exact));
        Assert.True(errorResampled < 0.1, $"resampled starts: {string.Join(", ", resampled.LogLikelihood.Select(v => v.ToString("F3")))}, exact {exact:F3}");
        Assert.True(errorFromPrior > 3 * errorResampled, $"prior starts: mean error {errorFromPrior:F3} vs {errorResampled:F3} resampled");
    }

    [Fact]
    public void ImportanceSampledEstimateAgreesWithTheExactMarginal()
    {
        var x = Data(6, 56);
        var exact = Model.LogMarginal(x);
        var estimator = new ImportanceSampledLikelihood(Model, PosteriorEncoder(1.5)) { Samples = 5000, BatchRows = 777 };
        var estimate = estimator.Estimate(x, new Rng(57));
        AssertAgrees(exact, estimate);
        Assert.Equal(5000, estimate.SamplesPerPoint);
    }

    [Fact]
    public void ImportanceSampledEstimateTightensWithMoreSamples()
    {
        // With a poor (too narrow, mean-field) proposal, K = 1 is the ELBO, far below log p(x); K = 5000 closes most of the gap.
        var x = Data(20, 58);
        var exact = Model.LogMarginal(x).Average();
        var encoder = PosteriorEncoder(0.5);
        var k1 = new ImportanceSampledLikelihood(Model, encoder) { Samples = 1 }.Estimate(x, new Rng(59)).Mean;
        var big = new ImportanceSampledLikelihood(Model, encoder) { Samples = 5000 }.Estimate(x, new Rng(59));
        var k5000 = big.Mean;
        Assert.True(k1 < k5000 && k5000 <= exact + 4 * big.MeanStandardError, $"K=1: {k1:F4}, K=5000: {k5000:F4} ± {big.MeanStandardError:F4}, exact {exact:F4}");
        Assert.True(exact - k5000 < 0.25 * (exact - k1), $"K=1: {k1:F4}, K=5000: {k5000:F4}, exact {exact:F4}");
    }

    [Fact]
    public void EstimatorsAreDeterministicForAFixedSeed()
    {
        var x = Data(3, 60);
        var hmc = new HmcMarginalLikelihood(Model) { Samples = 50, ChainsPerPoint = 5, WarmupSteps = 20 };
        Assert.Equal(hmc.Estimate(x, new Rng(61)).LogLikelihood, hmc.Estimate(x, new Rng(61)).LogLikelihood);
        Assert.NotEqual(hmc.Estimate(x, new Rng(61)).LogLikelihood, hmc.Estimate(x, new Rng(62)).LogLikelihood);
        var importance = new ImportanceSampledLikelihood(Model, PosteriorEncoder(1.0)) { Samples = 100 };
        Assert.Equal(importance.Estimate(x, new Rng(61)).LogLikelihood, importance.Estimate(x, new Rng(61)).LogLikelihood);
    }

    [Fact]
    public void AWrongModelIsDetected()
    {
        // The estimators must see the model: the same data under a model with different weights scores lower
        // by far more than the Monte Carlo error.
        var x = Data(5, 63);
        var other = LinearGaussianModel.CreateRandom(10, 3, 0.8, new Rng(64));
        var right = new HmcMarginalLikelihood(Model) { Samples = 200 }.Estimate(x, new Rng(65));
        var wrong = new HmcMarginalLikelihood(other) { Samples = 200 }.Estimate(x, new Rng(65));
        Assert.True(wrong.Mean < right.Mean - 1, $"right {right.Mean:F3}, wrong {wrong.Mean:F3}");
        Assert.True(Math.Abs(wrong.Mean - other.LogMarginal(x).Average()) < 0.1, $"wrong model: {wrong.Mean:F3} vs exact {other.LogMarginal(x).Average():F3}");
    }
}
