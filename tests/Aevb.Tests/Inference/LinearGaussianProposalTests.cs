using Aevb.Inference;
using Aevb.Tensors;

namespace Aevb.Tests.Inference;

public class LinearGaussianProposalTests
{
    private static readonly LinearGaussianModel Model = LinearGaussianModel.CreateRandom(10, 3, 0.8, new Rng(61));

    [Fact]
    public void IsTheMeanFieldOptimumOfTheElbo()
    {
        var x = Model.Sample(1, new Rng(62)).X;
        var proposal = new LinearGaussianProposal(Model);
        Tensor mu = new(1, 3), logVar = new(1, 3);
        proposal.Encode(x, mu, logVar);
        var m = mu.Row(0).ToArray().Select(v => (double)v).ToArray();
        var lv = logVar.Row(0).ToArray().Select(v => (double)v).ToArray();
        var best = Model.Elbo(x.Row(0), m, lv);
        Assert.True(best < Model.LogMarginal(x.Row(0)), "a diagonal q cannot reach log p(x) for a correlated posterior");
        // Moving any mean or log-variance away lowers the bound: the proposal is the stationary point (a maximum).
        for (var j = 0; j < 3; j++)
            foreach (var delta in new[] { -0.05, 0.05 })
            {
                var m2 = (double[])m.Clone();
                var lv2 = (double[])lv.Clone();
                m2[j] += delta;
                Assert.True(Model.Elbo(x.Row(0), m2, lv) < best, $"mean {j} {delta:+0.00;-0.00}");
                lv2[j] += delta;
                Assert.True(Model.Elbo(x.Row(0), m, lv2) < best, $"log variance {j} {delta:+0.00;-0.00}");
            }
        // Wider by the scale factor.
        var wide = new LinearGaussianProposal(Model, 2.0);
        for (var j = 0; j < 3; j++) Assert.Equal(lv[j] + Math.Log(2), wide.LogVariance[j], 5);
    }

    [Fact]
    public void ImportanceSamplingWithItRecoversTheExactMarginal()
    {
        var x = Model.Sample(5, new Rng(63)).X;
        var exact = Model.LogMarginal(x);
        var estimate = new ImportanceSampledLikelihood(Model, new LinearGaussianProposal(Model, 1.5)) { Samples = 4000 }.Estimate(x, new Rng(64));
        for (var i = 0; i < 5; i++)
            Assert.True(Math.Abs(estimate.LogLikelihood[i] - exact[i]) <= 4 * estimate.StandardError[i] + 1e-3,
                $"point {i}: {estimate.LogLikelihood[i]:F4} ± {estimate.StandardError[i]:F4}, exact {exact[i]:F4}");
    }

    [Fact]
    public void RejectsMismatchedShapes()
    {
        var proposal = new LinearGaussianProposal(Model);
        Assert.Throws<ArgumentException>(() => proposal.Encode(new Tensor(2, 9), new Tensor(2, 3), new Tensor(2, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearGaussianProposal(Model, 0));
    }
}
