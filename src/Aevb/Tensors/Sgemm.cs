using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Aevb.Tensors;

/// <summary>The instruction sets the GEMM has kernels for.</summary>
internal enum SgemmIsa
{
    Scalar,
    Avx2,
    Avx512,
}

/// <summary>
/// BLAS-style single-precision GEMM on row-major storage:
/// <c>C[M,N] (+)= op(A)[M,K] · op(B)[K,N]</c>, with <c>op(A)[i,k] = transA ? A[k*lda+i] : A[i*lda+k]</c>.
/// <para>
/// The fast path is the usual BLIS structure cut down to what fits this engine's shapes
/// (M = batch ≈ 100, K and N up to a few thousand): op(A) is packed once into MR-row panels (its
/// whole K range fits in L2 for these shapes; very long K is cut into KC blocks), then each thread
/// walks its share of NR-column panels of op(B), packing one panel at a time into a buffer that stays
/// in cache while every MR-row panel of A streams past it through the register-tiled micro-kernel.
/// Transposed operands cost nothing extra: the packing absorbs them. Work is split over N (or over M
/// when N is narrow) between the caller and the persistent <see cref="WorkerPool"/> threads.
/// </para>
/// <see cref="Reference"/> is the plain triple loop the tests hold the fast path to.
/// </summary>
internal static unsafe class Sgemm
{
    /// <summary>The best instruction set of this machine, chosen once.</summary>
    public static readonly SgemmIsa Best =
        Engine.HasAvx512 ? SgemmIsa.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? SgemmIsa.Avx2
        : SgemmIsa.Scalar;

    /// <summary>Products smaller than this many multiply-adds run on the calling thread only (splitting costs ~2 µs).</summary>
    internal const long ParallelMinMacs = 1L << 17;

    /// <summary>Longest K range packed and multiplied in one block.</summary>
    internal const int MaxKc = 1024;

