using Aevb.Inference;
using Aevb.Tensors;
using Aevb.Tests.Data;
using Aevb.Training.Runs;

namespace Aevb.Tests.Inference;

public class IndependentGaussianTests
{
    [Fact]
    public void FitsTheMeanAndTheMaximumLikelihoodVariancePerColumn()
    {
        var rows = Tensor.FromArray(new float[,] { { 0, 1 }, { 2, 1.5f }, { 4, 2 } });
        var fit = IndependentGaussian.Fit(rows);
        Assert.Equal([2.0, 1.5], fit.Mean);
        Assert.Equal(8.0 / 3, fit.Variance[0], 12);
        Assert.Equal(0.5 / 3, fit.Variance[1], 12);
        // On its own training rows the ML Gaussian's average log density is −½ Σ_j (log 2πσ_j² + 1).
        var expected = -0.5 * (Math.Log(2 * Math.PI * 8.0 / 3) + 1 + Math.Log(2 * Math.PI * 0.5 / 3) + 1);
        Assert.Equal(expected, fit.AverageLogLikelihood(rows), 10);
        Assert.Throws<ArgumentException>(() => IndependentGaussian.Fit(Tensor.FromArray(new float[,] { { 1, 0 }, { 1, 1 } })));
    }

    [Fact]
    public void OnFreyFaceItIsTheFlatLineOfWakeSleep()
    {
        // The maximum-likelihood diagonal Gaussian that ignores z, on our training / test split: where the paper's
        // wake-sleep curves and ours at Nz = 2 sit flat (575.7 / 563.6 in results/fig2, README Results).
        var data = RunData.Load("frey", TestData.Directory);
        var fit = IndependentGaussian.Fit(data.Train);
        Assert.Equal(575.80, fit.AverageLogLikelihood(data.Train), 2);
        Assert.Equal(563.63, fit.AverageLogLikelihood(data.Test), 2);
    }
}
