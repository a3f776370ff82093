using Aevb.Nn;
using Aevb.Tensors;

namespace Aevb.Tests.Nn;

/// <summary>
/// Every Backward against central finite differences of an independent float64 forward pass written
/// here (not the library's), on the loss <c>L = Σ R ⊙ f(x)</c> with a random R, so
/// <c>∂L/∂y = R</c> is the gradient fed to Backward.
/// </summary>
public class GradientCheckTests
{
    private const double Step = 1e-5;

    [Fact]
    public void LinearGradients() => CheckAll(new Sequential(new Linear(7, 5)), batch: 3, seed: 1);

    [Fact]
    public void TanhGradients() => CheckAll(new Sequential(new Linear(6, 6), new Tanh()), batch: 4, seed: 2);

    [Fact]
    public void SigmoidGradients() => CheckAll(new Sequential(new Linear(5, 8), new Sigmoid()), batch: 3, seed: 3);

    [Fact]
    public void SequentialGradients()
        => CheckAll(new Sequential(new Linear(9, 11), new Tanh(), new Linear(11, 4), new Sigmoid(), new Linear(4, 3)), batch: 5, seed: 4);

    [Fact]
    public void BareActivationsGradients()
    {
        CheckAll(new Tanh(), batch: 4, seed: 5, inputs: 6);
        CheckAll(new Sigmoid(), batch: 4, seed: 6, inputs: 6);
    }

    /// <summary>Shapes large enough for the blocked, multi-threaded GEMM paths; a random subset of entries is checked.</summary>
    [Fact]
    public void LargeMlpGradientsOnSampledEntries()
        => CheckAll(new Sequential(new Linear(70, 300), new Tanh(), new Linear(300, 37), new Sigmoid()), batch: 33, seed: 7, sampled: 40);

