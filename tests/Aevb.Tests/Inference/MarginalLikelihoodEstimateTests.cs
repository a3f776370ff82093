using Aevb.Inference;

namespace Aevb.Tests.Inference;

public class MarginalLikelihoodEstimateTests
{
    private static readonly MarginalLikelihoodEstimate Estimate =
        new([-10.0, -12.5, -9.0, -11.5], [0.1, 0.2, 0.3, 0.4], "importance", 100);

    [Fact]
    public void TheErrorAgainstExactValuesIsTheMeanErrorWithTheStandardErrorOfItsSpread()
    {
        // Errors +0.5, −0.5, +1.5, −0.5: mean 0.25, sample variance (0.0625 + 0.5625 + 1.5625 + 0.5625) / 3 = 11/12,
        // standard error of the mean √(11/12 / 4).
        var (mean, se) = Estimate.ErrorAgainst([-10.5, -12.0, -10.5, -11.0]);
        Assert.Equal(0.25, mean, 12);
        Assert.Equal(Math.Sqrt(11.0 / 12 / 4), se, 12);
        Assert.Throws<ArgumentException>(() => Estimate.ErrorAgainst([-10.0]));
    }

    [Fact]
    public void PlusMinusShowsOnePointWithItsErrorBar()
    {
        Assert.Equal("-12.5000 ± 0.2000", Estimate.PlusMinus(1));
    }
}
