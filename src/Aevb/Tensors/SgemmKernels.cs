using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Aevb.Tensors;

/// <summary>
/// A register-tiled GEMM micro-kernel: <c>C[MR, NR] (+)= Ap · Bp</c> over <c>kc</c> steps, where
/// step k reads MR floats at <c>a + k·aStride</c> and NR floats at <c>b + k·bStride</c>: a packed panel
/// (stride MR or NR, see <see cref="SgemmPacking"/>) or the operand itself where its layout already fits.
/// The whole C tile lives in registers for the k loop; edge tiles (<c>mValid &lt; MR</c> or
/// <c>nValid &lt; NR</c>) are computed in full on zero-padded panels and stored through a scratch tile.
/// </summary>
internal unsafe interface IMicroKernel
{
    static abstract int MR { get; }
    static abstract int NR { get; }
    static abstract void Run(float* a, nint aStride, float* b, nint bStride, int kc, float* c, int ldc, int mValid, int nValid, bool accumulate, float* scratch);
}

/// <summary>The micro-kernels, one per instruction set (tile sizes chosen for the register file).</summary>
internal static unsafe class SgemmKernels
{
    /// <summary>
    /// AVX-512: a 8×32 tile of C in zmm registers, one broadcast of A per row and k.
    /// <para>
    /// Written with the cross-platform <see cref="Vector512"/> operations, not <c>Avx512F</c> intrinsics: on
    /// AVX-512 hardware the JIT emits the same instructions (<c>Vector512.FusedMultiplyAdd</c> is
    /// <c>vfmadd231ps zmm</c>, <c>Vector512.Add</c> is <c>vaddps zmm</c>, <c>Vector512.Create(float)</c> a
    /// broadcast), and elsewhere the same code runs in software (two 256-bit halves), with the same fused
    /// roundings. That is how the tests check this kernel on machines without AVX-512
    /// (<see cref="Sgemm.CanRun"/>); <see cref="Sgemm.Best"/> still picks it only where the CPU has it.
    /// </para>
    /// </summary>
    internal readonly struct Avx512Kernel : IMicroKernel
    {
        public static int MR => 8;
        public static int NR => 32;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, nint aStride, float* b, nint bStride, int kc, float* c, int ldc, int mValid, int nValid, bool accumulate, float* scratch)
        {
            if (mValid <= 4)
            {
                // Edge tile of at most half the rows (e.g. the last 4 of a batch of 100): skip the padding rows' work.
                Avx512HalfKernel.Run(a, aStride, b, bStride, kc, c, ldc, mValid, nValid, accumulate, scratch);
                return;
            }
            var c00 = Vector512<float>.Zero; var c01 = Vector512<float>.Zero; var c10 = Vector512<float>.Zero; var c11 = Vector512<float>.Zero;
            var c20 = Vector512<float>.Zero; var c21 = Vector512<float>.Zero; var c30 = Vector512<float>.Zero; var c31 = Vector512<float>.Zero;
            var c40 = Vector512<float>.Zero; var c41 = Vector512<float>.Zero; var c50 = Vector512<float>.Zero; var c51 = Vector512<float>.Zero;
            var c60 = Vector512<float>.Zero; var c61 = Vector512<float>.Zero; var c70 = Vector512<float>.Zero; var c71 = Vector512<float>.Zero;
            for (var p = 0; p < kc; p++)
            {
                var b0 = Vector512.Load(b + 0);
                var b1 = Vector512.Load(b + 16);
                var a0 = Vector512.Create(a[0]);
                c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
                var a1 = Vector512.Create(a[1]);
                c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
                var a2 = Vector512.Create(a[2]);
                c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
                var a3 = Vector512.Create(a[3]);
                c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
                var a4 = Vector512.Create(a[4]);
                c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
                var a5 = Vector512.Create(a[5]);
                c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
                var a6 = Vector512.Create(a[6]);
                c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
                c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
                var a7 = Vector512.Create(a[7]);
                c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
                c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
                a += aStride;
                b += bStride;
            }
            if (nValid == 32)
            {
                // Full-width tile: store the valid rows straight to C (an M edge needs no scratch).
                if (accumulate)
                {
                    Vector512.Store(Vector512.Add(Vector512.Load(c), c00), c);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + 16), c01), c + 16);
                    if (mValid == 1) return;
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)1 * ldc), c10), c + (nint)1 * ldc);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)1 * ldc + 16), c11), c + (nint)1 * ldc + 16);
                    if (mValid == 2) return;
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)2 * ldc), c20), c + (nint)2 * ldc);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)2 * ldc + 16), c21), c + (nint)2 * ldc + 16);
                    if (mValid == 3) return;
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)3 * ldc), c30), c + (nint)3 * ldc);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)3 * ldc + 16), c31), c + (nint)3 * ldc + 16);
                    if (mValid == 4) return;
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)4 * ldc), c40), c + (nint)4 * ldc);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)4 * ldc + 16), c41), c + (nint)4 * ldc + 16);
                    if (mValid == 5) return;
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)5 * ldc), c50), c + (nint)5 * ldc);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)5 * ldc + 16), c51), c + (nint)5 * ldc + 16);
                    if (mValid == 6) return;
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)6 * ldc), c60), c + (nint)6 * ldc);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)6 * ldc + 16), c61), c + (nint)6 * ldc + 16);
                    if (mValid == 7) return;
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)7 * ldc), c70), c + (nint)7 * ldc);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)7 * ldc + 16), c71), c + (nint)7 * ldc + 16);
                }
                else
                {
                    Vector512.Store(c00, c);
                    Vector512.Store(c01, c + 16);
                    if (mValid == 1) return;
                    Vector512.Store(c10, c + (nint)1 * ldc);
                    Vector512.Store(c11, c + (nint)1 * ldc + 16);
                    if (mValid == 2) return;
                    Vector512.Store(c20, c + (nint)2 * ldc);
                    Vector512.Store(c21, c + (nint)2 * ldc + 16);
                    if (mValid == 3) return;
                    Vector512.Store(c30, c + (nint)3 * ldc);
                    Vector512.Store(c31, c + (nint)3 * ldc + 16);
                    if (mValid == 4) return;
                    Vector512.Store(c40, c + (nint)4 * ldc);
                    Vector512.Store(c41, c + (nint)4 * ldc + 16);
                    if (mValid == 5) return;
                    Vector512.Store(c50, c + (nint)5 * ldc);
                    Vector512.Store(c51, c + (nint)5 * ldc + 16);
                    if (mValid == 6) return;
                    Vector512.Store(c60, c + (nint)6 * ldc);
                    Vector512.Store(c61, c + (nint)6 * ldc + 16);
                    if (mValid == 7) return;
                    Vector512.Store(c70, c + (nint)7 * ldc);
                    Vector512.Store(c71, c + (nint)7 * ldc + 16);
                }
                return;
            }
            Vector512.Store(c00, scratch + 0);
            Vector512.Store(c01, scratch + 16);
            Vector512.Store(c10, scratch + 32);
            Vector512.Store(c11, scratch + 48);
            Vector512.Store(c20, scratch + 64);
            Vector512.Store(c21, scratch + 80);
            Vector512.Store(c30, scratch + 96);
            Vector512.Store(c31, scratch + 112);
            Vector512.Store(c40, scratch + 128);
            Vector512.Store(c41, scratch + 144);
            Vector512.Store(c50, scratch + 160);
            Vector512.Store(c51, scratch + 176);
            Vector512.Store(c60, scratch + 192);
            Vector512.Store(c61, scratch + 208);
            Vector512.Store(c70, scratch + 224);
            Vector512.Store(c71, scratch + 240);
            StoreEdge(scratch, 32, c, ldc, mValid, nValid, accumulate);
        }
    }

    /// <summary>AVX-512 edge tiles of at most 4 rows (A panels still 8 wide): 4×32 (portable Vector512 operations, as above).</summary>
    internal readonly struct Avx512HalfKernel : IMicroKernel
    {
        public static int MR => 4;
        public static int NR => 32;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, nint aStride, float* b, nint bStride, int kc, float* c, int ldc, int mValid, int nValid, bool accumulate, float* scratch)
        {
            var c00 = Vector512<float>.Zero; var c01 = Vector512<float>.Zero; var c10 = Vector512<float>.Zero; var c11 = Vector512<float>.Zero;
            var c20 = Vector512<float>.Zero; var c21 = Vector512<float>.Zero; var c30 = Vector512<float>.Zero; var c31 = Vector512<float>.Zero;
            for (var p = 0; p < kc; p++)
            {
                var b0 = Vector512.Load(b + 0);
                var b1 = Vector512.Load(b + 16);
                var a0 = Vector512.Create(a[0]);
                c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
                var a1 = Vector512.Create(a[1]);
                c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
                var a2 = Vector512.Create(a[2]);
                c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
                var a3 = Vector512.Create(a[3]);
                c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
                a += aStride;
                b += bStride;
            }
            if (nValid == 32)
            {
                // Full-width tile: store the valid rows straight to C (an M edge needs no scratch).
                if (accumulate)
                {
                    Vector512.Store(Vector512.Add(Vector512.Load(c), c00), c);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + 16), c01), c + 16);
                    if (mValid == 1) return;
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)1 * ldc), c10), c + (nint)1 * ldc);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)1 * ldc + 16), c11), c + (nint)1 * ldc + 16);
                    if (mValid == 2) return;
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)2 * ldc), c20), c + (nint)2 * ldc);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)2 * ldc + 16), c21), c + (nint)2 * ldc + 16);
                    if (mValid == 3) return;
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)3 * ldc), c30), c + (nint)3 * ldc);
                    Vector512.Store(Vector512.Add(Vector512.Load(c + (nint)3 * ldc + 16), c31), c + (nint)3 * ldc + 16);
                }
                else
                {
                    Vector512.Store(c00, c);
                    Vector512.Store(c01, c + 16);
                    if (mValid == 1) return;
                    Vector512.Store(c10, c + (nint)1 * ldc);
                    Vector512.Store(c11, c + (nint)1 * ldc + 16);
                    if (mValid == 2) return;
                    Vector512.Store(c20, c + (nint)2 * ldc);
                    Vector512.Store(c21, c + (nint)2 * ldc + 16);
                    if (mValid == 3) return;
                    Vector512.Store(c30, c + (nint)3 * ldc);
                    Vector512.Store(c31, c + (nint)3 * ldc + 16);
                }
                return;
            }
            Vector512.Store(c00, scratch + 0);
            Vector512.Store(c01, scratch + 16);
            Vector512.Store(c10, scratch + 32);
            Vector512.Store(c11, scratch + 48);
            Vector512.Store(c20, scratch + 64);
            Vector512.Store(c21, scratch + 80);
            Vector512.Store(c30, scratch + 96);
            Vector512.Store(c31, scratch + 112);
            StoreEdge(scratch, 32, c, ldc, mValid, nValid, accumulate);
        }
    }

    /// <summary>AVX2+FMA: a 4×24 tile of C in 16 ymm registers.</summary>
    internal readonly struct Avx2Kernel : IMicroKernel
    {
        public static int MR => 4;
        public static int NR => 24;

        public static void Run(float* a, nint aStride, float* b, nint bStride, int kc, float* c, int ldc, int mValid, int nValid, bool accumulate, float* scratch)
            => Tile(a, aStride, b, bStride, kc, c, ldc, mValid, nValid, accumulate, scratch, bias: null);

        /// <summary>
        /// <see cref="Run"/> overwriting C with the tile plus <paramref name="bias"/> (<c>nValid</c> floats, one per
        /// column) added to every row: the float addition a separate bias pass would make, without the extra sweep.
        /// </summary>
        public static void RunWithBias(float* a, nint aStride, float* b, nint bStride, int kc, float* c, int ldc, int mValid, int nValid, float* scratch, float* bias)
            => Tile(a, aStride, b, bStride, kc, c, ldc, mValid, nValid, accumulate: false, scratch, bias);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Tile(float* a, nint aStride, float* b, nint bStride, int kc, float* c, int ldc, int mValid, int nValid, bool accumulate, float* scratch, float* bias)
        {
            var c00 = Vector256<float>.Zero; var c01 = Vector256<float>.Zero; var c02 = Vector256<float>.Zero; var c10 = Vector256<float>.Zero;
            var c11 = Vector256<float>.Zero; var c12 = Vector256<float>.Zero; var c20 = Vector256<float>.Zero; var c21 = Vector256<float>.Zero;
            var c22 = Vector256<float>.Zero; var c30 = Vector256<float>.Zero; var c31 = Vector256<float>.Zero; var c32 = Vector256<float>.Zero;
            for (var p = 0; p < kc; p++)
            {
                var b0 = Vector256.Load(b + 0);
                var b1 = Vector256.Load(b + 8);
                var b2 = Vector256.Load(b + 16);
                var a0 = Vector256.Create(a[0]);
                c00 = Fma.MultiplyAdd(a0, b0, c00);
                c01 = Fma.MultiplyAdd(a0, b1, c01);
                c02 = Fma.MultiplyAdd(a0, b2, c02);
                var a1 = Vector256.Create(a[1]);
                c10 = Fma.MultiplyAdd(a1, b0, c10);
                c11 = Fma.MultiplyAdd(a1, b1, c11);
                c12 = Fma.MultiplyAdd(a1, b2, c12);
                var a2 = Vector256.Create(a[2]);
                c20 = Fma.MultiplyAdd(a2, b0, c20);
                c21 = Fma.MultiplyAdd(a2, b1, c21);
                c22 = Fma.MultiplyAdd(a2, b2, c22);
                var a3 = Vector256.Create(a[3]);
                c30 = Fma.MultiplyAdd(a3, b0, c30);
                c31 = Fma.MultiplyAdd(a3, b1, c31);
                c32 = Fma.MultiplyAdd(a3, b2, c32);
                a += aStride;
                b += bStride;
            }
            if (nValid == 24)
            {
                if (bias != null)
                {
                    var b0 = Vector256.Load(bias);
                    var b1 = Vector256.Load(bias + 8);
                    var b2 = Vector256.Load(bias + 16);
                    c00 = Avx.Add(c00, b0); c01 = Avx.Add(c01, b1); c02 = Avx.Add(c02, b2);
                    c10 = Avx.Add(c10, b0); c11 = Avx.Add(c11, b1); c12 = Avx.Add(c12, b2);
                    c20 = Avx.Add(c20, b0); c21 = Avx.Add(c21, b1); c22 = Avx.Add(c22, b2);
                    c30 = Avx.Add(c30, b0); c31 = Avx.Add(c31, b1); c32 = Avx.Add(c32, b2);
                }
                // Full-width tile: store the valid rows straight to C (an M edge needs no scratch).
                if (accumulate)
                {
                    Vector256.Store(Avx.Add(Vector256.Load(c), c00), c);
                    Vector256.Store(Avx.Add(Vector256.Load(c + 8), c01), c + 8);
                    Vector256.Store(Avx.Add(Vector256.Load(c + 16), c02), c + 16);
                    if (mValid == 1) return;
                    Vector256.Store(Avx.Add(Vector256.Load(c + (nint)1 * ldc), c10), c + (nint)1 * ldc);
                    Vector256.Store(Avx.Add(Vector256.Load(c + (nint)1 * ldc + 8), c11), c + (nint)1 * ldc + 8);
                    Vector256.Store(Avx.Add(Vector256.Load(c + (nint)1 * ldc + 16), c12), c + (nint)1 * ldc + 16);
                    if (mValid == 2) return;
                    Vector256.Store(Avx.Add(Vector256.Load(c + (nint)2 * ldc), c20), c + (nint)2 * ldc);
                    Vector256.Store(Avx.Add(Vector256.Load(c + (nint)2 * ldc + 8), c21), c + (nint)2 * ldc + 8);
                    Vector256.Store(Avx.Add(Vector256.Load(c + (nint)2 * ldc + 16), c22), c + (nint)2 * ldc + 16);
                    if (mValid == 3) return;
                    Vector256.Store(Avx.Add(Vector256.Load(c + (nint)3 * ldc), c30), c + (nint)3 * ldc);
                    Vector256.Store(Avx.Add(Vector256.Load(c + (nint)3 * ldc + 8), c31), c + (nint)3 * ldc + 8);
                    Vector256.Store(Avx.Add(Vector256.Load(c + (nint)3 * ldc + 16), c32), c + (nint)3 * ldc + 16);
                }
                else
                {
                    Vector256.Store(c00, c);
                    Vector256.Store(c01, c + 8);
                    Vector256.Store(c02, c + 16);
                    if (mValid == 1) return;
                    Vector256.Store(c10, c + (nint)1 * ldc);
                    Vector256.Store(c11, c + (nint)1 * ldc + 8);
                    Vector256.Store(c12, c + (nint)1 * ldc + 16);
                    if (mValid == 2) return;
                    Vector256.Store(c20, c + (nint)2 * ldc);
                    Vector256.Store(c21, c + (nint)2 * ldc + 8);
                    Vector256.Store(c22, c + (nint)2 * ldc + 16);
                    if (mValid == 3) return;
                    Vector256.Store(c30, c + (nint)3 * ldc);
                    Vector256.Store(c31, c + (nint)3 * ldc + 8);
                    Vector256.Store(c32, c + (nint)3 * ldc + 16);
                }
                return;
            }
            Vector256.Store(c00, scratch + 0);
            Vector256.Store(c01, scratch + 8);
            Vector256.Store(c02, scratch + 16);
            Vector256.Store(c10, scratch + 24);
            Vector256.Store(c11, scratch + 32);
            Vector256.Store(c12, scratch + 40);
            Vector256.Store(c20, scratch + 48);
            Vector256.Store(c21, scratch + 56);
            Vector256.Store(c22, scratch + 64);
            Vector256.Store(c30, scratch + 72);
            Vector256.Store(c31, scratch + 80);
            Vector256.Store(c32, scratch + 88);
            StoreEdge(scratch, 24, c, ldc, mValid, nValid, accumulate, bias);
        }
    }

    /// <summary>
    /// AVX2 narrow right edge: the last column panel of the 4×24 kernel when at most 8 of its columns are valid
    /// (N = 100 leaves 4: the Figure 3 and MCEM models' hidden width), three 4-row tiles of A at once, 12×8 in 12 ymm
    /// accumulators. The full-width kernel would spend 12 FMAs per k on a panel that needs 4 (a 4×8 tile alone would
    /// be bound by the FMA latency); here the 12 FMAs cover 12 rows. Each element of C is the same chain of fused
    /// multiply-adds over k as in <see cref="Avx2Kernel"/>, then the same store, so the results are bitwise the same.
    /// Tile t of A is at <c>a + t·tileOffset</c> (packed: 4·kc; read in place: 4), each with stride <c>aStride</c>.
    /// </summary>
    /// <remarks>With <paramref name="bias"/> (then without <paramref name="accumulate"/>) each row gets it added, as in <see cref="Avx2Kernel.RunWithBias"/>.</remarks>
    internal static void Avx2Edge12x8(float* a, nint tileOffset, nint aStride, float* b, nint bStride, int kc, float* c, int ldc, int nValid, bool accumulate, float* scratch, float* bias = null)
    {
        var c0 = Vector256<float>.Zero; var c1 = Vector256<float>.Zero; var c2 = Vector256<float>.Zero; var c3 = Vector256<float>.Zero;
        var c4 = Vector256<float>.Zero; var c5 = Vector256<float>.Zero; var c6 = Vector256<float>.Zero; var c7 = Vector256<float>.Zero;
        var c8 = Vector256<float>.Zero; var c9 = Vector256<float>.Zero; var c10 = Vector256<float>.Zero; var c11 = Vector256<float>.Zero;
        var a1 = a + tileOffset;
        var a2 = a + 2 * tileOffset;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            c0 = Fma.MultiplyAdd(Vector256.Create(a[0]), b0, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(a[1]), b0, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(a[2]), b0, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(a[3]), b0, c3);
            c4 = Fma.MultiplyAdd(Vector256.Create(a1[0]), b0, c4);
            c5 = Fma.MultiplyAdd(Vector256.Create(a1[1]), b0, c5);
            c6 = Fma.MultiplyAdd(Vector256.Create(a1[2]), b0, c6);
            c7 = Fma.MultiplyAdd(Vector256.Create(a1[3]), b0, c7);
            c8 = Fma.MultiplyAdd(Vector256.Create(a2[0]), b0, c8);
            c9 = Fma.MultiplyAdd(Vector256.Create(a2[1]), b0, c9);
            c10 = Fma.MultiplyAdd(Vector256.Create(a2[2]), b0, c10);
            c11 = Fma.MultiplyAdd(Vector256.Create(a2[3]), b0, c11);
            a += aStride;
            a1 += aStride;
            a2 += aStride;
            b += bStride;
        }
        if (nValid == 8)
        {
            if (bias != null)
            {
                var bv = Vector256.Load(bias);
                c0 = Avx.Add(c0, bv); c1 = Avx.Add(c1, bv); c2 = Avx.Add(c2, bv); c3 = Avx.Add(c3, bv);
                c4 = Avx.Add(c4, bv); c5 = Avx.Add(c5, bv); c6 = Avx.Add(c6, bv); c7 = Avx.Add(c7, bv);
                c8 = Avx.Add(c8, bv); c9 = Avx.Add(c9, bv); c10 = Avx.Add(c10, bv); c11 = Avx.Add(c11, bv);
            }
            Store8(c0, c, accumulate); Store8(c1, c + (nint)1 * ldc, accumulate);
            Store8(c2, c + (nint)2 * ldc, accumulate); Store8(c3, c + (nint)3 * ldc, accumulate);
            Store8(c4, c + (nint)4 * ldc, accumulate); Store8(c5, c + (nint)5 * ldc, accumulate);
            Store8(c6, c + (nint)6 * ldc, accumulate); Store8(c7, c + (nint)7 * ldc, accumulate);
            Store8(c8, c + (nint)8 * ldc, accumulate); Store8(c9, c + (nint)9 * ldc, accumulate);
            Store8(c10, c + (nint)10 * ldc, accumulate); Store8(c11, c + (nint)11 * ldc, accumulate);
            return;
        }
        Vector256.Store(c0, scratch + 0); Vector256.Store(c1, scratch + 8); Vector256.Store(c2, scratch + 16); Vector256.Store(c3, scratch + 24);
        Vector256.Store(c4, scratch + 32); Vector256.Store(c5, scratch + 40); Vector256.Store(c6, scratch + 48); Vector256.Store(c7, scratch + 56);
        Vector256.Store(c8, scratch + 64); Vector256.Store(c9, scratch + 72); Vector256.Store(c10, scratch + 80); Vector256.Store(c11, scratch + 88);
        StoreEdge(scratch, 8, c, ldc, 12, nValid, accumulate, bias);

        static void Store8(Vector256<float> v, float* dst, bool accumulate)
            => Vector256.Store(accumulate ? Avx.Add(Vector256.Load(dst), v) : v, dst);
    }

    /// <summary>Portable 128-bit SIMD (NEON on ARM64, SSE elsewhere): a 4×16 tile in 16 vector registers.</summary>
    internal readonly struct Vector128Kernel : IMicroKernel
    {
        public static int MR => 4;
        public static int NR => 16;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, nint aStride, float* b, nint bStride, int kc, float* c, int ldc, int mValid, int nValid, bool accumulate, float* scratch)
        {
            var c00 = Vector128<float>.Zero; var c01 = Vector128<float>.Zero; var c02 = Vector128<float>.Zero; var c03 = Vector128<float>.Zero;
            var c10 = Vector128<float>.Zero; var c11 = Vector128<float>.Zero; var c12 = Vector128<float>.Zero; var c13 = Vector128<float>.Zero;
            var c20 = Vector128<float>.Zero; var c21 = Vector128<float>.Zero; var c22 = Vector128<float>.Zero; var c23 = Vector128<float>.Zero;
            var c30 = Vector128<float>.Zero; var c31 = Vector128<float>.Zero; var c32 = Vector128<float>.Zero; var c33 = Vector128<float>.Zero;
            for (var p = 0; p < kc; p++)
            {
                var b0 = Vector128.Load(b + 0);
                var b1 = Vector128.Load(b + 4);
                var b2 = Vector128.Load(b + 8);
                var b3 = Vector128.Load(b + 12);
                var a0 = Vector128.Create(a[0]);
                c00 = Vector128.MultiplyAddEstimate(a0, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(a0, b1, c01);
                c02 = Vector128.MultiplyAddEstimate(a0, b2, c02);
                c03 = Vector128.MultiplyAddEstimate(a0, b3, c03);
                var a1 = Vector128.Create(a[1]);
                c10 = Vector128.MultiplyAddEstimate(a1, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(a1, b1, c11);
                c12 = Vector128.MultiplyAddEstimate(a1, b2, c12);
                c13 = Vector128.MultiplyAddEstimate(a1, b3, c13);
                var a2 = Vector128.Create(a[2]);
                c20 = Vector128.MultiplyAddEstimate(a2, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(a2, b1, c21);
                c22 = Vector128.MultiplyAddEstimate(a2, b2, c22);
                c23 = Vector128.MultiplyAddEstimate(a2, b3, c23);
                var a3 = Vector128.Create(a[3]);
                c30 = Vector128.MultiplyAddEstimate(a3, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(a3, b1, c31);
                c32 = Vector128.MultiplyAddEstimate(a3, b2, c32);
                c33 = Vector128.MultiplyAddEstimate(a3, b3, c33);
                a += aStride;
                b += bStride;
            }
            if (nValid == 16)
            {
                // Full-width tile: store the valid rows straight to C (an M edge needs no scratch).
                if (accumulate)
                {
                    Vector128.Store(Vector128.Add(Vector128.Load(c), c00), c);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + 4), c01), c + 4);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + 8), c02), c + 8);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + 12), c03), c + 12);
                    if (mValid == 1) return;
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)1 * ldc), c10), c + (nint)1 * ldc);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)1 * ldc + 4), c11), c + (nint)1 * ldc + 4);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)1 * ldc + 8), c12), c + (nint)1 * ldc + 8);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)1 * ldc + 12), c13), c + (nint)1 * ldc + 12);
                    if (mValid == 2) return;
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)2 * ldc), c20), c + (nint)2 * ldc);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)2 * ldc + 4), c21), c + (nint)2 * ldc + 4);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)2 * ldc + 8), c22), c + (nint)2 * ldc + 8);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)2 * ldc + 12), c23), c + (nint)2 * ldc + 12);
                    if (mValid == 3) return;
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)3 * ldc), c30), c + (nint)3 * ldc);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)3 * ldc + 4), c31), c + (nint)3 * ldc + 4);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)3 * ldc + 8), c32), c + (nint)3 * ldc + 8);
                    Vector128.Store(Vector128.Add(Vector128.Load(c + (nint)3 * ldc + 12), c33), c + (nint)3 * ldc + 12);
                }
                else
                {
                    Vector128.Store(c00, c);
                    Vector128.Store(c01, c + 4);
                    Vector128.Store(c02, c + 8);
                    Vector128.Store(c03, c + 12);
                    if (mValid == 1) return;
                    Vector128.Store(c10, c + (nint)1 * ldc);
                    Vector128.Store(c11, c + (nint)1 * ldc + 4);
                    Vector128.Store(c12, c + (nint)1 * ldc + 8);
                    Vector128.Store(c13, c + (nint)1 * ldc + 12);
                    if (mValid == 2) return;
                    Vector128.Store(c20, c + (nint)2 * ldc);
                    Vector128.Store(c21, c + (nint)2 * ldc + 4);
                    Vector128.Store(c22, c + (nint)2 * ldc + 8);
                    Vector128.Store(c23, c + (nint)2 * ldc + 12);
                    if (mValid == 3) return;
                    Vector128.Store(c30, c + (nint)3 * ldc);
                    Vector128.Store(c31, c + (nint)3 * ldc + 4);
                    Vector128.Store(c32, c + (nint)3 * ldc + 8);
                    Vector128.Store(c33, c + (nint)3 * ldc + 12);
                }
                return;
            }
            Vector128.Store(c00, scratch + 0);
            Vector128.Store(c01, scratch + 4);
            Vector128.Store(c02, scratch + 8);
            Vector128.Store(c03, scratch + 12);
            Vector128.Store(c10, scratch + 16);
            Vector128.Store(c11, scratch + 20);
            Vector128.Store(c12, scratch + 24);
            Vector128.Store(c13, scratch + 28);
            Vector128.Store(c20, scratch + 32);
            Vector128.Store(c21, scratch + 36);
            Vector128.Store(c22, scratch + 40);
            Vector128.Store(c23, scratch + 44);
            Vector128.Store(c30, scratch + 48);
            Vector128.Store(c31, scratch + 52);
            Vector128.Store(c32, scratch + 56);
            Vector128.Store(c33, scratch + 60);
            StoreEdge(scratch, 16, c, ldc, mValid, nValid, accumulate);
        }
    }

    /// <summary>Portable fallback: a 4×4 tile in scalar registers.</summary>
    internal readonly struct ScalarKernel : IMicroKernel
    {
        public static int MR => 4;
        public static int NR => 4;

        public static void Run(float* a, nint aStride, float* b, nint bStride, int kc, float* c, int ldc, int mValid, int nValid, bool accumulate, float* scratch)
        {
            float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            for (var p = 0; p < kc; p++)
            {
                float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
                var a0 = a[0];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                var a1 = a[1];
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                var a2 = a[2];
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                var a3 = a[3];
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                a += aStride;
                b += bStride;
            }
            scratch[0] = c00; scratch[1] = c01; scratch[2] = c02; scratch[3] = c03;
            scratch[4] = c10; scratch[5] = c11; scratch[6] = c12; scratch[7] = c13;
            scratch[8] = c20; scratch[9] = c21; scratch[10] = c22; scratch[11] = c23;
            scratch[12] = c30; scratch[13] = c31; scratch[14] = c32; scratch[15] = c33;
            StoreEdge(scratch, 4, c, ldc, mValid, nValid, accumulate);
        }
    }

    /// <summary>
    /// Copies (or adds) the valid <c>mValid × nValid</c> corner of a scratch tile into C; with <paramref name="bias"/>
    /// (never with <paramref name="accumulate"/>) each row plus the bias.
    /// </summary>
    private static void StoreEdge(float* scratch, int nr, float* c, int ldc, int mValid, int nValid, bool accumulate, float* bias = null)
    {
        if (bias != null)
        {
            for (var r = 0; r < mValid; r++)
            {
                var s = scratch + r * nr;
                var d = c + (nint)r * ldc;
                var j = 0;
                for (; j + 8 <= nValid; j += 8) Vector256.Store(Vector256.Load(s + j) + Vector256.Load(bias + j), d + j);
                for (; j < nValid; j++) d[j] = s[j] + bias[j];
            }
            return;
        }
        for (var r = 0; r < mValid; r++)
        {
            var s = scratch + r * nr;
            var d = c + (nint)r * ldc;
            var j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                if (accumulate)
                    for (; j + 8 <= nValid; j += 8) Vector256.Store(Vector256.Load(d + j) + Vector256.Load(s + j), d + j);
                else
                    for (; j + 8 <= nValid; j += 8) Vector256.Store(Vector256.Load(s + j), d + j);
            }
            if (accumulate)
                for (; j < nValid; j++) d[j] += s[j];
            else
                for (; j < nValid; j++) d[j] = s[j];
        }
    }
}
