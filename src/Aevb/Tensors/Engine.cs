using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace Aevb.Tensors;

/// <summary>
/// Process-wide engine settings, the counterpart of <c>torch.set_num_threads</c>: how many cores the
/// matrix products use, and which SIMD instruction set they run on (chosen once, from the hardware).
/// </summary>
public static class Engine
{
    /// <summary>Environment variable read at start-up for the default thread count.</summary>
    public const string NumThreadsVariable = "AEVB_NUM_THREADS";

    private static int _numThreads = DefaultNumThreads();

    /// <summary>
    /// Threads used by one matrix product (the calling thread plus <c>NumThreads − 1</c> persistent
    /// workers). Defaults to <c>AEVB_NUM_THREADS</c> when set to a positive integer, else
    /// <see cref="Environment.ProcessorCount"/>. Small products always run on the calling thread.
    /// </summary>
    public static int NumThreads
    {
        get => Volatile.Read(ref _numThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 256);
            Volatile.Write(ref _numThreads, value);
        }
    }

    /// <summary>The instruction set the GEMM kernels use on this machine: "AVX-512", "AVX2+FMA", "128-bit SIMD" (NEON, SSE) or "scalar".</summary>
    public static string Simd => Sgemm.Best switch
    {
        SgemmIsa.Avx512 => "AVX-512",
        SgemmIsa.Avx2 => "AVX2+FMA",
        SgemmIsa.Vector128 => "128-bit SIMD",
        _ => "scalar",
    };

    /// <summary>One line for logs and benchmark headers, e.g. <c>AVX-512, 2 threads</c>.</summary>
    public static string Describe() => $"{Simd}, {NumThreads} thread{(NumThreads == 1 ? "" : "s")}";

    /// <summary>
    /// Runs <paramref name="body"/> over <c>[0, length)</c> in chunks shared between the calling thread
    /// and the engine's worker threads (the GEMM's; no allocation, no <c>Parallel.For</c>), for
    /// memory-bound loops over large arrays such as an optimizer step. Ranges shorter than
    /// <paramref name="minChunk"/> per thread, <see cref="NumThreads"/> = 1, or a pool busy with another
    /// thread's work run inline as one call. Chunks may run on any thread in any order.
    /// </summary>
    public static void ParallelFor(int length, IRangeBody body, int minChunk = 32 * 1024)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(minChunk, 1);
        if (length == 0) return;
        var threads = (int)Math.Min(NumThreads, length / minChunk);
        if (threads <= 1 || !WorkerPool.TryEnter())
        {
            body.Invoke(0, length);
            return;
        }
        try
        {
            // Two chunks per thread: balance when one thread is slower, without many claims.
            var chunks = 2 * threads;
            var chunk = (length + chunks - 1) / chunks;
            chunk = (chunk + 15) & ~15; // whole vectors per chunk
            var job = RangeJob.Current;
            job.Open(body, length, chunk);
            WorkerPool.Post(job, threads - 1);
            try
            {
                job.RunAsCaller("A parallel loop failed.");
            }
            finally
            {
                job.Clear();
            }
        }
        finally
        {
            WorkerPool.Exit();
        }
    }

    internal static bool HasAvx512 => Avx512F.IsSupported && Avx512F.VL.IsSupported && Fma.IsSupported;

    private static int DefaultNumThreads()
    {
        var text = Environment.GetEnvironmentVariable(NumThreadsVariable);
        if (!string.IsNullOrWhiteSpace(text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1)
            return Math.Min(n, 256);
        return Math.Max(1, Environment.ProcessorCount);
    }
}
