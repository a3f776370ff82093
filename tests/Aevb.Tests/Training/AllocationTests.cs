using Aevb.Models;
using Aevb.Optim;
using Aevb.Inference;
using Aevb.Tensors;
using Aevb.Training;

namespace Aevb.Tests.Training;

[CollectionDefinition(nameof(NonParallel), DisableParallelization = true)]
public sealed class NonParallel;

/// <summary>
/// The training step allocates nothing once warm. Measured with the process-wide precise counter (worker
/// threads included), so this runs alone, after the parallel tests.
/// </summary>
[Collection(nameof(NonParallel))]
public class AllocationTests
{
    [Theory]
    [InlineData(Estimator.B, OptimizerKind.Adagrad, DecoderKind.Bernoulli, 1)]
    [InlineData(Estimator.A, OptimizerKind.Adam, DecoderKind.Gaussian, 3)]
    [InlineData(Estimator.ScoreFunction, OptimizerKind.Adagrad, DecoderKind.Bernoulli, 2)]
    public void TrainingStepDoesNotAllocate(Estimator estimator, OptimizerKind optimizer, DecoderKind decoder, int samples)
    {
        // N = M: every step starts a new epoch (a reshuffle). 64 inputs and hidden units make the products
        // large enough for the engine's parallel GEMM, so its worker threads are measured too.
        var data = new float[100 * 64];
        new Rng(1).FillUniform(data);
        var options = new TrainerOptions { Estimator = estimator, Optimizer = optimizer, SamplesPerDatapoint = samples };
        var trainer = new Trainer(Trainer.CreateModel(new VaeConfig(64, 64, 8, decoder), options), data, null, options);
        for (var i = 0; i < 100; i++) trainer.Step(); // warm-up: buffers, JIT tiers, the first shuffles
        AssertWindowsDoNotAllocate(() => { for (var i = 0; i < 2; i++) trainer.Step(); });
    }

    /// <summary>
    /// The figure runs' side of the one loop: <see cref="TrainingLoop.Step"/> on a reseeded
    /// <see cref="Aevb.Training.Runs.MinibatchStream"/> with an annealed step size set before every step.
    /// </summary>
    [Fact]
    public void FigureRunLoopStepDoesNotAllocate()
    {
        var data = new float[100 * 64];
        new Rng(1).FillUniform(data);
        var model = Vae.Create(new VaeConfig(64, 64, 8), 0.01f, new Rng(3));
        var learner = new Aevb.Training.Runs.AevbLearner(model, new SgvbEstimator(model, Estimator.B, 1),
            new Adagrad(model.Parameters, 0.02f, 1f));
        var stream = new Aevb.Training.Runs.MinibatchStream(new Tensor(100, 64, data), 100, seed: 1);
        stream.Reseed(0);
        var loop = new TrainingLoop(learner, stream, 1f, () => 0.02f)
        {
            LearningRateAt = samples => 0.02f * 1000 / (1000 + samples),
        };
        for (var i = 0; i < 100; i++) loop.Step();
        AssertWindowsDoNotAllocate(() => { for (var i = 0; i < 2; i++) loop.Step(); });
    }

    /// <summary>The same for wake-sleep (wake and sleep phases) and Monte Carlo EM (HMC E-step, M-step updates).</summary>
    [Theory]
    [InlineData("wake-sleep")]
    [InlineData("mcem")]
    public void BaselineStepDoesNotAllocate(string method)
    {
        var data = new float[100 * 64];
        new Rng(1).FillUniform(data);
        var x = new Tensor(100, 64, data);
        var rng = new Rng(2);
        var model = Vae.Create(new VaeConfig(64, 64, 3), 0.1f, new Rng(3));
        Action step;
        if (method == "mcem")
        {
            var mcem = new MonteCarloEm(model.Decoder, 100, new Rng(4));
            var indices = Enumerable.Range(0, 100).ToArray();
            step = () => mcem.Step(x, indices, 1f, rng);
        }
        else
        {
            var wakeSleep = new WakeSleep(model);
            step = () => wakeSleep.Step(x, 1f, rng);
        }
        for (var i = 0; i < 50; i++) step(); // warm-up: buffers, JIT tiers, the first step's step-size search
        AssertWindowsDoNotAllocate(() => { for (var i = 0; i < 2; i++) step(); });
    }

    [Fact]
    public void EvaluationDoesNotAllocatePerChunk()
    {
        var model = Vae.Create(new VaeConfig(30, 20, 4), 0.1f, new Rng(1));
        var evaluator = new LowerBoundEvaluator(model, chunkSize: 100);
        var small = new float[250 * 30];
        var large = new float[350 * 30]; // four chunks, the last one padded
        var rng = new Rng(2);
        evaluator.Evaluate(small, rng);
        AssertWindowsDoNotAllocate(() => { evaluator.Evaluate(large, rng); });
    }

    /// <summary>
    /// Runs <paramref name="window"/> (e.g. two steps) up to 300 times and measures two things each time: this
    /// thread's allocations, which must be zero in every window; and the whole process's (worker threads included),
    /// which must be zero in at least one window: the test host allocates 168 bytes every ~100 ms on its own threads
    /// (measured in an idle test), and the tiered JIT now and then, while a step that allocated would do so in every
    /// window.
    /// </summary>
    internal static void AssertWindowsDoNotAllocate(Action window)
    {
        var smallest = long.MaxValue;
        for (var attempt = 0; attempt < 300 && smallest > 0; attempt++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var beforeThread = GC.GetAllocatedBytesForCurrentThread();
            window();
            smallest = Math.Min(smallest, GC.GetTotalAllocatedBytes(precise: true) - before);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - beforeThread);
        }
        Assert.Equal(0, smallest);
    }
}
