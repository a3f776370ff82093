using Aevb.Inference;
using static Aevb.Tests.Inference.EstimatorVarianceSamples;

namespace Aevb.Tests.Inference;

public class EstimatorVarianceLookupTests
{
    [Fact]
    public void RatioDividesOneEstimatorsMetricByTheReferencesAtOneL()
    {
        Assert.Equal(4, Results.Ratio(Estimator.A, Estimator.B, r => r.BoundVariance));
        Assert.Equal(100, Results.Ratio(Estimator.ScoreFunction, Estimator.B, r => r.DecoderGradientVariance));
        Assert.Equal(4, Results.Ratio(Estimator.A, Estimator.B, r => r.EncoderGradientVariance, 4));
        Assert.Throws<KeyNotFoundException>(() => Results.Ratio(Estimator.A, Estimator.B, r => r.BoundVariance, 2));
    }

    [Fact]
    public void WithoutLeavesOutOneEstimatorInOrder()
    {
        Assert.Equal(Results[..4], Results.Without(Estimator.ScoreFunction));
        Assert.Equal([Results[0], Results[2], Results[4], Results[5]], Results.Without(Estimator.A));
    }
}
