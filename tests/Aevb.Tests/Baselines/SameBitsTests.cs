using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Tests.Training;

namespace Aevb.Tests.Baselines;

/// <summary>
/// The speed-ups of issue #12 keep results bitwise the same: HMC's gradient-only leapfrog steps give the gradient
/// the full evaluation gives, an HMC chain is the same with and without the shortcut, and the Bernoulli decoder's
/// row-parallel passes give the same bits at one thread and at two. Runs alone (it sets the engine's thread count).
/// </summary>
[Collection(nameof(NonParallel))]
public class SameBitsTests
{
    private static (Tensor X, Tensor Z, DecoderLatentModel Model) Setup(int rows, int seed)
    {
        var rng = new Rng((ulong)seed);
        var model = Vae.Create(new VaeConfig(784, 64, 3), 0.1f, rng);
        var x = new Tensor(rows, 784);
        rng.FillUniform(x.Span);
        for (var i = 0; i < x.Span.Length; i++) x.Span[i] = x.Span[i] < 0.3f ? 1f : 0f;
        var z = new Tensor(rows, 3);
        rng.FillNormal(z.Span);
        return (x, z, new DecoderLatentModel(model.Decoder));
    }

    [Fact]
    public void GradientOnlyEqualsFullEvaluation()
    {
        var (x, z, model) = Setup(150, 1);
        var logJoint = new float[150];
        var full = new Tensor(150, 3);
        var alone = new Tensor(150, 3);
        model.LogJoint(x, z, logJoint, full);
        model.LogJointGradient(x, z, new float[150], alone);
        Assert.Equal(full.Data, alone.Data);
    }

    /// <summary>The decoder model without the gradient-only override: every leapfrog step evaluates the value too.</summary>
    private sealed class FullEvaluationOnly(ILatentVariableModel inner) : ILatentVariableModel
    {
        public int InputDim => inner.InputDim;
        public int LatentDim => inner.LatentDim;
        public void LogJoint(Tensor x, Tensor z, Span<float> logJoint, Tensor? gradZ) => inner.LogJoint(x, z, logJoint, gradZ);
    }

    [Fact]
    public void HmcChainIsTheSameWithGradientOnlySteps()
    {
        var (x, z, model) = Setup(40, 2);
        Tensor Run(ILatentVariableModel m)
        {
            var hmc = new Hmc(new LatentPosterior(m, x), leapfrogSteps: 5);
            hmc.Initialize(z);
            var rng = new Rng(3);
            hmc.FindReasonableStepSize(rng);
            for (var t = 0; t < 20; t++) hmc.Step(rng);
            return hmc.Position.Clone();
        }
        Assert.Equal(Run(new FullEvaluationOnly(model)).Data, Run(model).Data);
    }

    [Fact]
    public void DecoderPassesGiveTheSameBitsAtAnyThreadCount()
    {
        var (x, z, model) = Setup(300, 4);
        var saved = Engine.NumThreads;
        try
        {
            (float[] LogLik, float[] Grad, float[] Probs) Evaluate(int threads)
            {
                Engine.NumThreads = threads;
                var logJoint = new float[300];
                var grad = new Tensor(300, 3);
                model.LogJoint(x, z, logJoint, grad);
                var probs = model.Decoder.Forward(z).Data.ToArray();
                return (logJoint, grad.Data, probs);
            }
            var one = Evaluate(1);
            var two = Evaluate(2);
            Assert.Equal(one.LogLik, two.LogLik);
            Assert.Equal(one.Grad, two.Grad);
            Assert.Equal(one.Probs, two.Probs);
        }
        finally
        {
            Engine.NumThreads = saved;
        }
    }

    /// <summary>
    /// One datapoint scored against many latent draws (the Appendix D candidates and fitted-proposal check) in place
    /// gives the bits of that datapoint copied into every row, for either decoder, at one thread and at two.
    /// </summary>
    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.Gaussian)]
    public void OneDatapointInPlaceGivesTheBitsOfItsCopies(DecoderKind kind)
    {
        const int rows = 300;
        var rng = new Rng(5);
        var decoder = Vae.Create(new VaeConfig(784, 64, 3, kind), 0.1f, rng).Decoder;
        var model = new DecoderLatentModel(decoder);
        var x = new float[784];
        for (var i = 0; i < x.Length; i++) x[i] = (i * 7919 % 13) / 12f;
        var copies = new Tensor(rows, 784);
        for (var r = 0; r < rows; r++) x.CopyTo(copies.Row(r));
        var z = new Tensor(rows, 3);
        rng.FillNormal(z.Span);
        var saved = Engine.NumThreads;
        try
        {
            foreach (var threads in new[] { 1, 2 })
            {
                Engine.NumThreads = threads;
                var expected = new float[rows];
                var actual = new float[rows];
                model.LogJoint(copies, z, expected, null);
                model.LogJoint(x, z, actual);
                Assert.Equal(expected, actual);
                Assert.All(actual, v => Assert.True(float.IsFinite(v)));
            }
        }
        finally
        {
            Engine.NumThreads = saved;
        }
    }
}
