using Aevb.Inference;

namespace Aevb.Tests.Inference;

public class EstimatorVarianceLookupTests
{
    private static EstimatorVarianceResult R(Estimator e, int l, double v) => new(e, l, 10, -100, v, 2 * v, 3 * v);

    private static readonly EstimatorVarianceResult[] Results =
    [
        R(Estimator.A, 1, 4), R(Estimator.B, 1, 1), R(Estimator.A, 4, 1), R(Estimator.B, 4, 0.5),
        R(Estimator.ScoreFunction, 1, 100),
    ];

    [Fact]
    public void RatioDividesOneEstimatorsMetricByTheReferencesAtOneL()
    {
        Assert.Equal(4, Results.Ratio(Estimator.A, Estimator.B, r => r.BoundVariance));
        Assert.Equal(100, Results.Ratio(Estimator.ScoreFunction, Estimator.B, r => r.DecoderGradientVariance));
        Assert.Equal(2, Results.Ratio(Estimator.A, Estimator.B, r => r.EncoderGradientVariance, samplesPerDatapoint: 4));
        Assert.Throws<KeyNotFoundException>(() => Results.Ratio(Estimator.ScoreFunction, Estimator.B, r => r.BoundVariance, 4));
    }

    [Fact]
    public void WithoutLeavesOutOneEstimatorInOrder()
    {
        var bound = Results.Without(Estimator.ScoreFunction);
        Assert.Equal(Results[..4], bound);
        Assert.DoesNotContain(Results.Without(Estimator.A), r => r.Estimator == Estimator.A);
    }
}
