using Aevb.Nn;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Tests.Optim;

public class OptimizerTests
{
    private static Parameter Param(params float[] values)
    {
        var p = new Parameter(1, values.Length);
        values.CopyTo(p.Value.Span);
        return p;
    }

    private static void Run(Optimizer opt, Parameter p)
    {
        float[][] grads = [[0.1f, -0.2f, 0f], [0.3f, 0f, -0.1f]];
        foreach (var g in grads)
        {
            g.CopyTo(p.Grad.Span);
            opt.Step();
        }
    }

    [Fact]
    public void AdagradStepsEqualHandComputedOnes()
    {
        // θ = (1, −2, 0.5), λ = 0.5, lr = 0.1. Step 1: g' = g + λθ = (0.6, −1.2, 0.25), G = g'², so each
        // coordinate moves by exactly lr against its sign: (0.9, −1.9, 0.4). Step 2: g' = (0.75, −0.95, 0.1),
        // G = (0.9225, 2.3425, 0.0725), θ −= 0.1 g' / √G.
        var p = Param(1f, -2f, 0.5f);
        var opt = new Adagrad([p], learningRate: 0.1f, weightDecay: 0.5f);
        Run(opt, p);
        double[] expected = [0.9 - 0.1 * 0.75 / Math.Sqrt(0.9225), -1.9 + 0.1 * 0.95 / Math.Sqrt(2.3425), 0.4 - 0.1 * 0.1 / Math.Sqrt(0.0725)];
        Assert.Equal(0.8219131190801552, expected[0], 9); // the same numbers written out
        for (var i = 0; i < 3; i++) Assert.Equal(expected[i], p.Value.Data[i], 5);
        Assert.Equal(new[] { 0.9225f, 2.3425f, 0.0725f }, opt.SumOfSquares(0).ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(2, opt.StepCount);
    }

    [Fact]
    public void AdamStepsEqualHandComputedOnes()
    {
        // Torch's Adam with L2 weight decay. Step 1 (bias-corrected m̂ = g', v̂ = g'²) moves each coordinate by lr;
        // step 2: m = 0.9·0.1 g'₁ + 0.1 g'₂, v = 0.999·0.001 g'₁² + 0.001 g'₂², corrected by 1 − β², 1 − β²₂.
        var p = Param(1f, -2f, 0.5f);
        var opt = new Adam([p], learningRate: 0.1f, weightDecay: 0.5f);
        Run(opt, p);
        double[] g1 = [0.6, -1.2, 0.25], g2 = [0.75, -0.95, 0.1], start = [0.9, -1.9, 0.4];
        for (var i = 0; i < 3; i++)
        {
            var m = 0.09 * g1[i] + 0.1 * g2[i];
            var v = 0.999 * 0.001 * g1[i] * g1[i] + 0.001 * g2[i] * g2[i];
            var expected = start[i] - 0.1 * (m / (1 - 0.81)) / (Math.Sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
            Assert.Equal(expected, p.Value.Data[i], 5);
        }
        Assert.Equal(0.8000358995445791, p.Value.Data[0], 5);
    }

    [Theory]
    [InlineData(OptimizerKind.Adagrad)]
    [InlineData(OptimizerKind.Adam)]
    public void VectorAndScalarPathsAgreeWithAPlainLoop(OptimizerKind kind)
    {
        // 37 values: the SIMD body and the scalar tail both run.
        var rng = new Rng(3);
        var p = new Parameter(1, 37);
        rng.FillNormal(p.Value.Span);
        var theta = p.Value.Data.Select(v => (double)v).ToArray();
        var opt = Optimizers.Create(kind, [p], 0.05f, 0.2f);
        var s1 = new double[37];
        var s2 = new double[37];
        for (var t = 1; t <= 3; t++)
        {
            rng.FillNormal(p.Grad.Span);
            for (var i = 0; i < 37; i++)
            {
                var g = p.Grad.Data[i] + 0.2 * theta[i];
                if (kind == OptimizerKind.Adagrad)
                {
                    s1[i] += g * g;
                    theta[i] -= 0.05 * g / (Math.Sqrt(s1[i]) + 1e-10);
                }
                else
                {
                    s1[i] = 0.9 * s1[i] + 0.1 * g;
                    s2[i] = 0.999 * s2[i] + 0.001 * g * g;
                    theta[i] -= 0.05 / (1 - Math.Pow(0.9, t)) * s1[i] / (Math.Sqrt(s2[i] / (1 - Math.Pow(0.999, t))) + 1e-8);
                }
            }
            opt.Step();
        }
        for (var i = 0; i < 37; i++) Assert.Equal(theta[i], p.Value.Data[i], 4);
    }

    [Theory]
    [InlineData(OptimizerKind.Adagrad)]
    [InlineData(OptimizerKind.Adam)]
    public void LargeParametersSplitAcrossThreadsGiveTheSameBitsAsOneScalarLoop(OptimizerKind kind)
    {
        // 392,000 values (the size of the paper's 784 x 500 weight): the engine shares the update
        // between its threads. Every element must come out exactly as a float loop computes it.
        const int n = 784 * 500;
        const float lr = 0.02f, wd = 0.5f, b1 = 0.9f, b2 = 0.999f;
        var rng = new Rng(8);
        var p = new Parameter(500, 784);
        rng.FillNormal(p.Value.Span);
        var theta = p.Value.Data.ToArray();
        var s1 = new float[n];
        var s2 = new float[n];
        var opt = Optimizers.Create(kind, [p], lr, wd);
        for (var t = 1; t <= 3; t++)
        {
            rng.FillNormal(p.Grad.Span);
            var stepSize = (float)(lr / (1 - Math.Pow(b1, t)));
            var root2 = (float)Math.Sqrt(1 - Math.Pow(b2, t));
            for (var i = 0; i < n; i++)
            {
                var g = p.Grad.Data[i] + wd * theta[i];
                if (kind == OptimizerKind.Adagrad)
                {
                    s1[i] += g * g;
                    theta[i] -= lr * g / (MathF.Sqrt(s1[i]) + 1e-10f);
                }
                else
                {
                    s1[i] = b1 * s1[i] + (1 - b1) * g;
                    s2[i] = b2 * s2[i] + (1 - b2) * g * g;
                    theta[i] -= stepSize * s1[i] / (MathF.Sqrt(s2[i]) / root2 + 1e-8f);
                }
            }
            opt.Step();
        }
        Assert.True(theta.AsSpan().SequenceEqual(p.Value.Data), "the parallel update differs from the scalar loop");
    }

    [Fact]
    public void StepDescendsAQuadratic()
    {
        var p = Param(3f, -4f);
        var opt = new Adagrad([p], learningRate: 0.5f);
        for (var t = 0; t < 200; t++)
        {
            for (var i = 0; i < 2; i++) p.Grad.Data[i] = 2 * p.Value.Data[i]; // ∇ of θ²
            opt.Step();
        }
        Assert.True(Math.Abs(p.Value.Data[0]) < 0.05 && Math.Abs(p.Value.Data[1]) < 0.05);
    }

    [Fact]
    public void BadSettingsAreRejected()
    {
        var p = Param(1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad([p], learningRate: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], weightDecay: -1f));
        Assert.Throws<ArgumentException>(() => new Adagrad([]));
    }
}
