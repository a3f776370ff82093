using Aevb.Tensors;

namespace Aevb.Tests.Tensors;

public class KernelsTests
{
    [Fact]
    public void TanhIsAccurateToAFewUlpEverywhere()
    {
        var x = Grid();
        var y = new float[x.Length];
        Kernels.Tanh(x, y);
        for (var i = 0; i < x.Length; i++) AssertUlp(Math.Tanh(x[i]), y[i], 2, $"tanh({x[i]})");
    }

    [Fact]
    public void SigmoidIsAccurateToAFewUlpDownToItsLowerTail()
    {
        var x = Grid();
        var y = new float[x.Length];
        Kernels.Sigmoid(x, y);
        for (var i = 0; i < x.Length; i++)
        {
            var exact = 1 / (1 + Math.Exp(-(double)x[i]));
            if (exact < 1e-37) Assert.InRange(y[i], 0f, 1e-37f); // below float's normal range
            else AssertUlp(exact, y[i], 3, $"sigmoid({x[i]})");
        }
    }

    /// <summary>The narrower vector paths (used on AVX2-only and ARM64 machines) checked directly on this one.</summary>
    [Fact]
    public void Vector256AndVector128PathsAreAsAccurate()
    {
        var x = Grid();
        for (var i = 0; i + 8 <= x.Length; i += 8)
        {
            var v8 = System.Runtime.Intrinsics.Vector256.Create(x, i);
            var t8 = VectorMath.Tanh(v8);
            var s8 = VectorMath.Sigmoid(v8);
            var v4 = System.Runtime.Intrinsics.Vector128.Create(x, i);
            var t4 = VectorMath.Tanh(v4);
            var s4 = VectorMath.Sigmoid(v4);
            for (var j = 0; j < 8; j++)
            {
                AssertUlp(Math.Tanh(x[i + j]), t8[j], 2, $"tanh256({x[i + j]})");
                var exact = 1 / (1 + Math.Exp(-(double)x[i + j]));
                if (exact >= 1e-37) AssertUlp(exact, s8[j], 3, $"sigmoid256({x[i + j]})");
                if (j < 4)
                {
                    AssertUlp(Math.Tanh(x[i + j]), t4[j], 2, $"tanh128({x[i + j]})");
                    if (exact >= 1e-37) AssertUlp(exact, s4[j], 3, $"sigmoid128({x[i + j]})");
                }
            }
        }
        Assert.True(float.IsNaN(VectorMath.Tanh(System.Runtime.Intrinsics.Vector128.Create(float.NaN))[0]));
        Assert.True(float.IsNaN(VectorMath.Sigmoid(System.Runtime.Intrinsics.Vector256.Create(float.NaN))[0]));
        Assert.True(float.IsNaN(VectorMath.Tanh(float.NaN)));
        Assert.Equal(0f, VectorMath.Sigmoid(float.NegativeInfinity));
    }

