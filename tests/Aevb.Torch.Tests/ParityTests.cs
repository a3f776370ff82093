using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Training;
using TorchSharp;
using static TorchSharp.torch;
using EngineTensor = Aevb.Tensors.Tensor;

namespace Aevb.Torch.Tests;

/// <summary>
/// TorchSharp (autograd) against our engine (hand-written backward) at the same weights and the same ε: every
/// parameter's gradient, for both decoders and estimators A and B, to float32 precision; the bound; and models trained
/// by either engine scoring the same in the other, also through a .safetensors checkpoint.
/// </summary>
public sealed class ParityTests
{
    private const int M = 16, L = 2;

    public static TheoryData<DecoderKind, Estimator> Cases() => new()
    {
        { DecoderKind.Bernoulli, Estimator.B },
        { DecoderKind.Bernoulli, Estimator.A },
        { DecoderKind.Gaussian, Estimator.B },
        { DecoderKind.Gaussian, Estimator.A },
    };

    private static VaeConfig Config(DecoderKind kind) => new(30, 12, 3, kind);

    private static float[] Data(int rows, int cols, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[rows * cols];
        rng.FillUniform(x);
        return x;
    }

    private static EngineTensor Noise(int rows, int cols, ulong seed)
    {
        var eps = new EngineTensor(rows, cols);
        new Rng(seed).FillNormal(eps.Span);
        return eps;
    }

    private static torch.Tensor T(EngineTensor t) => tensor(t.Data, [t.Rows, t.Cols]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AutogradGradientsEqualTheEnginesForEveryParameter(DecoderKind kind, Estimator estimator)
    {
        using var scope = NewDisposeScope();
        var config = Config(kind);
        var model = Vae.Create(config, 0.3f, new Rng(7));
        var x = new EngineTensor(M, config.InputSize, Data(M, config.InputSize, 11));
        var eps = Noise(M * L, config.LatentSize, 13);

        var sgvb = new SgvbEstimator(model, estimator, L);
        model.ZeroGrad();
        var engineBound = sgvb.Forward(x, eps);
        sgvb.Backward(1f);   // Grad = ∇ of −Σ_i L̃(x_i)

        var torchModel = TorchVae.FromVae(model);
        var bound = torchModel.Bound(T(x), T(eps), estimator);
        (-bound.sum()).backward();

        Assert.Equal(engineBound, bound.mean().item<float>(), 1e-4f * Math.Abs(engineBound));
        var grads = torchModel.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        foreach (var (name, p) in model.NamedParameters)
        {
            var expected = p.Grad.Data;
            var actual = grads[name].contiguous().data<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            var largest = expected.Max(Math.Abs);
            for (var i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * largest + 1e-6f,
                    $"{kind}, estimator {estimator}: ∂/∂{name}[{i}] = {expected[i]} (engine) vs {actual[i]} (TorchSharp), largest |g| {largest}");
        }
    }

    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void AModelTrainedByOurEngineScoresTheSameInTorchSharpAndBackThroughACheckpoint(DecoderKind kind)
    {
        using var scope = NewDisposeScope();
        var config = Config(kind);
        var options = new TrainerOptions { BatchSize = 20, InitStd = 0.1f };
        var model = Trainer.CreateModel(config, options);
        var trainer = new Trainer(model, Data(200, config.InputSize, 3), null, options);
        for (var i = 0; i < 50; i++) trainer.Step();

        var x = new EngineTensor(M, config.InputSize, Data(M, config.InputSize, 5));
        var eps = Noise(M, config.LatentSize, 9);
        var engineBound = new SgvbEstimator(model).Forward(x, eps);

        var torchModel = TorchVae.FromVae(model);
        Assert.Equal(engineBound, torchModel.Bound(T(x), T(eps)).mean().item<float>(), 1e-4f * Math.Abs(engineBound));

        var path = Path.Combine(Path.GetTempPath(), $"aevb-torch-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, model, new CheckpointInfo("synthetic", trainer.SamplesSeen));
            var loaded = TorchVae.Load(path);   // TorchSharp.PyBridge load_safetensors, by name
            Assert.Equal(engineBound, loaded.Bound(T(x), T(eps)).mean().item<float>(), 1e-4f * Math.Abs(engineBound));
            Assert.True(model.NamedParameters.Zip(loaded.ToVae().NamedParameters).All(p => p.First.Parameter.Value.Data.SequenceEqual(p.Second.Parameter.Value.Data)),
                "weights changed on the way through the checkpoint");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void AModelTrainedByTorchSharpScoresTheSameInOurEngine(DecoderKind kind)
    {
        using var scope = NewDisposeScope();
        var config = Config(kind);
        torch.manual_seed(1);
        var torchModel = new TorchVae(config);
        var optimizer = optim.Adagrad(torchModel.parameters(), lr: 0.02);
        var data = T(new EngineTensor(200, config.InputSize, Data(200, config.InputSize, 3)));
        for (var step = 0; step < 50; step++)
        {
            using var stepScope = NewDisposeScope();
            var batch = data.narrow(0, step % 10 * 20, 20);
            optimizer.zero_grad();
            var loss = -torchModel.Bound(batch, randn(20, config.LatentSize)).mean();
            loss.backward();
            optimizer.step();
        }

        var x = new EngineTensor(M, config.InputSize, Data(M, config.InputSize, 5));
        var eps = Noise(M, config.LatentSize, 9);
        var torchBound = torchModel.Bound(T(x), T(eps)).mean().item<float>();
        var engineBound = new SgvbEstimator(torchModel.ToVae()).Forward(x, eps);
        Assert.Equal(torchBound, engineBound, 1e-4f * Math.Abs(torchBound));

        var path = Path.Combine(Path.GetTempPath(), $"aevb-torch-{Guid.NewGuid():N}.safetensors");
        try
        {
            torchModel.Save(path, new CheckpointInfo("synthetic", 1000));
            var loaded = Checkpoint.Load(path);
            Assert.Equal(torchBound, new SgvbEstimator(loaded.Model).Forward(x, eps), 1e-4f * Math.Abs(torchBound));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheImportanceWeightedBoundWithOneSampleIsEstimatorAAndGrowsWithK()
    {
        using var scope = NewDisposeScope();
        var config = Config(DecoderKind.Bernoulli);
        var model = TorchVae.FromVae(Vae.Create(config, 0.3f, new Rng(7)));
        var x = T(new EngineTensor(M, config.InputSize, Data(M, config.InputSize, 11)));
        var eps = T(Noise(M, config.LatentSize, 13));
        Assert.Equal(model.Bound(x, eps, Estimator.A).mean().item<float>(), model.ImportanceWeightedBound(x, eps).mean().item<float>(), 1e-3f);
        manual_seed(3);
        var k1 = model.ImportanceWeightedBound(x.repeat(50, 1), randn(50 * M, config.LatentSize)).mean().item<float>();
        var k50 = model.ImportanceWeightedBound(x, randn(50 * M, config.LatentSize)).mean().item<float>();
        Assert.True(k50 > k1, $"IWAE bound k = 50: {k50}, k = 1: {k1}");
    }
}
