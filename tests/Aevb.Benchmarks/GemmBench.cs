using System.Diagnostics;
using Aevb.Tensors;

namespace Aevb.Benchmarks;

/// <summary>
/// GFLOP/s (2·m·n·k per call) of each product of the paper's MNIST model (784-500-20, M = 100):
/// the median over repeats, the best repeat (closest to an unloaded machine when others share it), and
/// GFLOP per CPU-second of the process (all threads; equals GFLOP/s per core when nothing spins or waits).
/// </summary>
internal static class GemmBench
{
    private static readonly (string Name, int M, int N, int K, bool TransA, bool TransB)[] Shapes =
    [
        ("enc fwd   X·Wᵀ 100x500x784", 100, 500, 784, false, true),
        ("dec fwd   H·Wᵀ 100x784x500", 100, 784, 500, false, true),
        ("head fwd  H·Wᵀ 100x20x500", 100, 20, 500, false, true),
        ("dec hid   Z·Wᵀ 100x500x20", 100, 500, 20, false, true),
        ("dec dH    G·W  100x500x784", 100, 500, 784, false, false),
        ("head dH   G·W  100x500x20", 100, 500, 20, false, false),
        ("dZ        G·W  100x20x500", 100, 20, 500, false, false),
        ("dec dW   Gᵀ·H  784x500x100", 784, 500, 100, true, false),
        ("enc dW   Gᵀ·X  500x784x100", 500, 784, 100, true, false),
        ("head dW  Gᵀ·H  20x500x100", 20, 500, 100, true, false),
        ("hid dW   Gᵀ·Z  500x20x100", 500, 20, 100, true, false),
    ];

    public static void Run(Options options)
    {
        var isa = options.Isa is null ? Sgemm.Best : Enum.Parse<SgemmIsa>(options.Isa, ignoreCase: true);
        var threads = Engine.NumThreads;
        var software = Sgemm.IsEmulated(isa) ? " (in software: this CPU lacks the instructions; correct, not fast)" : "";
        Console.WriteLine($"GEMM, {isa}{software}, {threads} thread(s), K blocks of at most {Sgemm.MaxKc}: median of {options.Repeats} repeats of ~{options.Milliseconds} ms each");
        Console.WriteLine($"{"product",-30} {"GFLOP/s",9} {"µs/call",9} {"best",9} {"per CPU-s",10}");
        var rng = new Rng(1);
        double totalFlops = 0, totalSeconds = 0;
        var shapes = options.Shape is null ? Shapes : [ParseShape(options.Shape)];
        foreach (var (name, m, n, k, transA, transB) in shapes)
        {
            var a = Random(rng, m * k);
            var b = Random(rng, k * n);
            var c = new float[m * n];
            var lda = transA ? m : k;
            var ldb = transB ? k : n;
            var accumulate = transA; // weight gradients accumulate, as in Linear.Backward
            void Call() => Sgemm.Run(isa, (long)m * n * k < Sgemm.ParallelMinMacs ? 1 : threads, transA, transB, m, n, k, a, lda, b, ldb, c, n, accumulate,
                packAll: options.PackAll);

            for (var i = 0; i < 20; i++) Call(); // warm-up (JIT, buffers, worker threads)
            var once = Stopwatch.StartNew();
            Call();
            var perCall = Math.Max(once.Elapsed.TotalMilliseconds, 1e-3);
            var calls = Math.Max(3, (int)(options.Milliseconds / perCall));
            var samples = new List<double>(options.Repeats);
            var cpuSamples = new List<double>(options.Repeats);
            for (var r = 0; r < options.Repeats; r++)
            {
                var cpu = CpuClock.ProcessSeconds();
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < calls; i++) Call();
                samples.Add(Stats.Seconds(Stopwatch.GetTimestamp() - start) / calls);
                cpuSamples.Add((CpuClock.ProcessSeconds() - cpu) / calls);
            }
            var seconds = Stats.Median(samples);
            var best = samples.Min();
            var flops = 2.0 * m * n * k;
            totalFlops += flops;
            totalSeconds += seconds;
            Console.WriteLine($"{name,-30} {flops / seconds / 1e9,9:F1} {seconds * 1e6,9:F1} {flops / best / 1e9,9:F1} {flops / Stats.Median(cpuSamples) / 1e9,10:F1}");
        }
        Console.WriteLine($"{"sum of the products above",-30} {totalFlops / totalSeconds / 1e9,9:F1} {totalSeconds * 1e6,9:F1}");
    }

    /// <summary><c>m,n,k[,tA][,tB]</c>, e.g. <c>100,500,784,n,t</c> for X·Wᵀ.</summary>
    private static (string, int, int, int, bool, bool) ParseShape(string text)
    {
        var parts = text.Split(',');
        var m = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var n = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var k = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        var transA = parts.Length > 3 && parts[3] == "t";
        var transB = parts.Length > 4 && parts[4] == "t";
        return ($"{(transA ? "Aᵀ" : "A")}·{(transB ? "Bᵀ" : "B")} {m}x{n}x{k}", m, n, k, transA, transB);
    }

    private static float[] Random(Rng rng, int n)
    {
        var x = new float[n];
        for (var i = 0; i < n; i++) x[i] = rng.NextFloat() - 0.5f;
        return x;
    }
}