    [Fact]
    public void SpecialValues()
    {
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-30f, -1e-30f, 100f, -100f];
        var t = new float[x.Length];
        var s = new float[x.Length];
        Kernels.Tanh(x, t);
        Kernels.Sigmoid(x, s);
        // Also through the vector path: the same values inside a 32-element span.
        var wide = Enumerable.Repeat(0.5f, 32).ToArray();
        x.CopyTo(wide, 3);
        var tw = new float[32];
        var sw = new float[32];
        Kernels.Tanh(wide, tw);
        Kernels.Sigmoid(wide, sw);
        foreach (var (tanh, sigmoid, offset) in new[] { (t, s, 0), (tw, sw, 3) })
        {
            Assert.True(float.IsNaN(tanh[offset]), "tanh(NaN) must stay NaN so training can detect it");
            Assert.True(float.IsNaN(sigmoid[offset]), "sigmoid(NaN) must stay NaN");
            Assert.Equal(1f, tanh[offset + 1]);
            Assert.Equal(-1f, tanh[offset + 2]);
            Assert.Equal(1f, sigmoid[offset + 1]);
            Assert.Equal(0f, sigmoid[offset + 2]);
            Assert.Equal(0f, tanh[offset + 3]);
            Assert.Equal(0.5f, sigmoid[offset + 3]);
            Assert.Equal(1e-30f, tanh[offset + 5]);
            Assert.Equal(-1e-30f, tanh[offset + 6]);
            Assert.Equal(1f, tanh[offset + 7]);
            Assert.Equal(-1f, tanh[offset + 8]);
            Assert.Equal(1f, sigmoid[offset + 7]);
            Assert.InRange(sigmoid[offset + 8], 0f, 1e-37f);
        }
    }

    [Fact]
    public void BackwardKernelsMatchTheirFormulasOnEveryLength()
    {
        var rng = new Rng(1);
        foreach (var n in new[] { 0, 1, 7, 8, 15, 16, 17, 33, 1000 })
        {
            var y = new float[n];
            var dy = new float[n];
            for (var i = 0; i < n; i++)
            {
                y[i] = 2 * rng.NextFloat() - 1;
                dy[i] = rng.NextGaussian();
            }
            var dx = new float[n];
            Kernels.TanhBackward(y, dy, dx);
            for (var i = 0; i < n; i++) Assert.Equal(dy[i] * (1 - y[i] * y[i]), dx[i], 6);
            Kernels.SigmoidBackward(y, dy, dx);
            for (var i = 0; i < n; i++) Assert.Equal(dy[i] * y[i] * (1 - y[i]), dx[i], 6);
            // In place.
            var copy = (float[])dy.Clone();
            Kernels.TanhBackward(y, copy, copy);
            for (var i = 0; i < n; i++) Assert.Equal(dy[i] * (1 - y[i] * y[i]), copy[i], 6);
        }
        Assert.Throws<ArgumentException>(() => Kernels.TanhBackward(new float[3], new float[3], new float[2]));
    }

    /// <summary>
    /// softplus against float64 on every vector width the CPU runs natively (Vector512 in software has no fused
    /// multiply-add and is not used by the engine there).
    /// </summary>
    [Fact]
    public void SoftplusIsAccurateToAFewUlpOnEveryVectorWidth()
    {
        var x = Grid();
        for (var i = 0; i + 16 <= x.Length; i += 16)
        {
            var s16 = VectorMath.Softplus(System.Runtime.Intrinsics.Vector512.Create(x, i));
            var s8 = VectorMath.Softplus(System.Runtime.Intrinsics.Vector256.Create(x, i));
            var s4 = VectorMath.Softplus(System.Runtime.Intrinsics.Vector128.Create(x, i));
            for (var j = 0; j < 16; j++)
            {
                double l = x[i + j];
                var exact = Math.Max(l, 0) + Log1p(Math.Exp(-Math.Abs(l)));
                if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) Check(exact, s16[j], "softplus512", x[i + j]);
                if (j < 8) Check(exact, s8[j], "softplus256", x[i + j]);
                if (j < 4) Check(exact, s4[j], "softplus128", x[i + j]);
                if (i == 0) Check(exact, VectorMath.Softplus(x[i + j]), "softplus scalar", x[i + j]);
            }
        }
        Assert.True(float.IsNaN(VectorMath.Softplus(System.Runtime.Intrinsics.Vector256.Create(float.NaN))[0]));
        Assert.Equal(float.PositiveInfinity, VectorMath.Softplus(System.Runtime.Intrinsics.Vector256.Create(float.PositiveInfinity))[0]);
        Assert.InRange(VectorMath.Softplus(System.Runtime.Intrinsics.Vector256.Create(float.NegativeInfinity))[0], 0f, 2e-38f);

        static void Check(double exact, float actual, string what, float l)
        {
            if (exact < 1e-37) Assert.InRange(actual, 0f, 1.1e-37f); // e^l near and below float's normal range (exp clamps at −87)
            else AssertUlp(exact, actual, 3, $"{what}({l})");
        }
    }

    /// <summary>The fused Bernoulli log-likelihood of a row against the float64 sum, on lengths that exercise every tail.</summary>
    [Fact]
    public void BernoulliLogLikelihoodMatchesFloat64()
    {
        var rng = new Rng(5);
        foreach (var n in new[] { 0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 24, 31, 560, 784, 1000 })
        {
            foreach (var spread in new[] { 0.1f, 3f, 30f, 120f })
            {
                var l = new float[n];
                var x = new float[n];
                for (var i = 0; i < n; i++)
                {
                    l[i] = spread * rng.NextGaussian();
                    x[i] = rng.NextFloat() < 0.3f ? 1f : rng.NextFloat() < 0.1f ? rng.NextFloat() : 0f;
                }
                double exact = 0, magnitude = 0;
                for (var i = 0; i < n; i++)
                {
                    double li = l[i];
                    var term = x[i] * li - (Math.Max(li, 0) + Log1p(Math.Exp(-Math.Abs(li))));
                    exact += term;
                    magnitude += Math.Abs(x[i] * li) + Math.Abs(term);
                }
                var actual = Kernels.BernoulliLogLikelihood(l, x);
                Assert.True(Math.Abs(actual - exact) <= 1e-6 * magnitude + 1e-30,
                    $"n = {n}, spread {spread}: {actual} vs {exact} (error {Math.Abs(actual - exact):E2}, scale {magnitude:E2})");
            }
        }
        Assert.True(float.IsNaN(Kernels.BernoulliLogLikelihood(Enumerable.Repeat(float.NaN, 16).ToArray(), new float[16])));
        Assert.Throws<ArgumentException>(() => Kernels.BernoulliLogLikelihood(new float[3], new float[2]));
    }

    /// <summary>
    /// The fused logit gradient <c>(x − σ(l))·scale</c> gives the bits of the sigmoid kernel, a subtraction and a
    /// multiplication (its three-pass form before), and is within a few ulp of float64, on lengths with every tail.
    /// </summary>
    [Fact]
    public void BernoulliGradLogitsGivesTheBitsOfItsStepsAndMatchesFloat64()
    {
        var rng = new Rng(8);
        foreach (var n in new[] { 0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 784, 1001 })
            foreach (var scale in new[] { 1f, -2.5f, 600f })
            {
                var l = new float[n];
                var x = new float[n];
                for (var i = 0; i < n; i++)
                {
                    l[i] = 8f * rng.NextGaussian();
                    x[i] = rng.NextFloat() < 0.3f ? 1f : rng.NextFloat() < 0.1f ? rng.NextFloat() : 0f;
                }
                var steps = new float[n];
                Kernels.Sigmoid(l, steps);
                for (var i = 0; i < n; i++) steps[i] = x[i] - steps[i];
                if (scale != 1f)
                    for (var i = 0; i < n; i++) steps[i] *= scale;
                var fused = new float[n];
                Kernels.BernoulliGradLogits(l, x, scale, fused);
                Assert.Equal(steps, fused);
                for (var i = 0; i < n; i++)
                {
                    var exact = (x[i] - 1 / (1 + Math.Exp(-(double)l[i]))) * scale;
                    // Cancellation in x − σ leaves an absolute error of a few ulp of the larger term, times scale.
                    var tolerance = 4 * Math.Abs(scale) * Math.Max(Math.Abs(x[i]), 1.0) * 6e-8;
                    Assert.True(Math.Abs(fused[i] - exact) <= tolerance,
                        $"n = {n}, l = {l[i]}, x = {x[i]}: {fused[i]} vs {exact}");
                }
            }
        Assert.Throws<ArgumentException>(
            () => Kernels.BernoulliGradLogits(new float[3], new float[3], 1f, new float[2]));
    }

    [Fact]
    public void BiasKernels()
    {
        var t = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Kernels.AddRowVector(t, [10, 20, 30]);
        Assert.Equal(new float[] { 11, 22, 33, 14, 25, 36 }, t.Data);
        var sums = new float[] { 1, 1, 1 };
        Kernels.AddColumnSums(t, sums);
        Assert.Equal(new float[] { 26, 48, 70 }, sums);
        Assert.Throws<ArgumentException>(() => Kernels.AddRowVector(t, [1, 2]));
    }

    /// <summary>Dense around 0 and the branch points, then out to the saturated range; odd length so the scalar tail runs too.</summary>
    private static float[] Grid()
    {
        var values = new List<float>();
        for (var i = -200_000; i <= 200_000; i++) values.Add(i * 1e-4f);        // [-20, 20], step 1e-4
        for (var e = -40; e <= 2; e++)
            for (var m = 1; m < 100; m++)
            {
                var v = m / 10f * MathF.Pow(10, e);
                values.Add(v);
                values.Add(-v);
            }
        for (var v = -100f; v <= 100f; v += 0.37f) values.Add(v);
        values.Add(0.625f);
        values.Add(-0.625f);
        values.Add(MathF.BitDecrement(0.625f));
        return values.ToArray();
    }

    /// <summary>log(1 + u) in float64 (the series below 1e-5, where 1 + u would round away u's digits).</summary>
    private static double Log1p(double u) => u < 1e-5 ? u * (1 - u * (0.5 - u / 3)) : Math.Log(1 + u);

    private static void AssertUlp(double exact, float actual, int maxUlp, string what)
    {
        var rounded = (float)exact;
        var ulp = MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded);
        var error = Math.Abs(actual - exact);
        if (!(error <= maxUlp * ulp + 1e-45))
            Assert.Fail($"{what} = {actual}, exact {exact}: error {error / ulp:F2} ulp (limit {maxUlp}).");
    }
}
