using Aevb.Inference;

namespace Aevb.Notebooks.Tests.Tutorials;

/// <summary>
/// notebooks/01-elbo-derivation.ipynb, run once in quick mode: the ELBO identity holds to numerical precision,
/// the gap closes at the true posterior, and the reparameterised Monte Carlo estimates agree with the exact values.
/// </summary>
[Collection("tutorials")]
public sealed class Notebook01Tests
{
    private static readonly Lazy<Task<TutorialNotebook>> Run = new(() => TutorialNotebook.RunQuickAsync("01-elbo-derivation.ipynb"));

    [Fact]
    public async Task RunsWithoutErrorsAndShowsItsCharts()
    {
        var notebook = await Run.Value;   // fails on any error output
        Assert.True(notebook.ChartCount >= 3, $"expected the posterior chart, the bound-and-gap grid and the Monte Carlo grid; found {notebook.ChartCount} charts");
        Assert.True(notebook.Value<bool>("Quick"));
        Assert.Equal(5_000, notebook.Value<int>("McDraws"));
    }

    [Fact]
    public async Task MarginalLikelihoodFromQuadratureMatchesTheClosedForm()
    {
        var notebook = await Run.Value;
        var quadratureError = notebook.Value<double>("quadratureError");
        Assert.True(quadratureError < 1e-8, $"|log p(x) by quadrature − closed form| = {quadratureError}");
        Assert.True(notebook.Value<double>("logPx") < 0);
    }

    [Fact]
    public async Task LogMarginalEqualsKlPlusBoundForEveryQ()
    {
        var notebook = await Run.Value;
        var residual = notebook.Value<double>("identityResidual");
        Assert.True(residual < 1e-6, $"identityResidual = {residual}");
        var eq2VsEq3 = notebook.Value<double>("eq2VsEq3");
        Assert.True(eq2VsEq3 < 1e-6, $"|eq. 2 by quadrature − eq. 3 closed form| = {eq2VsEq3}");
        // A diagonal q cannot match the correlated 3-D posterior: the best one still leaves a positive gap.
        Assert.True(notebook.Value<double>("bestDiagonalGap") > 1e-3);
    }

    [Fact]
    public async Task GapClosesAtTheTruePosterior()
    {
        var notebook = await Run.Value;
        Assert.True(Math.Abs(notebook.Value<double>("gapAtPosterior")) < 1e-9, $"gap = {notebook.Value<double>("gapAtPosterior")}");
        Assert.True(Math.Abs(notebook.Value<double>("klAtPosterior")) < 1e-9);
        Assert.Equal(notebook.Value<double>("logPx"), notebook.Value<double>("boundAtPosterior"), 9);
    }

    [Fact]
    public async Task ReparameterisedEstimatesAgreeWithExactValuesWithinMonteCarloError()
    {
        var notebook = await Run.Value;
        var checks = new (string Estimate, string Exact)[]
        {
            ("mcBound", "exactBound"), ("mcGradMu", "exactGradMu"), ("mcGradLogVar", "exactGradLogVar"),
        };
        foreach (var (estimateName, exactName) in checks)
        {
            var estimate = notebook.Value<MonteCarloMean>(estimateName);
            var exact = notebook.Value<double>(exactName);
            Assert.Equal(5_000, estimate.Count);
            Assert.True(estimate.StandardError > 0 && estimate.StandardError < 0.1, $"{estimateName}: standard error {estimate.StandardError}");
            Assert.True(Math.Abs(estimate.ZScore(exact)) < 4, $"{estimateName} = {estimate}, exact {exact}");
        }
        // The closed-form gradients agree with central differences of the closed-form bound.
        Assert.Equal(notebook.Value<double>("exactGradMu"), notebook.Value<double>("fdGradMu"), 6);
        Assert.Equal(notebook.Value<double>("exactGradLogVar"), notebook.Value<double>("fdGradLogVar"), 6);
    }
}
