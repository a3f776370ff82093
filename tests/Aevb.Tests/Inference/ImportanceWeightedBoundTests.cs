using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Tests.Models;

namespace Aevb.Tests.Inference;

/// <summary>
/// The importance-weighted bound: its gradient against float64 finite differences of an independent
/// implementation with the same ε, k = 1 against estimator A, and the bound's order
/// <c>E[L_1] &lt; E[L_5] &lt; E[L_50] ≤ log p(x)</c> against <c>log p(x)</c> by quadrature.
/// </summary>
public class ImportanceWeightedBoundTests
{
    [Theory]
    [InlineData(DecoderKind.Bernoulli, 1)]
    [InlineData(DecoderKind.Bernoulli, 4)]
    [InlineData(DecoderKind.Gaussian, 3)]
    public void ParameterGradientsMatchFiniteDifferences(DecoderKind decoder, int k)
    {
        const int batch = 3;
        const float scale = 2.5f; // stands in for N/M
        var model = TestModels.Small(decoder);
        var x = TestModels.Data(batch, model.InputSize);
        var eps = TestModels.Normal(batch * k, model.LatentSize);

        var bound = new ImportanceWeightedBound(model, k);
        model.ZeroGrad();
        bound.Forward(x, eps);
        bound.Backward(scale);

        var reference = new ReferenceVae(model);
        for (var i = 0; i < batch; i++)
        {
            var expected = reference.ImportanceWeightedBound(ReferenceVae.Row(x, i),
                Enumerable.Range(0, k).Select(s => ReferenceVae.Row(eps, i * k + s)).ToArray());
            Assert.True(Math.Abs(bound.Bounds[i] - expected) <= 1e-4 * (1 + Math.Abs(expected)),
                $"bound {i}: {bound.Bounds[i]} vs {expected}");
        }
        double Loss() => -scale * reference.SumImportanceWeightedBound(x, eps, k);
        FiniteDifferences.AssertGradients(model, reference, Loss, $"{decoder}, IWAE k={k}");
    }

    /// <summary>With one sample the weight is 1 and <c>L_1 = log w</c>: estimator A with L = 1, value and gradient.
    /// </summary>
    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void OneSampleIsEstimatorA(DecoderKind decoder)
    {
        const int batch = 5;
        const float scale = 12f;
        var model = TestModels.Small(decoder);
        var x = TestModels.Data(batch, model.InputSize);
        var eps = TestModels.Normal(batch, model.LatentSize);

        var estimatorA = new SgvbEstimator(model, Estimator.A);
        model.ZeroGrad();
        estimatorA.Forward(x, eps);
        estimatorA.Backward(scale);
        var expected = model.Parameters.Select(p => p.Grad.Data.ToArray()).ToArray();

        var bound = new ImportanceWeightedBound(model, 1);
        model.ZeroGrad();
        bound.Forward(x, eps);
        bound.Backward(scale);
        for (var i = 0; i < batch; i++)
            Assert.Equal(estimatorA.Bounds[i], bound.Bounds[i], 1e-6f * Math.Abs(estimatorA.Bounds[i]));
        for (var p = 0; p < expected.Length; p++)
        {
            var largest = expected[p].Max(Math.Abs);
            Assert.True(largest > 1e-3f);
            for (var j = 0; j < expected[p].Length; j++)
                Assert.Equal(expected[p][j], model.Parameters[p].Grad.Data[j], 1e-5f * largest);
        }
    }

    /// <summary>
    /// With one latent dimension <c>log p(x) = log ∫ p(x|z) N(z; 0, 1) dz</c> is a quadrature. The mean of
    /// <c>L_k</c> over many draws must rise with k and stay below it: a bound that forgot the <c>−log k</c> would
    /// exceed <c>log p(x)</c>, one that averaged the log-weights instead of their exponentials would not rise.
    /// </summary>
    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void BoundRisesWithKTowardsTheExactLogLikelihood(DecoderKind decoder)
    {
        const int draws = 4000;
        var model = TestModels.Small(decoder, latent: 1);
        var data = TestModels.Data(2, model.InputSize);
        var reference = new ReferenceVae(model);
        var rng = new Rng(3);
        for (var i = 0; i < data.Rows; i++)
        {
            var logPx = LogMarginalByQuadrature(reference, ReferenceVae.Row(data, i));
            var copies = new Tensor(draws, data.Cols);
            for (var r = 0; r < draws; r++) data.Row(i).CopyTo(copies.Row(r));
            var (previous, previousError) = (double.NegativeInfinity, 0.0);
            foreach (var k in new[] { 1, 5, 50 })
            {
                var bound = new ImportanceWeightedBound(model, k);
                bound.Forward(copies, rng);
                var (mean, error, _) = MonteCarloMean.Of(bound.Bounds.ToArray().Select(v => (double)v).ToArray());
                var margin = 3 * Math.Sqrt(error * error + previousError * previousError);
                Assert.True(mean > previous + margin, $"x{i}: E[L_{k}] = {mean} ± {error} after {previous}");
                Assert.True(mean <= logPx + 3 * error, $"x{i}: E[L_{k}] = {mean} ± {error} above log p(x) = {logPx}");
                (previous, previousError) = (mean, error);
            }
        }
    }

    [Fact]
    public void EvaluateAveragesTheBoundOverChunks()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var data = TestModels.Data(250, model.InputSize);
        var evaluated = new ImportanceWeightedBound(model, 5).Evaluate(data.Span, new Rng(4));

        // The same chunks of 100 rows (the last one padded with zeros) and the same noise, by hand.
        var bound = new ImportanceWeightedBound(model, 5);
        var chunk = new Tensor(100, model.InputSize);
        var rng = new Rng(4);
        double total = 0;
        for (var start = 0; start < 250; start += 100)
        {
            var rows = Math.Min(100, 250 - start);
            chunk.Zero();
            data.Span.Slice(start * chunk.Cols, rows * chunk.Cols).CopyTo(chunk.Span);
            bound.Forward(chunk, rng);
            for (var i = 0; i < rows; i++) total += bound.Bounds[i];
        }
        Assert.Equal(total / 250, evaluated, 1e-9);
    }

    private static double LogMarginalByQuadrature(ReferenceVae reference, double[] x)
    {
        const double step = 0.002, limit = 12;
        var logTerms = new List<double>();
        for (var z = -limit; z <= limit; z += step)
            logTerms.Add(reference.LogLikelihood(x, [z]) - 0.5 * z * z - 0.5 * Math.Log(2 * Math.PI) + Math.Log(step));
        var max = logTerms.Max();
        return max + Math.Log(logTerms.Sum(v => Math.Exp(v - max)));
    }
}
