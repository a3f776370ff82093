using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Aevb.Tensors;

/// <summary>The instruction sets the GEMM has kernels for.</summary>
internal enum SgemmIsa
{
    Scalar,
    /// <summary>Portable 128-bit vectors: NEON on ARM64 (e.g. Apple silicon), SSE on old x86.</summary>
    Vector128,
    Avx2,
    Avx512,
}

/// <summary>
/// BLAS-style single-precision GEMM on row-major storage:
/// <c>C[M,N] (+)= op(A)[M,K] · op(B)[K,N]</c>, with <c>op(A)[i,k] = transA ? A[k*lda+i] : A[i*lda+k]</c>.
/// <para>
/// The fast path is the BLIS structure cut down to this engine's shapes (M = batch ≈ 100, K and N up to
/// a few thousand). One operand is shared: usually op(A), packed once into MR-row panels (the whole K
/// range fits in L2 here; K above <see cref="MaxKc"/> is cut into blocks), cooperatively by all threads.
/// The threads then claim NR-column panels of op(B) one at a time, pack each into a buffer that stays
/// in cache, and run every row panel of A past it through the register-tiled micro-kernel. For narrow
/// products the roles swap (op(B) shared, row tiles claimed). Transposition is absorbed by the packing;
/// with short K, operands whose layout already fits the kernel (Aᵀ tiles, B panels) are read in place.
/// </para>
/// <see cref="Reference"/> is the plain triple loop the tests hold the fast path to.
/// </summary>
internal static unsafe class Sgemm
{
    /// <summary>The best instruction set of this machine, chosen once.</summary>
    public static readonly SgemmIsa Best =
        Engine.HasAvx512 ? SgemmIsa.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? SgemmIsa.Avx2
        : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? SgemmIsa.Vector128
        : SgemmIsa.Scalar;

    /// <summary>Products smaller than this many multiply-adds run on the calling thread only (splitting costs ~2 µs).</summary>
    internal const long ParallelMinMacs = 1L << 17;

    /// <summary>Longest K for which operands whose layout fits are read in place instead of packed.</summary>
    internal const int DirectMaxK = 256;

    /// <summary>
    /// Most rows of C for which op(B) = B is read in place. Above it each column panel serves so many row tiles
    /// that a contiguous copy pays: the in-place panel is kc rows ldb floats apart, a page every few k, and
    /// the TLB misses of the weight-gradient products (784 or 500 rows) cost more than packing (same bits).
    /// </summary>
    internal const int DirectBMaxM = 128;

    /// <summary>Longest K range packed and multiplied in one block, unless a <see cref="UseMaxKc"/> scope says otherwise.</summary>
    internal const int DefaultMaxKc = 1024;

    private static readonly AsyncLocal<int> s_maxKc = new();

    /// <summary>
    /// Longest K range packed and multiplied in one block: <see cref="DefaultMaxKc"/>, or the value of the
    /// innermost <see cref="UseMaxKc"/> scope of the calling flow. It is read once per product on the
    /// calling thread and travels to the pool's workers inside the product's arguments, so a scope on one
    /// thread never changes another thread's products (the blocking decides the order of the sums).
    /// </summary>
    internal static int MaxKc => s_maxKc.Value is var kc and > 0 ? kc : DefaultMaxKc;

