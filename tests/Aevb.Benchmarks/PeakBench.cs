using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Aevb.Benchmarks;

/// <summary>
/// This machine's FMA peak: independent fused multiply-adds on 12 register accumulators (enough to cover the
/// FMA latency on two pipes), 512-bit where AVX-512 is available and 256-bit, on one thread and on every core
/// at once. The yardstick for "fraction of peak" of the GEMM and the training step (2 FLOP per lane per FMA).
/// </summary>
internal static class PeakBench
{
    private const long Iterations = 20_000_000;

    public static void Run(Options options)
    {
        var cores = Environment.ProcessorCount;
        foreach (var wide in Avx512F.IsSupported ? new[] { true, false } : [false])
        {
            var lanes = wide ? 16 : 8;
            var flopsPerCall = Iterations * 12 * lanes * 2.0;
            foreach (var threads in new[] { 1, cores })
            {
                var best = 0.0;
                var bestCpu = 0.0;
                var results = new List<double>();
                for (var r = 0; r < Math.Max(3, options.Repeats / 3); r++)
                {
                    var start = Stopwatch.GetTimestamp();
                    var cpu = CpuClock.ProcessSeconds();
                    var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() => Spin(wide))).ToArray();
                    foreach (var w in workers) w.Start();
                    foreach (var w in workers) w.Join();
                    var gflops = threads * flopsPerCall / Stats.Seconds(Stopwatch.GetTimestamp() - start) / 1e9;
                    results.Add(gflops);
                    best = Math.Max(best, gflops);
                    bestCpu = Math.Max(bestCpu, threads * flopsPerCall / (CpuClock.ProcessSeconds() - cpu) / 1e9);
                }
                Console.WriteLine($"FMA peak {(wide ? "512" : "256")}-bit, {threads} thread(s): best {best:F1} GFLOP/s, median {Stats.Median(results):F1}; per CPU-second of the process: best {bestCpu:F1} GFLOP (the core's own peak, however busy the machine)");
            }
        }
    }

    private static float Spin(bool wide) => wide ? Spin512() : Spin256();

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Spin512()
    {
        var m = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < Iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c); a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c); a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Spin256()
    {
        if (!Fma.IsSupported) return 0f;
        var m = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < Iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c); a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c); a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }
}
