using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Aevb.Tensors;

/// <summary>
/// Packing for the GEMM: copies a block of an operand into a panel of <c>width</c> "lanes" (rows of
/// A or columns of B) so that the micro-kernel reads, for each k, <c>width</c> consecutive floats:
/// <c>dst[k * width + lane]</c>. Lanes past the matrix edge are zero, so the kernel never branches
/// on edges. Any transposition is absorbed here: the source is either lane-contiguous
/// (<c>src[k * ld + lane]</c>, a plain copy) or lane-strided (<c>src[lane * ld + k]</c>, a transpose,
/// done with 8×8 AVX and 4×4 SSE register transposes).
/// </summary>
internal static unsafe class SgemmPacking
{
    /// <summary>Packs <paramref name="lanes"/> valid lanes (≤ <paramref name="width"/>) of <paramref name="kc"/> steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(float* src, int ld, bool strided, int lanes, int kc, int width, float* dst, bool simd)
    {
        if (strided) PackStrided(src, ld, lanes, kc, width, dst, simd);
        else PackContiguous(src, ld, lanes, kc, width, dst, simd);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackContiguous(float* src, int ld, int lanes, int kc, int width, float* dst, bool simd)
    {
        if (simd && Avx512F.IsSupported && lanes == width && width == 32)
        {
            for (var k = 0; k < kc; k++, src += ld, dst += 32)
            {
                Vector512.Store(Vector512.Load(src), dst);
                Vector512.Store(Vector512.Load(src + 16), dst + 16);
            }
            return;
        }
        if (simd && Vector256.IsHardwareAccelerated && lanes == width && (width & 7) == 0)
        {
            for (var k = 0; k < kc; k++, src += ld, dst += width)
                for (var l = 0; l < width; l += 8)
                    Vector256.Store(Vector256.Load(src + l), dst + l);
            return;
        }
        var bytes = (uint)(lanes * sizeof(float));
        for (var k = 0; k < kc; k++, src += ld, dst += width)
        {
            Unsafe.CopyBlockUnaligned(dst, src, bytes);
            for (var l = lanes; l < width; l++) dst[l] = 0f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackStrided(float* src, int ld, int lanes, int kc, int width, float* dst, bool simd)
    {
        var l = 0;
        if (simd && Avx.IsSupported)
        {
            for (; l + 8 <= lanes; l += 8) Transpose8(src + (nint)l * ld, ld, kc, width, dst + l);
            for (; l + 4 <= lanes; l += 4) Transpose4(src + (nint)l * ld, ld, kc, width, dst + l);
        }
        for (; l < lanes; l++)
        {
            var s = src + (nint)l * ld;
            var d = dst + l;
            for (var k = 0; k < kc; k++) d[(nint)k * width] = s[k];
        }
        if (l < width)
        {
            for (var k = 0; k < kc; k++)
            {
                var d = dst + (nint)k * width;
                for (var z = l; z < width; z++) d[z] = 0f;
            }
        }
    }

    /// <summary>8 lanes (rows <c>src + i*ld</c>) into columns <c>dst[k*width + 0..7]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose8(float* src, int ld, int kc, int width, float* dst)
    {
        var s0 = src; var s1 = s0 + ld; var s2 = s1 + ld; var s3 = s2 + ld;
        var s4 = s3 + ld; var s5 = s4 + ld; var s6 = s5 + ld; var s7 = s6 + ld;
        var k = 0;
        for (; k + 8 <= kc; k += 8)
        {
            var r0 = Avx.LoadVector256(s0 + k);
            var r1 = Avx.LoadVector256(s1 + k);
            var r2 = Avx.LoadVector256(s2 + k);
            var r3 = Avx.LoadVector256(s3 + k);
            var r4 = Avx.LoadVector256(s4 + k);
            var r5 = Avx.LoadVector256(s5 + k);
            var r6 = Avx.LoadVector256(s6 + k);
            var r7 = Avx.LoadVector256(s7 + k);
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5);
            var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7);
            var t7 = Avx.UnpackHigh(r6, r7);
            var u0 = Avx.Shuffle(t0, t2, 0x44);
            var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44);
            var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, t6, 0x44);
            var u5 = Avx.Shuffle(t4, t6, 0xEE);
            var u6 = Avx.Shuffle(t5, t7, 0x44);
            var u7 = Avx.Shuffle(t5, t7, 0xEE);
            var d = dst + (nint)k * width;
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20)); d += width;
            Avx.Store(d, Avx.Permute2x128(u1, u5, 0x20)); d += width;
            Avx.Store(d, Avx.Permute2x128(u2, u6, 0x20)); d += width;
            Avx.Store(d, Avx.Permute2x128(u3, u7, 0x20)); d += width;
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x31)); d += width;
            Avx.Store(d, Avx.Permute2x128(u1, u5, 0x31)); d += width;
            Avx.Store(d, Avx.Permute2x128(u2, u6, 0x31)); d += width;
            Avx.Store(d, Avx.Permute2x128(u3, u7, 0x31));
        }
        for (; k < kc; k++)
        {
            var d = dst + (nint)k * width;
            d[0] = s0[k]; d[1] = s1[k]; d[2] = s2[k]; d[3] = s3[k];
            d[4] = s4[k]; d[5] = s5[k]; d[6] = s6[k]; d[7] = s7[k];
        }
    }

    /// <summary>4 lanes (rows <c>src + i*ld</c>) into columns <c>dst[k*width + 0..3]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose4(float* src, int ld, int kc, int width, float* dst)
    {
        var s0 = src; var s1 = s0 + ld; var s2 = s1 + ld; var s3 = s2 + ld;
        var k = 0;
        for (; k + 4 <= kc; k += 4)
        {
            var r0 = Sse.LoadVector128(s0 + k);
            var r1 = Sse.LoadVector128(s1 + k);
            var r2 = Sse.LoadVector128(s2 + k);
            var r3 = Sse.LoadVector128(s3 + k);
            var t0 = Sse.UnpackLow(r0, r1);
            var t1 = Sse.UnpackHigh(r0, r1);
            var t2 = Sse.UnpackLow(r2, r3);
            var t3 = Sse.UnpackHigh(r2, r3);
            var d = dst + (nint)k * width;
            Sse.Store(d, Sse.MoveLowToHigh(t0, t2)); d += width;
            Sse.Store(d, Sse.MoveHighToLow(t2, t0)); d += width;
            Sse.Store(d, Sse.MoveLowToHigh(t1, t3)); d += width;
            Sse.Store(d, Sse.MoveHighToLow(t3, t1));
        }
        for (; k < kc; k++)
        {
            var d = dst + (nint)k * width;
            d[0] = s0[k]; d[1] = s1[k]; d[2] = s2[k]; d[3] = s3[k];
        }
    }
}