    public static bool IsSupported(SgemmIsa isa) => isa switch
    {
        SgemmIsa.Avx512 => Engine.HasAvx512,
        SgemmIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    public static void Run(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
        => Run(Best, (long)m * n * k < ParallelMinMacs ? 1 : Engine.NumThreads,
            transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);

    /// <summary>
    /// The fast path with an explicit instruction set and thread count (tests force each; the count is
    /// used even for small products, so the parallel edge cases can be tested on small shapes).
    /// </summary>
    internal static void Run(SgemmIsa isa, int threads, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        if (!IsSupported(isa)) throw new PlatformNotSupportedException($"This CPU has no {isa} support.");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (var i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            var args = new GemmArgs
            {
                A = pa, B = pb, C = pc, Lda = lda, Ldb = ldb, Ldc = ldc, M = m, N = n, K = k,
                TransA = transA, TransB = transB, Accumulate = accumulate, Simd = isa != SgemmIsa.Scalar,
            };
            switch (isa)
            {
                case SgemmIsa.Avx512: Execute<SgemmKernels.Avx512Kernel>(ref args, isa, threads); break;
                case SgemmIsa.Avx2: Execute<SgemmKernels.Avx2Kernel>(ref args, isa, threads); break;
                default: Execute<SgemmKernels.ScalarKernel>(ref args, isa, threads); break;
            }
        }
    }

    private static void Execute<TK>(ref GemmArgs g, SgemmIsa isa, int threads) where TK : struct, IMicroKernel
    {
        g.MTiles = (g.M + TK.MR - 1) / TK.MR;
        g.Panels = (g.N + TK.NR - 1) / TK.NR;
        var kBlocks = (g.K + MaxKc - 1) / MaxKc;
        g.Kc = (g.K + kBlocks - 1) / kBlocks;
        // Split N when there are enough column panels (A is then packed once, cooperatively);
        // otherwise split M, each thread packing its own rows of A and all of the (narrow) B.
        g.SplitN = g.Panels >= g.MTiles || g.Panels >= 2 * threads;
        threads = Math.Min(threads, g.SplitN ? g.Panels : g.MTiles);

        var ws = Workspace.Current;
        g.Ap = ws.A.Get(g.MTiles * TK.MR * g.K);
        if (threads > 1)
        {
            var job = ws.Job;
            job.Args = g;
            job.Isa = isa;
            job.Arrived = 0;
            if (WorkerPool.TryRun(job, threads)) return;
        }
        Part<TK>(ref g, 0, 1, null);
    }

    /// <summary>Participant <paramref name="t"/> of <paramref name="count"/>: its share of packing and of the tiles.</summary>
    internal static void Part<TK>(ref GemmArgs g, int t, int count, GemmJob? job) where TK : struct, IMicroKernel
    {
        var ws = Workspace.Current;
        var bp = ws.B.Get(TK.NR * g.Kc);
        var scratch = ws.Scratch;
        if (g.SplitN)
        {
            for (var i = t; i < g.MTiles; i += count) PackATile<TK>(ref g, i);
            if (job is not null) job.Barrier(count);
            var p0 = (int)((long)g.Panels * t / count);
            var p1 = (int)((long)g.Panels * (t + 1) / count);
            for (var j = p0; j < p1; j++) Panel<TK>(ref g, j, 0, g.MTiles, bp, scratch);
        }
        else
        {
            var i0 = (int)((long)g.MTiles * t / count);
            var i1 = (int)((long)g.MTiles * (t + 1) / count);
            for (var i = i0; i < i1; i++) PackATile<TK>(ref g, i);
            for (var j = 0; j < g.Panels; j++) Panel<TK>(ref g, j, i0, i1, bp, scratch);
        }
    }

    /// <summary>Packs rows <c>[i·MR, i·MR + MR)</c> of op(A), every K block, into the shared panel buffer.</summary>
    private static void PackATile<TK>(ref GemmArgs g, int i) where TK : struct, IMicroKernel
    {
        var row0 = i * TK.MR;
        var lanes = Math.Min(TK.MR, g.M - row0);
        var mPad = g.MTiles * TK.MR;
        for (var k0 = 0; k0 < g.K; k0 += g.Kc)
        {
            var kc = Math.Min(g.Kc, g.K - k0);
            var src = g.TransA ? g.A + (nint)k0 * g.Lda + row0 : g.A + (nint)row0 * g.Lda + k0;
            var dst = g.Ap + (nint)k0 * mPad + (nint)row0 * kc;
            SgemmPacking.Pack(src, g.Lda, strided: !g.TransA, lanes, kc, TK.MR, dst, g.Simd);
        }
    }

    /// <summary>Column panel <paramref name="j"/> of C for row tiles <c>[i0, i1)</c>: pack B once per K block, then the tiles.</summary>
    private static void Panel<TK>(ref GemmArgs g, int j, int i0, int i1, float* bp, float* scratch) where TK : struct, IMicroKernel
    {
        var col0 = j * TK.NR;
        var nValid = Math.Min(TK.NR, g.N - col0);
        var mPad = g.MTiles * TK.MR;
        for (var k0 = 0; k0 < g.K; k0 += g.Kc)
        {
            var kc = Math.Min(g.Kc, g.K - k0);
            var src = g.TransB ? g.B + (nint)col0 * g.Ldb + k0 : g.B + (nint)k0 * g.Ldb + col0;
            SgemmPacking.Pack(src, g.Ldb, strided: g.TransB, nValid, kc, TK.NR, bp, g.Simd);
            var accumulate = g.Accumulate || k0 > 0;
            var ap = g.Ap + (nint)k0 * mPad;
            for (var i = i0; i < i1; i++)
            {
                var row0 = i * TK.MR;
                TK.Run(ap + (nint)row0 * kc, bp, kc, g.C + (nint)row0 * g.Ldc + col0, g.Ldc,
                    Math.Min(TK.MR, g.M - row0), nValid, accumulate, scratch);
            }
        }
    }

    private static void Validate(bool transA, bool transB, int m, int n, int k, int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (m == 0 || n == 0) return;
        Operand("A", transA ? k : m, transA ? m : k, aLength, lda);
        Operand("B", transB ? n : k, transB ? k : n, bLength, ldb);
        Operand("C", m, n, cLength, ldc);

        static void Operand(string name, int rows, int cols, int length, int ld)
        {
            if (rows == 0 || cols == 0) return;
            if (ld < cols || (long)(rows - 1) * ld + cols > length)
                throw new ArgumentException($"GEMM operand {name}: a [{rows}, {cols}] view with leading dimension {ld} does not fit in {length} elements.");
        }
    }

    /// <summary>Triple loop, float accumulation; the yardstick the fast kernels are tested against.</summary>
    public static void Reference(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (!accumulate) row.Clear();
            for (var p = 0; p < k; p++)
            {
                var aip = transA ? a[p * lda + i] : a[i * lda + p];
                if (aip == 0f) continue;
                if (!transB)
                {
                    var bRow = b.Slice(p * ldb, n);
                    for (var j = 0; j < n; j++) row[j] += aip * bRow[j];
                }
                else
                {
                    for (var j = 0; j < n; j++) row[j] += aip * b[j * ldb + p];
                }
            }
        }
    }

    /// <summary>One product's operands, shapes and blocking (a struct: copied into the job, never boxed).</summary>
    internal struct GemmArgs
    {
        public float* A, B, C, Ap;
        public int Lda, Ldb, Ldc, M, N, K, Kc, MTiles, Panels;
        public bool TransA, TransB, Accumulate, Simd, SplitN;
    }

    /// <summary>The parallel form of one product; one per calling thread, reused.</summary>
    internal sealed class GemmJob : IParallelJob
    {
        public GemmArgs Args;
        public SgemmIsa Isa;
        public int Arrived;

        public void Execute(int index, int count)
        {
            switch (Isa)
            {
                case SgemmIsa.Avx512: Part<SgemmKernels.Avx512Kernel>(ref Args, index, count, this); break;
                case SgemmIsa.Avx2: Part<SgemmKernels.Avx2Kernel>(ref Args, index, count, this); break;
                default: Part<SgemmKernels.ScalarKernel>(ref Args, index, count, this); break;
            }
        }

        /// <summary>Waits until all <paramref name="count"/> participants have packed their share of A.</summary>
        public void Barrier(int count)
        {
            Interlocked.Increment(ref Arrived);
            var spin = new SpinWait();
            while (Volatile.Read(ref Arrived) < count) spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Per-thread packing buffers (64-byte aligned, pinned, grown on demand and then reused).</summary>
    internal sealed class Workspace
    {
        [ThreadStatic] private static Workspace? _current;

        public static Workspace Current => _current ??= new Workspace();

        public readonly AlignedBuffer A = new();
        public readonly AlignedBuffer B = new();
        public readonly GemmJob Job = new();
        public readonly float* Scratch;
        private readonly float[] _scratch;

        private Workspace()
        {
            _scratch = GC.AllocateArray<float>(512 + 16, pinned: true);
            Scratch = AlignedBuffer.Align(_scratch);
        }
    }

    internal sealed class AlignedBuffer
    {
        private float[]? _array;
        private float* _pointer;
        private int _capacity;

        public float* Get(int floats)
        {
            if (floats > _capacity)
            {
                _array = GC.AllocateUninitializedArray<float>(floats + 16, pinned: true);
                _pointer = Align(_array);
                _capacity = floats;
            }
            return _pointer;
        }

        public static float* Align(float[] pinned)
        {
            var p = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
            return (float*)((p + 63) & ~(nint)63);
        }
    }
}
