using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Tests.Inference;

/// <summary>
/// A training step on the importance-weighted bound (forward, backward, Adagrad) allocates nothing once warm;
/// measured like the other estimators' steps (process-wide counter, so it runs alone with them).
/// </summary>
[Collection("NonParallel")]
public class ImportanceWeightedBoundAllocationTests
{
    [Theory]
    [InlineData(DecoderKind.Bernoulli, 5)]
    [InlineData(DecoderKind.Gaussian, 1)]
    public void StepDoesNotAllocate(DecoderKind decoder, int k)
    {
        // 64 inputs and hidden units make the products large enough for the engine's parallel GEMM.
        var x = new Tensor(100, 64);
        new Rng(1).FillUniform(x.Span);
        var model = Vae.Create(new VaeConfig(64, 64, 8, decoder), 0.1f, new Rng(2));
        var bound = new ImportanceWeightedBound(model, k);
        var optimizer = new Adagrad(model.Parameters, 0.02f, 1f);
        var rng = new Rng(3);
        void Step()
        {
            model.ZeroGrad();
            bound.Step(x, 60_000f / 100, rng);
            optimizer.Step();
        }
        for (var i = 0; i < 50; i++) Step(); // warm-up: buffers, JIT tiers
        Training.AllocationTests.AssertWindowsDoNotAllocate(() => { for (var i = 0; i < 2; i++) Step(); });
    }
}
