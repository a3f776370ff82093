using Aevb.Inference;
using Aevb.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Aevb.Tests.Inference;

public class GaussianKlTests
{
    private static Matrix<double> RandomCovariance(int d, Rng rng)
    {
        // A Aᵀ + 0.3 I: symmetric positive definite with correlations.
        var a = Matrix<double>.Build.Dense(d, d, (_, _) => rng.NextGaussian());
        return a * a.Transpose() + Matrix<double>.Build.DenseIdentity(d) * 0.3;
    }

    [Theory]
    [InlineData(0.0, 1.0, 0.0, 1.0)]
    [InlineData(0.5, 0.2, -1.0, 2.5)]
    [InlineData(-3.0, 4.0, 2.0, 0.1)]
    public void OneDimensionalCaseMatchesTheTextbookFormula(double muQ, double varQ, double muP, double varP)
    {
        // KL(N(a, s²) ‖ N(m, t²)) = ln(t/s) + (s² + (a − m)²)/(2t²) − ½
        var expected = 0.5 * Math.Log(varP / varQ) + (varQ + (muQ - muP) * (muQ - muP)) / (2 * varP) - 0.5;
        var full = GaussianKl.Divergence(Vector<double>.Build.Dense([muQ]), Matrix<double>.Build.Dense(1, 1, varQ),
            Vector<double>.Build.Dense([muP]), Matrix<double>.Build.Dense(1, 1, varP));
        var diagonal = GaussianKl.DiagonalToFull([muQ], [Math.Log(varQ)], Vector<double>.Build.Dense([muP]), Matrix<double>.Build.Dense(1, 1, varP));
        Assert.Equal(expected, full, 12);
        Assert.Equal(expected, diagonal, 12);
    }

    [Fact]
    public void DivergenceOfAGaussianFromItselfIsZeroAndOtherwisePositive()
    {
        var rng = new Rng(1);
        var cov = RandomCovariance(4, rng);
        var mean = Vector<double>.Build.Dense(4, _ => rng.NextGaussian());
        Assert.Equal(0, GaussianKl.Divergence(mean, cov, mean, cov), 10);
        var other = mean.Clone();
        other[2] += 0.1;
        Assert.True(GaussianKl.Divergence(mean, cov, other, cov) > 0);
        Assert.True(GaussianKl.Divergence(mean, cov * 1.1, mean, cov) > 0);
    }

    [Fact]
    public void DiagonalOverloadAgreesWithTheFullOne()
    {
        var rng = new Rng(2);
        var covP = RandomCovariance(3, rng);
        var meanP = Vector<double>.Build.Dense(3, _ => rng.NextGaussian());
        double[] mu = [0.3, -1.2, 0.8], logVar = [-0.5, 0.4, -2.0];
        var covQ = Matrix<double>.Build.DenseOfDiagonalArray(logVar.Select(Math.Exp).ToArray());
        Assert.Equal(GaussianKl.Divergence(Vector<double>.Build.Dense(mu), covQ, meanP, covP),
            GaussianKl.DiagonalToFull(mu, logVar, meanP, covP), 10);
    }

    [Fact]
    public void DivergenceMatchesMonteCarloOfTheLogRatio()
    {
        // KL(q ‖ p) = E_q[log q(z) − log p(z)], with both densities from MathNet's multivariate normal.
        var rng = new Rng(3);
        var covQ = RandomCovariance(3, rng);
        var covP = RandomCovariance(3, rng);
        var meanQ = Vector<double>.Build.Dense(3, _ => rng.NextGaussian());
        var meanP = Vector<double>.Build.Dense(3, _ => rng.NextGaussian());
        var exact = GaussianKl.Divergence(meanQ, covQ, meanP, covP);
        var lq = covQ.Cholesky().Factor;
        var cholQ = covQ.Cholesky();
        var cholP = covP.Cholesky();
        double LogDensity(Vector<double> z, Vector<double> m, MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> c)
        {
            var r = z - m;
            return -0.5 * (3 * Math.Log(2 * Math.PI) + c.DeterminantLn + r.DotProduct(c.Solve(r)));
        }
        const int n = 100_000;
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var z = meanQ + lq * Vector<double>.Build.Dense(3, _ => rng.NextGaussian());
            values[i] = LogDensity(z, meanQ, cholQ) - LogDensity(z, meanP, cholP);
        }
        var mc = MonteCarloMean.Of(values);
        Assert.True(Math.Abs(mc.ZScore(exact)) < 4, $"MC {mc}, exact {exact}");
    }

    [Fact]
    public void LogMarginalIsTheBoundPlusTheDivergenceFromThePosterior()
    {
        // The paper's eq. 1 on the linear-Gaussian model, for diagonal q's far from the (correlated) posterior.
        var model = LinearGaussianModel.CreateRandom(6, 3, 0.7, new Rng(4));
        var (x, _) = model.Sample(1, new Rng(5));
        var logPx = model.LogMarginal(x.Row(0));
        var mean = model.PosteriorMean(x.Row(0));
        var cov = model.PosteriorCovariance();
        var rng = new Rng(6);
        for (var t = 0; t < 5; t++)
        {
            var mu = Enumerable.Range(0, 3).Select(_ => 2.0 * rng.NextGaussian()).ToArray();
            var logVar = Enumerable.Range(0, 3).Select(_ => (double)rng.NextGaussian()).ToArray();
            var kl = GaussianKl.DiagonalToFull(mu, logVar, mean, cov);
            Assert.True(kl > 0);
            Assert.Equal(logPx, model.Elbo(x.Row(0), mu, logVar) + kl, 9);
        }
    }

    [Fact]
    public void BadShapesAndNonPositiveDefiniteCovariancesAreRejected()
    {
        var mean2 = Vector<double>.Build.Dense(2);
        var eye2 = Matrix<double>.Build.DenseIdentity(2);
        Assert.Throws<ArgumentException>(() => GaussianKl.Divergence(mean2, eye2, Vector<double>.Build.Dense(3), eye2));
        Assert.Throws<ArgumentException>(() => GaussianKl.DiagonalToFull([0.0, 0.0], [0.0], mean2, eye2));
        var singular = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 1 }, { 1, 1 } });
        var e = Assert.Throws<ArgumentException>(() => GaussianKl.Divergence(mean2, eye2, mean2, singular));
        Assert.Contains("Σ_p", e.Message);
    }
}
