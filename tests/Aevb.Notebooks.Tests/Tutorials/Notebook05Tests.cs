namespace Aevb.Notebooks.Tests.Tutorials;

/// <summary>
/// notebooks/05-figure3-marginal-likelihood.ipynb, run once in quick mode: both marginal-likelihood estimators
/// recover the exact log p(x) of the linear-Gaussian model, the Figure 3 chart is drawn from six real runs, and
/// every method's estimates are finite and agree with the importance-sampled cross-check where there is one.
/// </summary>
[Collection("tutorials")]
public sealed class Notebook05Tests
{
    private static readonly Lazy<Task<TutorialNotebook>> Run = new(() => TutorialNotebook.RunQuickAsync("05-figure3-marginal-likelihood.ipynb"));

    [Fact]
    public async Task RunsWithoutErrorsAndShowsFigure3()
    {
        var notebook = await Run.Value;   // fails on any error output
        Assert.True(notebook.ChartCount >= 1, $"expected the Figure 3 chart; found {notebook.ChartCount} charts");
        Assert.True(notebook.Value<bool>("Quick"));
        Assert.Equal(30_000L, notebook.Value<long>("QuickSamples"));
    }

    [Fact]
    public async Task AllThreeEstimatorsRecoverTheExactLinearGaussianMarginal()
    {
        var notebook = await Run.Value;
        var exact = notebook.Value<double>("exactLogPx");
        Assert.True(double.IsFinite(exact) && exact < 0, $"exact log p(x) = {exact}");
        Assert.Equal(100, notebook.Value<int>("CheckPoints"));
        foreach (var (error, stdErr) in new[] { ("appendixDError", "appendixDStdErr"), ("fittedProposalError", "fittedProposalStdErr"), ("importanceError", "importanceStdErr") })
        {
            var value = notebook.Value<double>(error);
            var se = notebook.Value<double>(stdErr);
            Assert.True(se > 0 && se < 0.01, $"{stdErr} = {se}");
            // The standard error comes from the spread of the 100 per-point errors, so four of them is a fair test of bias.
            Assert.True(Math.Abs(value) <= 4 * se, $"{error} = {value:F4} ± {se:F4}");
        }
        // Appendix D's own error bars (from its chains) are of the size of the measured spread, not far smaller.
        var reported = notebook.Value<double>("appendixDReportedStdErr");
        var measured = notebook.Value<double>("appendixDStdErr");
        Assert.True(reported > measured / 2 && reported < measured * 2, $"reported s.e. {reported:F4} vs measured {measured:F4}");
        // The ELBO of the importance-sampling proposal is a true lower bound, and visibly below: the estimators earn their keep.
        var elbo = notebook.Value<double>("elboMean");
        Assert.True(elbo < exact - 0.05, $"ELBO {elbo:F4} vs exact {exact:F4}");
    }

    [Fact]
    public async Task EveryMethodHasFiniteEstimatesAtBothTrainingSetSizes()
    {
        var notebook = await Run.Value;
        var finals = notebook.Value<Dictionary<string, double>>("finalEstimates");
        foreach (var n in new[] { 1000, 50000 })
            foreach (var method in new[] { "aevb", "wakesleep", "mcem" })
                foreach (var split in new[] { "train", "test" })
                {
                    var key = $"n{n}-{method}-{split}";
                    Assert.True(finals.TryGetValue(key, out var v), $"no final estimate '{key}'");
                    // MNIST with 784 Bernoulli pixels as means: log p(x) is negative and, after any training, well above −543 (= 784 log ½).
                    Assert.True(double.IsFinite(v) && v < 0 && v > 784 * Math.Log(0.5), $"{key} = {v}");
                }
    }

    [Fact]
    public async Task AppendixDAgreesWithImportanceSamplingOnTrainedVaes()
    {
        var notebook = await Run.Value;
        var gap = notebook.Value<double>("maxEstimatorGap");
        Assert.True(gap < 3, $"largest |Appendix D − importance sampling from the fitted q| over every evaluation = {gap:F2} nats");
    }
}
