using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Training;
using Aevb.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;
using EngineTensor = Aevb.Tensors.Tensor;

namespace Aevb.Torch.Tests;

/// <summary>
/// <see cref="TorchLearner"/>, a model from outside the library, in the figure runs (issue 17): after its steps the
/// run's engine model holds the torch weights, its checkpoint state resumes, and <c>--method torch</c> trains through
/// the same harness as the built-in methods to about where our own AEVB gets.
/// </summary>
public sealed class TorchLearnerTests
{
    private const int Rows = 20;

    private static readonly VaeConfig s_config = new(30, 12, 3, DecoderKind.Gaussian);

    private static readonly RunSettings s_settings = new()
    {
        Method = TorchLearner.MethodName, Dataset = "frey", Hidden = 12, Latent = 3, Samples = 1000, LearningRate = 0.05f,
    };

    private static TorchLearner NewLearner(ulong seed = 7)
    {
        var model = Vae.Create(s_config, 0.1f, new Rng(seed));
        return new TorchLearner(new LearnerContext(s_settings, model, 500, new Rng(1)));
    }

    private static EngineTensor Batch(ulong seed)
    {
        var x = new EngineTensor(Rows, s_config.InputSize);
        new Rng(seed).FillUniform(x.Span);
        return x;
    }

    private static void Train(RunLearner learner, int steps, ulong seed)
    {
        var rng = new Rng(seed);
        for (var k = 0; k < steps; k++) learner.Step(Batch(seed + (ulong)k), [], 25f, rng);
    }

    [Fact]
    public void AfterTrainingTheEngineModelHasTheTorchModelsBound()
    {
        var learner = NewLearner();
        var before = learner.Model.Parameters.Select(p => p.Value.Data.ToArray()).ToArray();
        Train(learner, 5, 3);
        Assert.NotEqual(before[0], learner.Model.Parameters[0].Value.Data);

        var x = Batch(99);
        var eps = new EngineTensor(Rows, s_config.LatentSize);
        new Rng(5).FillNormal(eps.Span);
        var engine = new SgvbEstimator(learner.Model, Estimator.B, 1).Forward(x, eps);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var torchBound = learner.TorchModel.Bound(tensor(x.Data, [Rows, x.Cols]), tensor(eps.Data, [Rows, eps.Cols]))
            .mean().item<float>();
        Assert.Equal(torchBound, engine, Math.Abs(torchBound) * 1e-5 + 1e-4);
    }

    [Fact]
    public void CheckpointStateRestoredIntoAFreshLearnerContinuesTheSameSteps()
    {
        var straight = NewLearner();
        Train(straight, 4, 3);
        var resumed = NewLearner(seed: 8);   // a different start, overwritten by the "checkpoint"
        foreach (var (p, q) in straight.Model.Parameters.Zip(resumed.Model.Parameters)) p.Value.Span.CopyTo(q.Value.Span);
        foreach (var ((_, saved), (_, restored)) in straight.StateBuffers().Zip(resumed.StateBuffers()))
            saved().CopyTo(restored());
        resumed.RestoreMetadata(new SafeTensorsFile([], new Dictionary<string, string>()));

        Train(straight, 3, 50);
        Train(resumed, 3, 50);
        foreach (var (p, q) in straight.Model.Parameters.Zip(resumed.Model.Parameters))
            Assert.Equal(p.Value.Data, q.Value.Data);
        Assert.Equal(straight.StateBuffers().First().Buffer().ToArray(), resumed.StateBuffers().First().Buffer().ToArray());
    }

    /// <summary>
    /// The learner's own Adagrad (written out in TorchSharp operations to dodge 0.107's Scalar race) gives exactly
    /// the numbers of TorchSharp's <c>optim.Adagrad</c>: the same steps on the same model and noise, bit for bit.
    /// The reference optimizer runs inside a no-GC region, where the race it has cannot happen.
    /// </summary>
    [Fact]
    public void ItsAdagradStepsAreTorchSharpsAdagradBitForBit()
    {
        const int steps = 3;
        const float scale = 25f;
        var learner = NewLearner();
        var reference = TorchVae.FromVae(Vae.Create(s_config, 0.1f, new Rng(7)));   // NewLearner's start
        var optimizer = optim.Adagrad(reference.parameters(), lr: s_settings.LearningRate, weight_decay: s_settings.WeightDecay, eps: 1e-10);

        var learnerNoise = new Rng(3);
        var referenceNoise = new Rng(3);
        for (var k = 0; k < steps; k++)
        {
            var batch = Batch(3 + (ulong)k);
            learner.Step(batch, [], scale, learnerNoise);

            using var scope = NewDisposeScope();
            var eps = new float[Rows * s_config.LatentSize];
            referenceNoise.FillNormal(eps);   // what the learner drew for this step
            var bounds = reference.Bound(tensor(batch.Data, [Rows, batch.Cols]), tensor(eps, [Rows, s_config.LatentSize]));
            optimizer.zero_grad();
            using (var minusScale = (-scale).ToScalar()) bounds.sum().mul(minusScale).backward();   // a held Scalar, as the learner does
            Assert.True(GC.TryStartNoGCRegion(16 << 20));
            try { optimizer.step(); }
            finally { GC.EndNoGCRegion(); }
        }

        var expected = reference.ToVae();
        foreach (var (ours, torch) in learner.Model.Parameters.Zip(expected.Parameters))
            Assert.Equal(torch.Value.Data, ours.Value.Data);
    }

    [Fact]
    public void RegistersOnceUnderItsName()
    {
        var method = TorchLearner.Register();
        Assert.Same(method, TorchLearner.Register());
        Assert.Same(method, MethodRegistry.Get("torch"));
        Assert.Equal("TorchSharp AEVB", MethodRegistry.Label("torch"));
    }
}
