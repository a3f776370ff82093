using System.Diagnostics;
using System.Runtime.Intrinsics;
using Aevb.Tensors;
using Tensor = Aevb.Tensors.Tensor;

namespace Aevb.Benchmarks;

/// <summary>µs per call of the elementwise kernels on the paper's activation shapes ([100, 500] and [100, 784]).</summary>
internal static class KernelBench
{
    public static void Run(Options options)
    {
        var rng = new Rng(1);
        var h = new Tensor(100, 500);
        var h2 = new Tensor(100, 500);
        var g = new Tensor(100, 500);
        var o = new Tensor(100, 784);
        var o2 = new Tensor(100, 784);
        var bias = new float[784];
        var sums = new float[784];
        rng.FillNormal(h.Span);
        rng.FillNormal(g.Span);
        rng.FillNormal(o.Span);
        rng.FillNormal(bias);
        Console.WriteLine($"Vector512 accelerated: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector<float>.Count = {System.Numerics.Vector<float>.Count}");
        Time("Tanh [100,500]", options, () => Kernels.Tanh(h.Span, h2.Span));
        Time("TanhBackward [100,500]", options, () => Kernels.TanhBackward(h2.Span, g.Span, h.Span));
        Time("Sigmoid [100,784]", options, () => Kernels.Sigmoid(o.Span, o2.Span));
        Time("TP.Sigmoid [100,784]", options, () => System.Numerics.Tensors.TensorPrimitives.Sigmoid(o.Span, o2.Span));
        var x = new Tensor(100, 784);
        for (var i = 0; i < x.Span.Length; i++) x.Span[i] = rng.NextFloat() < 0.3f ? 1f : 0f;
        var ll = new float[100];
        Time("BernoulliLogLik [100,784]", options, () => { for (var r = 0; r < 100; r++) ll[r] = Kernels.BernoulliLogLikelihood(o.Row(r), x.Row(r)); });
        Time("Sigmoid rows [100,784]", options, () => { for (var r = 0; r < 100; r++) Kernels.Sigmoid(o.Row(r), o2.Row(r)); });
        Time("SigmoidBackward [100,784]", options, () => Kernels.SigmoidBackward(o2.Span, o.Span, o.Span));
        Time("AddRowVector [100,784]", options, () => Kernels.AddRowVector(o, bias));
        Time("AddColumnSums [100,784]", options, () => Kernels.AddColumnSums(o, sums));
        TimeAdagrad(options, rng);
    }

    /// <summary>
    /// One Adagrad step over the MNIST model's two large weights (784×500 each), beside a pass with Adagrad's memory
    /// traffic (read w, g, s; write w, s) but no square root or division: how far the update is from memory-bound.
    /// </summary>
    private static void TimeAdagrad(Options options, Rng rng)
    {
        Aevb.Nn.Parameter[] weights = [new(500, 784), new(784, 500)];
        foreach (var p in weights)
        {
            rng.FillNormal(p.Value.Span, 0f, 0.01f);
            rng.FillNormal(p.Grad.Span, 0f, 0.1f);
        }
        var adagrad = new Aevb.Optim.Adagrad(weights, 0.02f, 1f);
        Time("Adagrad 2×[784,500]", options, adagrad.Step);
        var sums = weights.Select(p => new float[p.Value.Length]).ToArray();
        Time("same traffic, no √ or ÷", options, () =>
        {
            for (var i = 0; i < weights.Length; i++) TrafficOnly(weights[i].Value.Span, weights[i].Grad.Span, sums[i]);
        });
        if (!System.Runtime.Intrinsics.X86.Avx.IsSupported) return;
        Time("rsqrt + 1 Newton step", options, () =>
        {
            for (var i = 0; i < weights.Length; i++) RsqrtNewton(weights[i].Value.Span, weights[i].Grad.Span, sums[i]);
        });
    }

    /// <summary>
    /// Adagrad's update with √ and ÷ replaced by the hardware's approximate 1/√ and one Newton step: what that idea
    /// could save at most (issue #18). Not the engine's: its last bits depend on the CPU vendor's rsqrt table.
    /// </summary>
    private static void RsqrtNewton(Span<float> value, ReadOnlySpan<float> grad, Span<float> sum)
    {
        var w = System.Runtime.InteropServices.MemoryMarshal.Cast<float, Vector256<float>>(value);
        var g = System.Runtime.InteropServices.MemoryMarshal.Cast<float, Vector256<float>>(grad);
        var s = System.Runtime.InteropServices.MemoryMarshal.Cast<float, Vector256<float>>(sum);
        Vector256<float> lr = Vector256.Create(0.02f), wd = Vector256.Create(1e-6f), half = Vector256.Create(0.5f),
            threeHalves = Vector256.Create(1.5f), floor = Vector256.Create(1e-4f);
        for (var k = 0; k < w.Length; k++)
        {
            var gk = Vector256.FusedMultiplyAdd(wd, w[k], g[k]);
            var sk = Vector256.FusedMultiplyAdd(gk, gk, s[k]) * half; // halved so the sums stay finite over many calls
            s[k] = sk;
            var r = System.Runtime.Intrinsics.X86.Avx.ReciprocalSqrt(Vector256.Max(sk, floor));
            r *= Vector256.FusedMultiplyAdd(-(half * sk) * r, r, threeHalves);
            w[k] = Vector256.FusedMultiplyAdd(-lr * gk, r, w[k]);
        }
    }

    private static void TrafficOnly(Span<float> value, ReadOnlySpan<float> grad, Span<float> sum)
    {
        var w = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(value);
        var g = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(grad);
        var s = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(sum);
        for (var k = 0; k < w.Length; k++)
        {
            var gk = g[k] + w[k] * 1e-6f;
            var sk = (s[k] + gk * gk) * 0.5f; // halved so the sums stay finite over many calls
            s[k] = sk;
            w[k] -= gk * sk * 1e-9f;
        }
    }

    private static void Time(string name, Options options, Action action)
    {
        for (var i = 0; i < 200; i++) action();
        var samples = new List<double>(options.Repeats);
        for (var r = 0; r < options.Repeats; r++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < 100; i++) action();
            samples.Add(Stats.Seconds(Stopwatch.GetTimestamp() - start) / 100 * 1e6);
        }
        Console.WriteLine($"{name,-28} median {Stats.Median(samples),8:F2} µs, best {samples.Min(),8:F2} µs");
    }
}
