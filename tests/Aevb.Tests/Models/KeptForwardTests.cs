using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Tests.Models;

/// <summary>
/// Decoder.KeepForward / TryReuseForward (the Monte Carlo EM step's first weight update at the HMC samples): a state
/// assembled from the rows of two earlier passes gives the bits of a forward pass run on those rows.
/// </summary>
public class KeptForwardTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RowsOfTwoPassesGiveTheBitsOfAForwardPass(bool frozen)
    {
        const int rows = 9;
        var model = TestModels.Small(DecoderKind.Bernoulli, input: 70, hidden: 30);
        var decoder = model.Decoder;
        var x = TestModels.Data(rows, model.InputSize, seed: 8);
        var start = TestModels.Normal(rows, model.LatentSize, seed: 21);
        var end = TestModels.Normal(rows, model.LatentSize, seed: 22);
        // Accepted rows (every third) come from the end point, the others from the start.
        var mixed = new Tensor(rows, model.LatentSize);
        for (var r = 0; r < rows; r++) (r % 3 == 0 ? end : start).Row(r).CopyTo(mixed.Row(r));

        var expected = Pass(model, x, () => decoder.ForwardForLikelihood(mixed));
        var reused = Pass(model, x, () =>
        {
            using (frozen ? decoder.FreezeWeights() : (IDisposable?)null)
            {
                decoder.ForwardForLikelihood(start);
                decoder.KeepForward();
                decoder.ForwardForLikelihood(end);
            }
            Assert.True(decoder.TryReuseForward(mixed));
        });
        Assert.Equal(expected.LogLik, reused.LogLik);
        Assert.Equal(expected.Dz, reused.Dz);
        Assert.Equal(expected.Grads, reused.Grads);
    }

    [Fact]
    public void ARowFromNeitherPassIsRefusedAndTheKeptPassIsUsedOnce()
    {
        var model = TestModels.Small(DecoderKind.Bernoulli, input: 70, hidden: 30);
        var decoder = model.Decoder;
        var start = TestModels.Normal(5, model.LatentSize, seed: 21);
        var end = TestModels.Normal(5, model.LatentSize, seed: 22);
        var other = TestModels.Normal(5, model.LatentSize, seed: 23);
        Assert.False(decoder.TryReuseForward(end)); // nothing kept yet

        decoder.ForwardForLikelihood(start);
        decoder.KeepForward();
        decoder.ForwardForLikelihood(end);
        var mixed = new Tensor(5, model.LatentSize);
        mixed.CopyFrom(end);
        other.Row(2).CopyTo(mixed.Row(2));
        var logits = ((BernoulliMlpDecoder)decoder).Logits.Data.ToArray();
        Assert.False(decoder.TryReuseForward(mixed));
        Assert.Equal(logits, ((BernoulliMlpDecoder)decoder).Logits.Data);
        Assert.False(decoder.TryReuseForward(start)); // used up by the refused call

        // A zero of the other sign is another row: the pass is not reused for it.
        start[0, 0] = 0f;
        var signed = new Tensor(5, model.LatentSize);
        signed.CopyFrom(start);
        signed[0, 0] = -0f;
        decoder.ForwardForLikelihood(start);
        decoder.KeepForward();
        decoder.ForwardForLikelihood(end);
        Assert.False(decoder.TryReuseForward(signed));
    }

    [Fact]
    public void TheGaussianDecoderKeepsNothing()
    {
        var model = TestModels.Small(DecoderKind.Gaussian);
        var z = TestModels.Normal(4, model.LatentSize, seed: 21);
        model.Decoder.ForwardForLikelihood(z);
        model.Decoder.KeepForward();
        Assert.False(model.Decoder.TryReuseForward(z));
    }

    private static (float[] LogLik, float[] Dz, float[] Grads) Pass(Vae model, Tensor x, Action forward)
    {
        model.ZeroGrad();
        forward();
        var logLik = new float[x.Rows];
        model.Decoder.LogLikelihood(x, logLik);
        var dz = model.Decoder.Backward(x, -2f).Data.ToArray();
        var grads = model.Decoder.NamedParameters().SelectMany(p => p.Parameter.Grad.Data.ToArray()).ToArray();
        return (logLik, dz, grads);
    }
}
