using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Tests.Baselines;

public class MonteCarloEmTests
{
    private const int Hidden = 50, Latent = 3;

    private static BernoulliMlpDecoder NewDecoder(ulong seed)
    {
        var decoder = new BernoulliMlpDecoder(Latent, Hidden, 784);
        Aevb.Nn.Init.Normal(decoder.NamedParameters().Select(p => p.Parameter), 0.01f, new Rng(seed));
        return decoder;
    }

    private static (MonteCarloEm Method, List<double> Objective, List<double> Acceptance) Train(Tensor data, ulong seed, int epochs, BernoulliMlpDecoder? decoder = null)
    {
        decoder ??= NewDecoder(seed);
        var rng = new Rng(seed + 1);
        var method = new MonteCarloEm(decoder, data.Rows, rng.Fork(), learningRate: 0.02f);
        const int m = 100;
        var order = Enumerable.Range(0, data.Rows).ToArray();
        var batch = new Tensor(m, 784);
        var objective = new List<double>();
        var acceptance = new List<double>();
        for (var e = 0; e < epochs; e++)
        {
            rng.Shuffle(order);
            for (var b = 0; b + m <= data.Rows; b += m)
            {
                MnistSubset.Gather(data, order.AsSpan(b, m), batch);
                method.Step(batch, order.AsSpan(b, m), (float)data.Rows / m, rng);
                objective.Add(method.LastObjective);
                acceptance.Add(method.LastAcceptance);
            }
        }
        return (method, objective, acceptance);
    }

    /// <summary>
    /// The M-step's first update on the E-step's own pass (trajectory end for accepted chains, start for rejected ones)
    /// gives the bits of recomputing it: weights, chain states, objectives; the rejected chains are exercised.
    /// </summary>
    [Fact]
    public void ReusingTheSamplersPassGivesTheBitsOfRecomputingIt()
    {
        var data = MnistSubset.First(200);
        (float[] Weights, float[] Chains, float[] Objectives, double MinAcceptance) Run(bool reuse)
        {
            var decoder = NewDecoder(4);
            var rng = new Rng(5);
            var method = new MonteCarloEm(decoder, data.Rows, rng.Fork()) { ReuseSamplerPass = reuse };
            var batch = new Tensor(100, 784);
            var objectives = new List<float>();
            var minAcceptance = 1.0;
            for (var step = 0; step < 6; step++)
            {
                var indices = Enumerable.Range((step % 2) * 100, 100).ToArray();
                MnistSubset.Gather(data, indices, batch);
                method.Step(batch, indices, 2f, rng);
                objectives.Add(method.LastObjective);
                minAcceptance = Math.Min(minAcceptance, method.LastAcceptance);
            }
            var weights = decoder.NamedParameters().SelectMany(p => p.Parameter.Value.Data.ToArray()).ToArray();
            return (weights, method.ChainStates.ToArray(), objectives.ToArray(), minAcceptance);
        }
        var recomputed = Run(reuse: false);
        var reused = Run(reuse: true);
        Assert.True(recomputed.MinAcceptance < 0.99, "some chains must be rejected for the test to mean anything");
        Assert.Equal(recomputed.Objectives, reused.Objectives);
        Assert.Equal(recomputed.Chains, reused.Chains);
        Assert.Equal(recomputed.Weights, reused.Weights);
    }

    [Fact]
    public void ImprovesTheMarginalLikelihoodOnAnMnistSubset()
    {
        var data = MnistSubset.First(300);
        var probe = new Tensor(10, 784);
        data.Data.AsSpan(0, probe.Length).CopyTo(probe.Span);
        static HmcMarginalLikelihood Estimator(ILatentVariableModel model) => new(model) { Samples = 30, ChainsPerPoint = 2, WarmupSteps = 30, Thin = 1 };
        var before = Estimator(new DecoderLatentModel(NewDecoder(4))).Estimate(probe, new Rng(8));

        var (method, objective, acceptance) = Train(data, seed: 4, epochs: 15);
        var after = Estimator(method.Model).Estimate(probe, new Rng(8));

        // EM climbs the marginal likelihood (Appendix D estimate on 10 training points) by far more than its MC error,
        // and the complete-data objective log p(x, z) at the chain states with it.
        Assert.True(after.Mean > before.Mean + 50 + 4 * (after.MeanStandardError + before.MeanStandardError), $"log p(x): {before} → {after}");
        Assert.True(objective.TakeLast(3).Average() > objective.Take(3).Average() + 50, $"log p(x, z): {objective.Take(3).Average():F1} → {objective.TakeLast(3).Average():F1}");
        // The shared step size, tuned every minibatch, brings the acceptance to the 90% target.
        Assert.InRange(acceptance.TakeLast(15).Average(), 0.8, 0.97);
        Assert.True(method.StepSize > 0 && float.IsFinite(method.StepSize));
    }

    [Fact]
    public void KeepsOneChainPerTrainingPoint()
    {
        var data = MnistSubset.First(200);
        var rng = new Rng(31);
        var method = new MonteCarloEm(NewDecoder(30), 200, rng.Fork());
        var before = Enumerable.Range(0, 200).Select(i => method.ChainState(i).ToArray()).ToArray();
        int[] indices = Enumerable.Range(50, 100).ToArray();
        var batch = new Tensor(100, 784);
        MnistSubset.Gather(data, indices, batch);
        for (var k = 0; k < 5; k++) method.Step(batch, indices, 2f, rng);
        for (var i = 0; i < 200; i++)
        {
            var moved = !before[i].SequenceEqual(method.ChainState(i).ToArray());
            var inBatch = i >= 50 && i < 150;
            if (!inBatch) Assert.False(moved, $"chain {i} is not in the batch but moved");
            Assert.Equal(inBatch, method.Visited[i]);
        }
        Assert.True(indices.Count(i => !before[i].SequenceEqual(method.ChainState(i).ToArray())) > 80, "most chains in the batch moved in five transitions");
    }

    [Fact]
    public void SameSeedSameParametersAndChains()
    {
        var data = MnistSubset.First(200);
        var a = Train(data, seed: 40, epochs: 1).Method;
        var b = Train(data, seed: 40, epochs: 1).Method;
        var c = Train(data, seed: 41, epochs: 1).Method;
        Assert.Equal(a.ChainStates.ToArray(), b.ChainStates.ToArray());
        var pa = a.Decoder.NamedParameters().Select(p => p.Parameter.Value.Data).ToArray();
        var pb = b.Decoder.NamedParameters().Select(p => p.Parameter.Value.Data).ToArray();
        var pc = c.Decoder.NamedParameters().Select(p => p.Parameter.Value.Data).ToArray();
        for (var i = 0; i < pa.Length; i++) Assert.Equal(pa[i], pb[i]);
        Assert.NotEqual(pa[0], pc[0]);
    }
}