    [Fact]
    public void BackwardAccumulatesParameterGradients()
    {
        var rng = new Rng(8);
        var layer = new Linear(4, 3);
        Init.Normal(layer.Parameters(), 0.5f, rng);
        var x = RandomTensor(rng, 2, 4);
        var r = RandomTensor(rng, 2, 3);
        layer.Forward(x);
        layer.Backward(r);
        var once = layer.Weight.Grad.Clone();
        var biasOnce = layer.Bias.Grad.Clone();
        layer.Forward(x);
        layer.Backward(r);
        for (var i = 0; i < once.Length; i++) Assert.Equal(2 * once.Data[i], layer.Weight.Grad.Data[i], 5);
        for (var i = 0; i < biasOnce.Length; i++) Assert.Equal(2 * biasOnce.Data[i], layer.Bias.Grad.Data[i], 5);
        layer.ZeroGrad();
        Assert.All(layer.Weight.Grad.Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void FirstLayerWithoutInputGradientReturnsEmptyButStillFillsParameterGradients()
    {
        var rng = new Rng(9);
        var net = new Sequential(new Linear(4, 3), new Tanh()) { RequiresInputGrad = false };
        Init.Normal(net.Parameters(), 0.5f, rng);
        net.Forward(RandomTensor(rng, 2, 4));
        Assert.Same(Tensor.Empty, net.Backward(RandomTensor(rng, 2, 3)));
        Assert.Contains(net.Parameters().First().Grad.Data, v => v != 0f);
    }

    private static void CheckAll(Module module, int batch, int seed, int inputs = -1, int sampled = int.MaxValue)
    {
        var rng = new Rng((ulong)seed);
        Init.Normal(module.Parameters(), 0.7f, rng);
        if (inputs < 0) inputs = FirstLinear(module)!.InFeatures;
        var x = RandomTensor(rng, batch, inputs);
        var y = module.Forward(x);
        var r = RandomTensor(rng, y.Rows, y.Cols);
        module.ZeroGrad();
        var gx = module.Backward(r).Clone();

        // The float32 forward agrees with the float64 one.
        var reference = Reference.Forward(module, x);
        for (var i = 0; i < y.Length; i++) Assert.Equal(reference[i], y.Data[i], 4);

        // Input gradient.
        CheckEntries("input", x.Data, gx.Data, () => Reference.Loss(module, x, r), rng, sampled);
        // Parameter gradients.
        foreach (var (name, p) in module.NamedParameters())
            CheckEntries(name, p.Value.Data, p.Grad.Data, () => Reference.Loss(module, x, r), rng, sampled);
    }

    /// <summary>Probes <paramref name="values"/>[i] at ±h in float64 (the float storage is untouched) and compares the slope with <paramref name="analytic"/>[i].</summary>
    private static void CheckEntries(string what, float[] values, float[] analytic, Func<double> loss, Rng rng, int sampled)
    {
        var indices = Enumerable.Range(0, values.Length).ToArray();
        if (sampled < values.Length)
        {
            rng.Shuffle(indices);
            indices = indices[..sampled];
        }
        foreach (var i in indices)
        {
            var original = values[i];
            Reference.Override = (values, i, original + Step);
            var plus = loss();
            Reference.Override = (values, i, original - Step);
            var minus = loss();
            Reference.Override = null;
            var numeric = (plus - minus) / (2 * Step);
            var tolerance = 2e-4 + 2e-3 * Math.Abs(numeric);
            Assert.True(Math.Abs(numeric - analytic[i]) <= tolerance,
                $"{what}[{i}]: analytic {analytic[i]}, finite difference {numeric}");
        }
    }

    private static Linear? FirstLinear(Module m) => m switch
    {
        Linear l => l,
        Sequential s => s.Modules.Select(FirstLinear).FirstOrDefault(l => l is not null),
        _ => null,
    };

    private static Tensor RandomTensor(Rng rng, int rows, int cols)
    {
        var t = new Tensor(rows, cols);
        rng.FillNormal(t.Span);
        return t;
    }

    /// <summary>Float64 forward of the module tree, reading inputs and parameters in double precision.</summary>
    private static class Reference
    {
        /// <summary>One array entry read as this double instead of its float value (the finite-difference probe).</summary>
        [ThreadStatic] public static (float[] Array, int Index, double Value)? Override;

        public static double Loss(Module module, Tensor x, Tensor r)
        {
            var y = ForwardTree(module, Input(x));
            double loss = 0;
            for (var i = 0; i < r.Rows; i++)
                for (var j = 0; j < r.Cols; j++)
                    loss += r[i, j] * y[i, j];
            return loss;
        }

        public static double[] Forward(Module module, Tensor x)
        {
            var y = ForwardTree(module, Input(x));
            var flat = new double[y.Length];
            var cols = y.GetLength(1);
            for (var i = 0; i < y.GetLength(0); i++)
                for (var j = 0; j < cols; j++)
                    flat[i * cols + j] = y[i, j];
            return flat;
        }

        private static double[,] Input(Tensor x)
        {
            var d = new double[x.Rows, x.Cols];
            for (var i = 0; i < x.Rows; i++)
                for (var j = 0; j < x.Cols; j++)
                    d[i, j] = Read(x.Data, i * x.Cols + j);
            return d;
        }

        private static double Read(float[] array, int index)
            => Override is { } o && ReferenceEquals(o.Array, array) && o.Index == index ? o.Value : array[index];

        private static double[,] ForwardTree(Module module, double[,] x)
        {
            switch (module)
            {
                case Sequential s:
                    foreach (var m in s.Modules) x = ForwardTree(m, x);
                    return x;
                case Linear l:
                {
                    var rows = x.GetLength(0);
                    var y = new double[rows, l.OutFeatures];
                    var w = l.Weight.Value.Data;
                    var b = l.Bias.Value.Data;
                    for (var i = 0; i < rows; i++)
                        for (var o = 0; o < l.OutFeatures; o++)
                        {
                            var sum = Read(b, o);
                            for (var k = 0; k < l.InFeatures; k++) sum += x[i, k] * Read(w, o * l.InFeatures + k);
                            y[i, o] = sum;
                        }
                    return y;
                }
                case Tanh:
                    return Map(x, Math.Tanh);
                case Sigmoid:
                    return Map(x, v => 1 / (1 + Math.Exp(-v)));
                default:
                    throw new NotSupportedException(module.GetType().Name);
            }
        }

        private static double[,] Map(double[,] x, Func<double, double> f)
        {
            var y = new double[x.GetLength(0), x.GetLength(1)];
            for (var i = 0; i < x.GetLength(0); i++)
                for (var j = 0; j < x.GetLength(1); j++)
                    y[i, j] = f(x[i, j]);
            return y;
        }
    }
}
