using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Tests.Models;

namespace Aevb.Tests.Inference;

public class LowerBoundEvaluatorTests
{
    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void AveragesEstimatorBOverTheDataWithOneNoiseDrawPerChunkRow(DecoderKind decoder)
    {
        // 23 rows in chunks of 10: the last chunk is padded; padded rows draw noise but do not count.
        const int n = 23, chunk = 10;
        var model = TestModels.Small(decoder);
        var data = TestModels.Data(n, model.InputSize);
        var mean = new LowerBoundEvaluator(model, chunk).Evaluate(data.Span, new Rng(42));

        var reference = new ReferenceVae(model);
        var rng = new Rng(42);
        double total = 0;
        for (var start = 0; start < n; start += chunk)
        {
            var eps = new Tensor(chunk, model.LatentSize);
            rng.FillNormal(eps.Span);
            for (var i = 0; i < Math.Min(chunk, n - start); i++)
                total += reference.Bound(ReferenceVae.Row(data, start + i), [ReferenceVae.Row(eps, i)], Estimator.B);
        }
        Assert.Equal(total / n, mean, 4);
    }

    [Fact]
    public void TheFixedNoiseBoundIsTheEvaluatorUnderSeed2014AndRepeatsExactly()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli);
        var data = new Aevb.Data.Dataset("small", TestModels.Data(37, model.InputSize).Data, 37, model.InputSize);
        var bound = LowerBoundEvaluator.FixedNoiseBound(model, data);
        Assert.Equal(new LowerBoundEvaluator(model).Evaluate(data, new Rng(2014)), bound);
        Assert.Equal(bound, LowerBoundEvaluator.FixedNoiseBound(model, data));   // the same noise every call
        Assert.NotEqual(bound, new LowerBoundEvaluator(model).Evaluate(data, new Rng(2015)));
    }

    [Fact]
    public void RejectsDataOfTheWrongWidth()
    {
        var evaluator = new LowerBoundEvaluator(TestModels.Small(DecoderKind.Bernoulli));
        Assert.Throws<ArgumentException>(() => evaluator.Evaluate(new float[13], new Rng(1)));
    }
}