    /// <summary>
    /// Sets <see cref="MaxKc"/> for the calling thread (and the tasks it starts) until the scope is
    /// disposed: benchmarks (<c>--kc</c>) and tests of the K-blocked path. Never process-wide.
    /// </summary>
    internal static IDisposable UseMaxKc(int maxKc)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKc, 1);
        var scope = new MaxKcScope(s_maxKc.Value);
        s_maxKc.Value = maxKc;
        return scope;
    }

    private sealed class MaxKcScope(int previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            s_maxKc.Value = previous;
        }
    }

    public static bool IsSupported(SgemmIsa isa) => isa switch
    {
        SgemmIsa.Avx512 => Engine.HasAvx512,
        SgemmIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        SgemmIsa.Vector128 => System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>
    /// Whether the <c>Run</c> overload with an explicit instruction set can execute <paramref name="isa"/>'s
    /// kernel on this machine: natively (<see cref="IsSupported"/>) or, for
    /// the AVX-512 kernel, which is written in portable <c>Vector512</c> operations, in software. Software
    /// runs are for tests and benchmarks of that kernel on machines without AVX-512; <see cref="Best"/>
    /// never picks one.
    /// </summary>
    public static bool CanRun(SgemmIsa isa) => IsSupported(isa) || isa == SgemmIsa.Avx512;

    /// <summary>Whether <paramref name="isa"/>'s kernel runs here in software only (see <see cref="CanRun"/>).</summary>
    public static bool IsEmulated(SgemmIsa isa) => CanRun(isa) && !IsSupported(isa);

    public static void Run(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate,
        PackedOperand? packedB = null, ReadOnlySpan<float> bias = default)
        => Run(Best, (long)m * n * k < ParallelMinMacs ? 1 : Engine.NumThreads,
            transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, packedB: packedB, bias: bias);

    /// <summary>
    /// The fast path with an explicit instruction set and thread count (tests force each; the count is
    /// used even for small products, so the parallel edge cases can be tested on small shapes). Any
    /// instruction set <see cref="CanRun"/> accepts, the AVX-512 kernel in software where the CPU lacks it.
    /// <paramref name="packAll"/> packs operands that would otherwise be read in place (tests cover both);
    /// <paramref name="packedB"/>, when given, holds op(B) packed across products (its owner vouches for B).
    /// <paramref name="bias"/>, when not empty (N floats), is then added to every row of C, as a separate pass of
    /// <c>C[i, j] + bias[j]</c> would: inside the micro-kernel's store where it can (AVX2 column panels, one K block,
    /// overwriting C), after the product otherwise; the same float additions either way.
    /// </summary>
    internal static void Run(SgemmIsa isa, int threads, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate,
        bool packAll = false, PackedOperand? packedB = null, ReadOnlySpan<float> bias = default)
    {
        if (!CanRun(isa)) throw new PlatformNotSupportedException($"This CPU has no {isa} support.");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (!bias.IsEmpty && bias.Length != n) throw new ArgumentException($"Bias has {bias.Length} elements; C has {n} columns.", nameof(bias));
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (var i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            AddBias(c, ldc, m, bias);
            return;
        }
        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
        {
            var args = new GemmArgs
            {
                A = pa, B = pb, C = pc, Bias = pbias, Lda = lda, Ldb = ldb, Ldc = ldc, M = m, N = n, K = k,
                TransA = transA, TransB = transB, Accumulate = accumulate, Simd = isa != SgemmIsa.Scalar,
                DirectA = transA && !packAll, DirectB = !transB && !packAll,
            };
            // In place pays only while a tile's rows stay in L1 across its reuses (short K): a long
            // strided panel is slower to stream than its packed copy is to make.
            if (k > DirectMaxK) args.DirectA = args.DirectB = false;
            if (m > DirectBMaxM) args.DirectB = false;
            // Narrow products (N ≤ 24, e.g. the 20-unit latent heads) waste 12 of the AVX-512 kernel's 32
            // lanes; the 4×24 ymm kernel wastes 4, and on AVX-512 hardware ymm FMAs deliver the same FLOPs.
            if (isa == SgemmIsa.Avx512 && n <= SgemmKernels.Avx2Kernel.NR && IsSupported(SgemmIsa.Avx2)) isa = SgemmIsa.Avx2;
            switch (isa)
            {
                case SgemmIsa.Avx512: Execute<SgemmKernels.Avx512Kernel>(ref args, isa, threads, packedB); break;
                case SgemmIsa.Avx2: Execute<SgemmKernels.Avx2Kernel>(ref args, isa, threads, packedB); break;
                case SgemmIsa.Vector128: Execute<SgemmKernels.Vector128Kernel>(ref args, isa, threads, packedB); break;
                default: Execute<SgemmKernels.ScalarKernel>(ref args, isa, threads, packedB); break;
            }
            if (!args.FusedBias) AddBias(c, ldc, m, bias);
        }
    }

    /// <summary>Whether products fuse their bias where they can (benchmarks compare both; the same bits).</summary>
    internal static bool FuseBias { get; set; } = true;

    /// <summary>The bias pass a product could not fuse: <c>C[i, j] += bias[j]</c> row by row.</summary>
    private static void AddBias(Span<float> c, int ldc, int m, ReadOnlySpan<float> bias)
    {
        if (bias.IsEmpty) return;
        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, bias.Length);
            System.Numerics.Tensors.TensorPrimitives.Add(row, bias, row);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Execute<TK>(ref GemmArgs g, SgemmIsa isa, int threads, PackedOperand? packedB)
        where TK : struct, IMicroKernel
    {
        g.MTiles = (g.M + TK.MR - 1) / TK.MR;
        g.Panels = (g.N + TK.NR - 1) / TK.NR;
        var maxKc = MaxKc;
        var kBlocks = (g.K + maxKc - 1) / maxKc;
        g.Kc = (g.K + kBlocks - 1) / kBlocks;
        // Share out column panels when there are enough of them (the usual case: op(A) is packed once,
        // for everyone); for narrow products share out row tiles instead and pack op(B) once.
        g.SplitN = g.Panels >= g.MTiles || g.Panels >= 2 * threads;
        threads = Math.Min(threads, g.SplitN ? g.Panels : g.MTiles);
        // The bias goes into the kernel's store where the tile is written once, whole (see Run).
        g.FusedBias = g.Bias != null && FuseBias && typeof(TK) == typeof(SgemmKernels.Avx2Kernel) && g.SplitN && kBlocks == 1
            && !g.Accumulate;

        var ws = Workspace.Current;
        if (packedB is not null)
        {
            // op(B) comes packed whole (the same values and layout the panels would be packed into), so
            // nothing of it is packed or read in place below.
            g.PackedB = packedB.Get<TK>(ref g);
            g.DirectB = false;
        }
        g.Shared = !g.SplitN && g.PackedB != null ? g.PackedB
            : g.SplitN ? ws.Shared.Get(g.MTiles * TK.MR * g.K) : ws.Shared.Get(g.Panels * TK.NR * g.K);
        if (threads > 1 && WorkerPool.TryEnter())
        {
            var job = ws.Job;
            try
            {
                job.Open(ref g, isa);
                WorkerPool.Post(job, threads - 1);
                job.RunAsCaller("The matrix product failed.");
            }
            finally
            {
                WorkerPool.Exit();
            }
            return;
        }
        var counters = new Counters();
        Part<TK>(ref g, ref counters, null);
    }

    /// <summary>Work claimed so far: shared packing units, finished ones, and compute units.</summary>
    internal struct Counters
    {
        public int NextShared, DoneShared, NextUnit;
    }

    /// <summary>
    /// One participant's loop. Units are claimed one at a time from shared counters, so a participant
    /// that is late (its thread not scheduled on a busy machine) simply gets fewer, and the caller never
    /// waits for a worker that has not started: it can do all of the work itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Part<TK>(ref GemmArgs g, ref Counters c, GemmJob? job) where TK : struct, IMicroKernel
    {
        var ws = Workspace.Current;
        var scratch = ws.Scratch;
        var sharedUnits = g.SplitN ? g.MTiles : g.PackedB == null ? g.Panels : 0;
        // Phase 1: the operand everyone reads, packed cooperatively (units read in place are skipped).
        while (true)
        {
            var u = Claim(ref c.NextShared, job);
            if (u >= sharedUnits) break;
            if (g.SplitN)
            {
                if (!ADirect<TK>(ref g, u)) PackATile<TK>(ref g, u, g.Shared);
            }
            else if (!BDirect<TK>(ref g, u))
            {
                PackBPanel<TK>(ref g, u, g.Shared);
            }
            if (job is null) c.DoneShared++;
            else Interlocked.Increment(ref c.DoneShared);
        }
        if (job is not null)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref c.DoneShared) < sharedUnits) spin.SpinOnce(sleep1Threshold: -1);
        }
        // Phase 2: one unit of the other operand at a time (packed privately unless read in place), then its tiles.
        if (g.SplitN)
        {
            var bp = ws.Private.Get(TK.NR * g.Kc);
            while (true)
            {
                var j = Claim(ref c.NextUnit, job);
                if (j >= g.Panels) break;
                ColumnPanel<TK>(ref g, j, bp, scratch);
            }
        }
        else
        {
            var ap = ws.Private.Get(TK.MR * g.K);
            while (true)
            {
                var i = Claim(ref c.NextUnit, job);
                if (i >= g.MTiles) break;
                RowTile<TK>(ref g, i, ap, scratch);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Claim(ref int counter, GemmJob? job)
        => job is null ? counter++ : Interlocked.Increment(ref counter) - 1;

    /// <summary>
    /// Whether row tile <paramref name="i"/> of op(A) is read in place: op(A) = Aᵀ stores the tile's MR
    /// values of each k contiguously (stride lda between k), exactly the packed layout but for the stride.
    /// Edge tiles are still packed (zero padding; reading past the edge could leave the buffer).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ADirect<TK>(ref GemmArgs g, int i) where TK : struct, IMicroKernel
        => g.DirectA && (i + 1) * TK.MR <= g.M;

    /// <summary>Whether column panel <paramref name="j"/> of op(B) = B is read in place (NR contiguous floats per k, stride ldb).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool BDirect<TK>(ref GemmArgs g, int j) where TK : struct, IMicroKernel
        => g.DirectB && (j + 1) * TK.NR <= g.N;

    /// <summary>
    /// Packs rows <c>[i·MR, i·MR + MR)</c> of op(A), every K block, into <paramref name="dst"/>
    /// (layout [K block][row tile][kc][MR]); with <paramref name="tileOnly"/> just this tile's blocks, back to back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackATile<TK>(ref GemmArgs g, int i, float* dst, bool tileOnly = false) where TK : struct, IMicroKernel
    {
        var row0 = i * TK.MR;
        var lanes = Math.Min(TK.MR, g.M - row0);
        var mPad = g.MTiles * TK.MR;
        for (var k0 = 0; k0 < g.K; k0 += g.Kc)
        {
            var kc = Math.Min(g.Kc, g.K - k0);
            var src = g.TransA ? g.A + (nint)k0 * g.Lda + row0 : g.A + (nint)row0 * g.Lda + k0;
            var at = tileOnly ? dst + (nint)k0 * TK.MR : dst + (nint)k0 * mPad + (nint)row0 * kc;
            SgemmPacking.Pack(src, g.Lda, strided: !g.TransA, lanes, kc, TK.MR, at, g.Simd);
        }
    }

    /// <summary>Packs columns <c>[j·NR, j·NR + NR)</c> of op(B), every K block (layout [K block][panel][kc][NR]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackBPanel<TK>(ref GemmArgs g, int j, float* dst) where TK : struct, IMicroKernel
    {
        var col0 = j * TK.NR;
        var lanes = Math.Min(TK.NR, g.N - col0);
        var nPad = g.Panels * TK.NR;
        for (var k0 = 0; k0 < g.K; k0 += g.Kc)
        {
            var kc = Math.Min(g.Kc, g.K - k0);
            var src = g.TransB ? g.B + (nint)col0 * g.Ldb + k0 : g.B + (nint)k0 * g.Ldb + col0;
            SgemmPacking.Pack(src, g.Ldb, strided: g.TransB, lanes, kc, TK.NR, dst + (nint)k0 * nPad + (nint)col0 * kc, g.Simd);
        }
    }

    /// <summary>Column panel <paramref name="j"/> of C over all row tiles (A shared): B packed once per K block unless read in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnPanel<TK>(ref GemmArgs g, int j, float* bp, float* scratch) where TK : struct, IMicroKernel
    {
        var col0 = j * TK.NR;
        var nValid = Math.Min(TK.NR, g.N - col0);
        var mPad = g.MTiles * TK.MR;
        var bDirect = BDirect<TK>(ref g, j);
        for (var k0 = 0; k0 < g.K; k0 += g.Kc)
        {
            var kc = Math.Min(g.Kc, g.K - k0);
            float* b;
            nint bStride;
            if (bDirect)
            {
                b = g.B + (nint)k0 * g.Ldb + col0;
                bStride = g.Ldb;
            }
            else if (g.PackedB != null)
            {
                b = g.PackedB + (nint)k0 * g.Panels * TK.NR + (nint)col0 * kc;
                bStride = TK.NR;
            }
            else
            {
                var src = g.TransB ? g.B + (nint)col0 * g.Ldb + k0 : g.B + (nint)k0 * g.Ldb + col0;
                SgemmPacking.Pack(src, g.Ldb, strided: g.TransB, nValid, kc, TK.NR, bp, g.Simd);
                b = bp;
                bStride = TK.NR;
            }
            var accumulate = g.Accumulate || k0 > 0;
            var ap = g.Shared + (nint)k0 * mPad;
            var bias = g.FusedBias ? g.Bias + col0 : null;
            var i = 0;
            if (typeof(TK) == typeof(SgemmKernels.Avx2Kernel) && nValid <= 8)
            {
                // Narrow right edge (e.g. N = 100 = 4·24 + 4): three full row tiles per call, same bits (see the kernel).
                for (; (i + 3) * TK.MR <= g.M; i += 3)
                {
                    var row0 = i * TK.MR;
                    if (g.DirectA)
                        SgemmKernels.Avx2Edge12x8(g.A + (nint)k0 * g.Lda + row0, TK.MR, g.Lda, b, bStride, kc,
                            g.C + (nint)row0 * g.Ldc + col0, g.Ldc, nValid, accumulate, scratch, bias);
                    else
                        SgemmKernels.Avx2Edge12x8(ap + (nint)row0 * kc, (nint)TK.MR * kc, TK.MR, b, bStride, kc,
                            g.C + (nint)row0 * g.Ldc + col0, g.Ldc, nValid, accumulate, scratch, bias);
                }
            }
            for (; i < g.MTiles; i++)
            {
                var row0 = i * TK.MR;
                var direct = ADirect<TK>(ref g, i);
                var a = direct ? g.A + (nint)k0 * g.Lda + row0 : ap + (nint)row0 * kc;
                var c = g.C + (nint)row0 * g.Ldc + col0;
                var mValid = Math.Min(TK.MR, g.M - row0);
                if (bias != null)
                    SgemmKernels.Avx2Kernel.RunWithBias(a, direct ? g.Lda : TK.MR, b, bStride, kc, c, g.Ldc, mValid, nValid, scratch, bias);
                else
                    TK.Run(a, direct ? g.Lda : TK.MR, b, bStride, kc, c, g.Ldc, mValid, nValid, accumulate, scratch);
            }
        }
    }

    /// <summary>Row tile <paramref name="i"/> of C over all column panels (B shared): A packed unless read in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowTile<TK>(ref GemmArgs g, int i, float* ap, float* scratch) where TK : struct, IMicroKernel
    {
        var row0 = i * TK.MR;
        var mValid = Math.Min(TK.MR, g.M - row0);
        var nPad = g.Panels * TK.NR;
        var aDirect = ADirect<TK>(ref g, i);
        if (!aDirect) PackATile<TK>(ref g, i, ap, tileOnly: true);
        for (var k0 = 0; k0 < g.K; k0 += g.Kc)
        {
            var kc = Math.Min(g.Kc, g.K - k0);
            var accumulate = g.Accumulate || k0 > 0;
            var a = aDirect ? g.A + (nint)k0 * g.Lda + row0 : ap + (nint)k0 * TK.MR;
            nint aStride = aDirect ? g.Lda : TK.MR;
            var bp = g.Shared + (nint)k0 * nPad;
            for (var j = 0; j < g.Panels; j++)
            {
                var col0 = j * TK.NR;
                var direct = BDirect<TK>(ref g, j);
                TK.Run(a, aStride, direct ? g.B + (nint)k0 * g.Ldb + col0 : bp + (nint)col0 * kc, direct ? g.Ldb : TK.NR, kc,
                    g.C + (nint)row0 * g.Ldc + col0, g.Ldc, mValid, Math.Min(TK.NR, g.N - col0), accumulate, scratch);
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
        public float* A, B, C, Shared, PackedB, Bias;
        public int Lda, Ldb, Ldc, M, N, K, Kc, MTiles, Panels;
        public bool TransA, TransB, Accumulate, Simd, SplitN, DirectA, DirectB, FusedBias;
    }

    /// <summary>The parallel form of one product; one per calling thread, reused.</summary>
    internal sealed class GemmJob : PoolJob
    {
        private GemmArgs _args;
        private SgemmIsa _isa;
        private Counters _counters;

        public void Open(ref GemmArgs g, SgemmIsa isa)
        {
            _args = g;
            _isa = isa;
            _counters = default;
            Open();
        }

        protected override void Work()
        {
            switch (_isa)
            {
                case SgemmIsa.Avx512: Part<SgemmKernels.Avx512Kernel>(ref _args, ref _counters, this); break;
                case SgemmIsa.Avx2: Part<SgemmKernels.Avx2Kernel>(ref _args, ref _counters, this); break;
                case SgemmIsa.Vector128: Part<SgemmKernels.Vector128Kernel>(ref _args, ref _counters, this); break;
                default: Part<SgemmKernels.ScalarKernel>(ref _args, ref _counters, this); break;
            }
        }

        /// <summary>After a failure: no unit is left to claim and nobody waits for packing, so everyone leaves.</summary>
        protected override void Abandon()
        {
            Volatile.Write(ref _counters.NextShared, int.MaxValue / 2);
            Volatile.Write(ref _counters.DoneShared, int.MaxValue / 2);
            Volatile.Write(ref _counters.NextUnit, int.MaxValue / 2);
        }
    }

    /// <summary>Per-thread packing buffers (64-byte aligned, pinned, grown on demand and then reused).</summary>
    internal sealed class Workspace
    {
        [ThreadStatic] private static Workspace? _current;

        public static Workspace Current => _current ??= new Workspace();

        /// <summary>The operand all participants read (this thread's products only).</summary>
        public readonly AlignedBuffer Shared = new();
        /// <summary>This thread's own panel or tile of the other operand.</summary>
        public readonly AlignedBuffer Private = new();
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
