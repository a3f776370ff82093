using Aevb.Inference;

namespace Aevb.Tests.Inference;

/// <summary>Made-up variance results for tests of what reads them (charts, look-ups): the variances of an estimator
/// at L are v (bound), 2v (encoder) and 3v (decoder).</summary>
internal static class EstimatorVarianceSamples
{
    public static EstimatorVarianceResult R(Estimator e, int l, double v) => new(e, l, 10, -100, v, 2 * v, 3 * v);

    /// <summary>A and B at L = 1 and 4 (A above B, both falling as 1/L), then the score function above both.</summary>
    public static readonly EstimatorVarianceResult[] Results =
    [
        R(Estimator.B, 1, 1), R(Estimator.A, 1, 4), R(Estimator.B, 4, 0.25), R(Estimator.A, 4, 1),
        R(Estimator.ScoreFunction, 1, 100), R(Estimator.ScoreFunction, 4, 25),
    ];
}
