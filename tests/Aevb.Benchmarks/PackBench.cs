using System.Diagnostics;
using Aevb.Tensors;

namespace Aevb.Benchmarks;

/// <summary>ns per element of the GEMM's packing routines (transposing and plain) on the paper's weight shape.</summary>
internal static unsafe class PackBench
{
    public static void Run(Options options)
    {
        const int n = 500, k = 784, width = 32;
        var w = new float[n * k];
        new Rng(1).FillUniform(w);
        var dst = new float[width * k + 16];
        foreach (var strided in new[] { true, false })
        {
            var samples = new List<double>();
            for (var r = 0; r < options.Repeats; r++)
            {
                var start = Stopwatch.GetTimestamp();
                fixed (float* pw = w, pd = dst)
                {
                    for (var rep = 0; rep < 20; rep++)
                        for (var j = 0; j + width <= (strided ? n : k); j += width)
                            SgemmPacking.Pack(strided ? pw + j * k : pw + j, strided ? k : k, strided, width, strided ? k : n, width, pd, simd: true);
                }
                samples.Add(Stats.Seconds(Stopwatch.GetTimestamp() - start) / (20.0 * n * k) * 1e9);
            }
            Console.WriteLine($"pack {(strided ? "transposing" : "plain")}: median {Stats.Median(samples):F3} ns/element, best {samples.Min():F3}");
        }
    }
}
