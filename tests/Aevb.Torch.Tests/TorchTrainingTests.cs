using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Aevb.Torch.Tests;

/// <summary>
/// <see cref="TorchTraining.Train"/>: the paper's Adagrad step with the weight prior as decay 1/N; a VAE that learns.
/// </summary>
public sealed class TorchTrainingTests
{
    /// <summary>One weight w and the bound c·w for every row: the loss's gradient is −c, the prior's is w/N.</summary>
    private sealed class OneWeight : nn.Module
    {
        public readonly TorchSharp.Modules.Parameter weight;

        public OneWeight(float value) : base(nameof(OneWeight))
        {
            weight = nn.Parameter(tensor(new[] { value }));
            RegisterComponents();
        }
    }

    [Fact]
    public void OneStepIsAdagradOnTheNegativeBoundWithWeightDecayOneOverN()
    {
        using var scope = NewDisposeScope();
        var model = new OneWeight(50f);
        var data = zeros(100, 4);   // N = 100: the prior pulls with w/N = 0.5, more than the bound's 0.3 pushes
        var curve = TorchTraining.Train(model, x => zeros(x.shape[0]) + 0.3f * model.weight, data, count: 100, "one");
        // g = −0.3 + 0.5 > 0; Adagrad's first step is η g / √(g²) = η: the weight moves down by the step size 0.02.
        Assert.Equal(50f - 0.02f, model.weight.item<float>(), 1e-4f);
        Assert.Equal([100L], curve.Samples);
        Assert.Equal(15.0, curve.Bounds[0], 4);   // the minibatch's mean bound before the step: 0.3 × 50
    }

    [Fact]
    public void ATorchVaeTrainedOnTheBoundOfEstimatorBRaisesIt()
    {
        using var scope = NewDisposeScope();
        var config = new VaeConfig(30, 12, 3, DecoderKind.Bernoulli);
        var model = TorchVae.FromVae(Vae.Create(config, 0.01f, new Rng(7)));
        // Binary pixels, pixel j on with probability (j + 0.5) / 30: the decoder can do better than ½ everywhere.
        var x = new float[200 * 30];
        new Rng(11).FillUniform(x);
        for (var k = 0; k < x.Length; k++) x[k] = x[k] < (k % 30 + 0.5f) / 30 ? 1f : 0f;
        var data = tensor(x, [200, 30]);
        manual_seed(5);
        var eps = randn(200, 3);
        double Bound() { using var _ = no_grad(); return model.Bound(data, eps, Estimator.B).mean().item<float>(); }
        var before = Bound();
        torch.Tensor Objective(torch.Tensor b) => model.Bound(b, randn(b.shape[0], 3), Estimator.B);
        var curve = TorchTraining.Train(model, Objective, data, 20_000, "vae", learningRate: 0.1);
        Assert.Equal(20, curve.Samples.Count);
        Assert.Equal(20_000, curve.Samples[^1]);
        Assert.True(Bound() > before + 1, $"bound {before:F2} before, {Bound():F2} after 20,000 samples");
    }
}
