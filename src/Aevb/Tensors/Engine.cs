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

    /// <summary>The instruction set the GEMM kernels use on this machine: "AVX-512", "AVX2+FMA" or "scalar".</summary>
    public static string Simd => Sgemm.Best switch
    {
        SgemmIsa.Avx512 => "AVX-512",
        SgemmIsa.Avx2 => "AVX2+FMA",
        _ => "scalar",
    };

    /// <summary>One line for logs and benchmark headers, e.g. <c>AVX-512, 2 threads</c>.</summary>
    public static string Describe() => $"{Simd}, {NumThreads} thread{(NumThreads == 1 ? "" : "s")}";

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
