using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Tests.Models;

namespace Aevb.Tests.Inference;

/// <summary>
/// The variance study of notebook 02, checked against direct computations on a small model. Statistical
/// comparisons use fixed seeds and tolerances of several standard errors of a variance estimate.
/// </summary>
public class EstimatorVarianceTests
{
    private static readonly Estimator[] All = [Estimator.A, Estimator.B, Estimator.ScoreFunction];

    private static double SampleVariance(IReadOnlyList<double> v)
    {
        var mean = v.Average();
        return v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1);
    }

    [Fact]
    public void DecoderGradientAndBoundOfTheScoreFunctionMatchTheOthersExactly()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var x = TestModels.Data(8, model.InputSize);
        var results = EstimatorVariance.Measure(model, x, All, [1, 3], repeats: 20);
        Assert.Equal(6, results.Count);
        foreach (var l in new[] { 1, 3 })
        {
            var a = results.Find(Estimator.A, l);
            var b = results.Find(Estimator.B, l);
            var s = results.Find(Estimator.ScoreFunction, l);
            // The decoder appears only in log p(x|z): the same ε gives the same decoder gradient for all three.
            Assert.Equal(a.DecoderGradientVariance, b.DecoderGradientVariance);
            Assert.Equal(a.DecoderGradientVariance, s.DecoderGradientVariance);
            // The score-function estimator's value is A's.
            Assert.Equal(a.BoundVariance, s.BoundVariance);
            Assert.Equal(a.BoundMean, s.BoundMean);
            // The encoder gradients differ.
            Assert.NotEqual(a.EncoderGradientVariance, b.EncoderGradientVariance);
            Assert.True(s.EncoderGradientVariance > a.EncoderGradientVariance, $"score {s.EncoderGradientVariance} vs A {a.EncoderGradientVariance}");
            Assert.All(results, r => Assert.Equal(20, r.Repeats));
        }
    }

    [Fact]
    public void GradientDecoderPartsAgreeAcrossEstimatorsAndEncoderPartsDoNot()
    {
        var model = TestModels.Small(DecoderKind.Gaussian);
        var x = TestModels.Data(5, model.InputSize);
        var eps = TestModels.Normal(5 * 2, model.LatentSize);
        var a = EstimatorVariance.Gradient(model, x, Estimator.A, eps);
        var b = EstimatorVariance.Gradient(model, x, Estimator.B, eps);
        var s = EstimatorVariance.Gradient(model, x, Estimator.ScoreFunction, eps);
        Assert.Equal(a.Decoder, b.Decoder);
        Assert.Equal(a.Decoder, s.Decoder);
        Assert.Equal(model.Encoder.NamedParameters().Sum(p => p.Parameter.Value.Length), a.Encoder.Length);
        Assert.True(a.Encoder.Zip(b.Encoder).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
    }

    [Fact]
    public void GradientIsTheBoundsGradientNotTheLosss()
    {
        // A central difference of the mean bound (fixed ε) along one decoder and one encoder parameter.
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var x = TestModels.Data(4, model.InputSize);
        var eps = TestModels.Normal(4, model.LatentSize);
        var (enc, dec) = EstimatorVariance.Gradient(model, x, Estimator.B, eps);
        var sgvb = new SgvbEstimator(model, Estimator.B);
        foreach (var (parameter, gradient, index) in new[]
                 {
                     (model.Decoder.NamedParameters().First().Parameter, dec, 0),
                     (model.Encoder.NamedParameters().First().Parameter, enc, 0),
                 })
        {
            const float h = 1e-2f;
            var saved = parameter.Value.Data[index];
            parameter.Value.Data[index] = saved + h;
            double up = sgvb.Forward(x, eps);
            parameter.Value.Data[index] = saved - h;
            double down = sgvb.Forward(x, eps);
            parameter.Value.Data[index] = saved;
            var fd = (up - down) / (2 * h);
            Assert.True(Math.Abs(fd - gradient[index]) < 1e-3 + 0.02 * Math.Abs(fd), $"finite difference {fd}, gradient {gradient[index]}");
        }
    }

    [Fact]
    public void BoundVarianceAgreesWithTheVarianceOfMinibatchMeans()
    {
        // The per-datapoint estimate (1/M²) Σ Var_i against the plain variance of R minibatch means.
        const int m = 6, repeats = 3000;
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var x = TestModels.Data(m, model.InputSize);
        var measured = EstimatorVariance.Measure(model, x, [Estimator.A, Estimator.B], [1], repeats: 400);
        foreach (var kind in new[] { Estimator.A, Estimator.B })
        {
            var sgvb = new SgvbEstimator(model, kind);
            var rng = new Rng(77);
            var means = Enumerable.Range(0, repeats).Select(_ => (double)sgvb.Forward(x, rng)).ToArray();
            var direct = SampleVariance(means);
            var ours = measured.Find(kind, 1).BoundVariance;
            // Relative standard error of a sample variance is about √(2/R) (2.6% here, more with heavy tails).
            Assert.True(Math.Abs(ours / direct - 1) < 0.15, $"{kind}: {ours} vs direct {direct}");
            Assert.True(Math.Abs(measured.Find(kind, 1).BoundMean - means.Average()) < 4 * Math.Sqrt(direct / repeats) + 4 * Math.Sqrt(ours / 400));
        }
    }

    [Fact]
    public void GradientVarianceAgreesWithADirectComputation()
    {
        const int m = 4, repeats = 1500;
        var model = TestModels.Small(DecoderKind.Gaussian);
        var x = TestModels.Data(m, model.InputSize);
        var measured = EstimatorVariance.Measure(model, x, [Estimator.A], [2], repeats: repeats).Single();

        var rng = new Rng(5);
        var eps = new Tensor(m * 2, model.LatentSize);
        var encoder = new List<float[]>();
        var decoder = new List<float[]>();
        for (var r = 0; r < repeats; r++)
        {
            rng.FillNormal(eps.Span);
            var (e, d) = EstimatorVariance.Gradient(model, x, Estimator.A, eps);
            encoder.Add(e);
            decoder.Add(d);
        }
        static double MeanVariance(List<float[]> draws) => Enumerable.Range(0, draws[0].Length)
            .Average(k => SampleVariance(draws.Select(g => (double)g[k]).ToArray()));
        var enc = MeanVariance(encoder);
        var dec = MeanVariance(decoder);
        Assert.True(Math.Abs(measured.EncoderGradientVariance / enc - 1) < 0.12, $"encoder {measured.EncoderGradientVariance} vs {enc}");
        Assert.True(Math.Abs(measured.DecoderGradientVariance / dec - 1) < 0.12, $"decoder {measured.DecoderGradientVariance} vs {dec}");
    }

    [Fact]
    public void VariancesFallAsOneOverL()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var x = TestModels.Data(10, model.InputSize);
        int[] ls = [1, 2, 4, 8, 16];
        var results = EstimatorVariance.Measure(model, x, All, ls, repeats: 300, seed: 3);
        foreach (var kind in All)
        {
            var bound = EstimatorVariance.LogLogSlope(results, kind, r => r.BoundVariance);
            var enc = EstimatorVariance.LogLogSlope(results, kind, r => r.EncoderGradientVariance);
            var dec = EstimatorVariance.LogLogSlope(results, kind, r => r.DecoderGradientVariance);
            Assert.InRange(bound, -1.1, -0.9);
            Assert.InRange(enc, -1.15, -0.85);
            Assert.InRange(dec, -1.15, -0.85);
        }
    }

    [Fact]
    public void MeasurementsForOneLDoNotDependOnTheOtherLsMeasured()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var x = TestModels.Data(3, model.InputSize);
        var alone = EstimatorVariance.Measure(model, x, [Estimator.B], [4], repeats: 10, seed: 9).Single();
        var together = EstimatorVariance.Measure(model, x, [Estimator.A, Estimator.B], [1, 4], repeats: 10, seed: 9).Find(Estimator.B, 4);
        Assert.Equal(alone, together);
        var otherSeed = EstimatorVariance.Measure(model, x, [Estimator.B], [4], repeats: 10, seed: 10).Single();
        Assert.NotEqual(alone.BoundVariance, otherSeed.BoundVariance);
    }

    [Fact]
    public void MeasureLeavesParametersUnchanged()
    {
        var model = TestModels.Small(DecoderKind.Gaussian);
        var before = model.Parameters.Select(p => p.Value.Data.ToArray()).ToArray();
        EstimatorVariance.Measure(model, TestModels.Data(3, model.InputSize), All, [1, 2], repeats: 5);
        for (var i = 0; i < before.Length; i++) Assert.Equal(before[i], model.Parameters[i].Value.Data);
    }

    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void BoundNoiseDecompositionAddsUpToTheVariancesOfAAndB(DecoderKind decoder)
    {
        const int m = 8;
        var model = TestModels.Small(decoder);
        var x = TestModels.Data(m, model.InputSize);
        var parts = EstimatorVariance.DecomposeBoundNoise(model, x, repeats: 2000, seed: 4);
        var measured = EstimatorVariance.Measure(model, x, [Estimator.A, Estimator.B], [1], repeats: 2000, seed: 8);
        // Per datapoint (decomposition) = M × variance of the minibatch mean (Measure).
        Assert.True(Math.Abs(parts.VarianceB / (m * measured.Find(Estimator.B, 1).BoundVariance) - 1) < 0.1,
            $"B: {parts.VarianceB} vs {m * measured.Find(Estimator.B, 1).BoundVariance}");
        Assert.True(Math.Abs(parts.VarianceA / (m * measured.Find(Estimator.A, 1).BoundVariance) - 1) < 0.1,
            $"A: {parts.VarianceA} vs {m * measured.Find(Estimator.A, 1).BoundVariance}");
        Assert.True(parts.KlNoiseVariance > 0);
        Assert.InRange(parts.Correlation, -1, 1);
        Assert.Equal(2000, parts.Repeats);
    }

    [Fact]
    public void LogLogSlopeOfAPowerLaw()
    {
        double[] x = [1, 2, 4, 8];
        Assert.Equal(-1, EstimatorVariance.LogLogSlope(x, x.Select(v => 3 / v).ToArray()), 12);
        Assert.Equal(0.5, EstimatorVariance.LogLogSlope(x, x.Select(Math.Sqrt).ToArray()), 12);
        // Non-positive values are left out; fewer than two points give NaN.
        Assert.Equal(-2, EstimatorVariance.LogLogSlope([1, 2, 4], [1, 0.25, 0]), 12);
        Assert.True(double.IsNaN(EstimatorVariance.LogLogSlope([1, 2], [1, -1])));
        Assert.Throws<ArgumentException>(() => EstimatorVariance.LogLogSlope([1, 2], [1]));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var x = TestModels.Data(3, model.InputSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => EstimatorVariance.Measure(model, x, [Estimator.A], [1], repeats: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => EstimatorVariance.Measure(model, x, [Estimator.A], [0], repeats: 5));
        Assert.Throws<ArgumentException>(() => EstimatorVariance.Measure(model, x, [Estimator.A, Estimator.A], [1], repeats: 5));
        Assert.Throws<ArgumentException>(() => EstimatorVariance.Measure(model, x, [], [1], repeats: 5));
        Assert.Throws<ArgumentException>(() => EstimatorVariance.Measure(model, TestModels.Data(3, model.InputSize + 1), [Estimator.A], [1], repeats: 5));
        Assert.Throws<ArgumentException>(() => EstimatorVariance.Gradient(model, x, Estimator.A, TestModels.Normal(4, model.LatentSize)));
        Assert.Throws<KeyNotFoundException>(() => EstimatorVariance.Measure(model, x, [Estimator.A], [1], repeats: 3).Find(Estimator.B, 1));
    }

    [Fact]
    public void TableHasOneRowPerResult()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var results = EstimatorVariance.Measure(model, TestModels.Data(3, model.InputSize), All, [1, 2], repeats: 4);
        var lines = EstimatorVariance.FormatTable(results).TrimEnd().Split('\n');
        Assert.Equal(1 + results.Count, lines.Length);
        Assert.StartsWith("score", lines[3]);
        Assert.Contains("E-", lines[1]);
    }
}
