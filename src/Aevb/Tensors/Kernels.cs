using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Aevb.Tensors;

/// <summary>
/// Elementwise and reduction kernels used by the layers, over spans: explicit Vector512 / Vector256
/// loops (with a scalar tail and a scalar fallback) where <c>TensorPrimitives</c> has no fused form or is slow.
/// Input and output spans may be the same span (in-place) but must not otherwise overlap.
/// The loops are compiled fully optimised on first use (they are the training loop's inner loops).
/// </summary>
public static class Kernels
{
    /// <summary>Adds <paramref name="vector"/> to every row of <paramref name="t"/> (bias add).</summary>
    public static void AddRowVector(Tensor t, ReadOnlySpan<float> vector)
    {
        if (vector.Length != t.Cols) throw new ArgumentException($"Row vector has {vector.Length} elements; the tensor has {t.Cols} columns.", nameof(vector));
        for (var i = 0; i < t.Rows; i++)
        {
            var row = t.Row(i);
            TensorPrimitives.Add(row, vector, row);
        }
    }

    /// <summary>Adds the column sums of <paramref name="t"/> into <paramref name="sums"/> (bias gradient).</summary>
    public static void AddColumnSums(Tensor t, Span<float> sums)
    {
        if (sums.Length != t.Cols) throw new ArgumentException($"Sums have {sums.Length} elements; the tensor has {t.Cols} columns.", nameof(sums));
        for (var i = 0; i < t.Rows; i++) TensorPrimitives.Add(sums, t.Row(i), sums);
    }

    /// <summary><c>y = tanh(x)</c> (≤ 1.3 ulp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x.Length, y.Length);
        ref var xs = ref MemoryMarshal.GetReference(x);
        ref var ys = ref MemoryMarshal.GetReference(y);
        var n = (nuint)x.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                VectorMath.Tanh(Vector512.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
                VectorMath.Tanh(Vector256.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        else if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= n; i += 4)
                VectorMath.Tanh(Vector128.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        for (; i < n; i++) Unsafe.Add(ref ys, i) = VectorMath.Tanh(Unsafe.Add(ref xs, i));
    }

    /// <summary><c>dx = dy · (1 − y²)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckLengths(y.Length, dy.Length, dx.Length);
        ref var ys = ref MemoryMarshal.GetReference(y);
        ref var dys = ref MemoryMarshal.GetReference(dy);
        ref var dxs = ref MemoryMarshal.GetReference(dx);
        var n = (nuint)y.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref ys, i);
                (Vector512.LoadUnsafe(ref dys, i) * (Vector512<float>.One - v * v)).StoreUnsafe(ref dxs, i);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref ys, i);
                (Vector256.LoadUnsafe(ref dys, i) * (Vector256<float>.One - v * v)).StoreUnsafe(ref dxs, i);
            }
        else if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= n; i += 4)
            {
                var v = Vector128.LoadUnsafe(ref ys, i);
                (Vector128.LoadUnsafe(ref dys, i) * (Vector128<float>.One - v * v)).StoreUnsafe(ref dxs, i);
            }
        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref ys, i);
            Unsafe.Add(ref dxs, i) = Unsafe.Add(ref dys, i) * (1f - v * v);
        }
    }

    /// <summary><c>y = 1 / (1 + e⁻ˣ)</c> (≤ 2.4 ulp, relative accuracy kept in the lower tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // see BernoulliLogLikelihood
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x.Length, y.Length);
        ref var xs = ref MemoryMarshal.GetReference(x);
        ref var ys = ref MemoryMarshal.GetReference(y);
        var n = (nuint)x.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                VectorMath.Sigmoid(Vector512.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
                VectorMath.Sigmoid(Vector256.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        else if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= n; i += 4)
                VectorMath.Sigmoid(Vector128.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        for (; i < n; i++) Unsafe.Add(ref ys, i) = VectorMath.Sigmoid(Unsafe.Add(ref xs, i));
    }

    /// <summary>
    /// The Bernoulli decoder's logit gradient <c>g = (x − σ(l))·scale</c> in one pass (× 1 skipped, being exact):
    /// the bits of <see cref="Sigmoid"/> followed by a subtraction and a multiplication, each element taking the
    /// same vector or scalar path as there, without writing σ(l) out and reading it back twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void BernoulliGradLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> x, float scale,
        Span<float> grad)
    {
        CheckLengths(logits.Length, x.Length, grad.Length);
        ref var ls = ref MemoryMarshal.GetReference(logits);
        ref var xs = ref MemoryMarshal.GetReference(x);
        ref var gs = ref MemoryMarshal.GetReference(grad);
        var n = (nuint)logits.Length;
        var scaled = scale != 1f;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref xs, i) - VectorMath.Sigmoid(Vector512.LoadUnsafe(ref ls, i));
                (scaled ? g * scale : g).StoreUnsafe(ref gs, i);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
            {
                var g = Vector256.LoadUnsafe(ref xs, i) - VectorMath.Sigmoid(Vector256.LoadUnsafe(ref ls, i));
                (scaled ? g * scale : g).StoreUnsafe(ref gs, i);
            }
        else if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= n; i += 4)
            {
                var g = Vector128.LoadUnsafe(ref xs, i) - VectorMath.Sigmoid(Vector128.LoadUnsafe(ref ls, i));
                (scaled ? g * scale : g).StoreUnsafe(ref gs, i);
            }
        for (; i < n; i++)
        {
            var g = Unsafe.Add(ref xs, i) - VectorMath.Sigmoid(Unsafe.Add(ref ls, i));
            Unsafe.Add(ref gs, i) = scaled ? g * scale : g;
        }
    }

    /// <summary><c>dx = dy · y (1 − y)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckLengths(y.Length, dy.Length, dx.Length);
        ref var ys = ref MemoryMarshal.GetReference(y);
        ref var dys = ref MemoryMarshal.GetReference(dy);
        ref var dxs = ref MemoryMarshal.GetReference(dx);
        var n = (nuint)y.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref ys, i);
                (Vector512.LoadUnsafe(ref dys, i) * v * (Vector512<float>.One - v)).StoreUnsafe(ref dxs, i);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref ys, i);
                (Vector256.LoadUnsafe(ref dys, i) * v * (Vector256<float>.One - v)).StoreUnsafe(ref dxs, i);
            }
        else if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= n; i += 4)
            {
                var v = Vector128.LoadUnsafe(ref ys, i);
                (Vector128.LoadUnsafe(ref dys, i) * v * (Vector128<float>.One - v)).StoreUnsafe(ref dxs, i);
            }
        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref ys, i);
            Unsafe.Add(ref dxs, i) = Unsafe.Add(ref dys, i) * v * (1f - v);
        }
    }

    /// <summary>
    /// The Bernoulli log-likelihood of one row from its logits, <c>Σ_d x_d·l_d − softplus(l_d)</c>, in one pass
    /// (<see cref="VectorMath.Softplus(Vector256{float})"/>: one exp and one log-polynomial per element, ≤ 3 ulp
    /// each, summed in vector lanes). Elements past the last whole vector take the scalar (float64) path, so a
    /// row's value depends only on the row, never on how rows are grouped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float BernoulliLogLikelihood(ReadOnlySpan<float> logits, ReadOnlySpan<float> x)
    {
        CheckLengths(logits.Length, x.Length);
        ref var ls = ref MemoryMarshal.GetReference(logits);
        ref var xs = ref MemoryMarshal.GetReference(x);
        var n = (nuint)logits.Length;
        nuint i = 0;
        // Each vector path is a method of its own that is never inlined: with several copies of the softplus
        // inlined into one method (its own paths, or a caller's loop) the JIT ran out of tracked locals and kept
        // every temporary on the stack (measured 1.7× slower here, and far slower inlined into a row loop).
        var sum = Vector512.IsHardwareAccelerated && n >= 16 ? LogLikelihood512(ref ls, ref xs, n, ref i)
            : Vector256.IsHardwareAccelerated && n >= 8 ? LogLikelihood256(ref ls, ref xs, n, ref i)
            : Vector128.IsHardwareAccelerated && n >= 4 ? LogLikelihood128(ref ls, ref xs, n, ref i)
            : 0f;
        for (; i < n; i++)
        {
            var l = Unsafe.Add(ref ls, i);
            sum += Unsafe.Add(ref xs, i) * l - VectorMath.Softplus(l);
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float LogLikelihood512(ref float ls, ref float xs, nuint n, ref nuint i)
    {
        var acc = Vector512<float>.Zero;
        for (; i + 16 <= n; i += 16)
        {
            var l = Vector512.LoadUnsafe(ref ls, i);
            acc += Vector512.LoadUnsafe(ref xs, i) * l - VectorMath.Softplus(l);
        }
        return Vector512.Sum(acc);
    }

    /// <summary>
    /// Two accumulators (the adds' latency, not the arithmetic, would otherwise bound the loop): even vectors go
    /// to <c>acc0</c>, odd ones to <c>acc1</c>, a last unpaired vector to <c>acc0</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float LogLikelihood256(ref float ls, ref float xs, nuint n, ref nuint i)
    {
        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        for (; i + 16 <= n; i += 16)
        {
            var l0 = Vector256.LoadUnsafe(ref ls, i);
            var l1 = Vector256.LoadUnsafe(ref ls, i + 8);
            acc0 += Vector256.LoadUnsafe(ref xs, i) * l0 - VectorMath.Softplus(l0);
            acc1 += Vector256.LoadUnsafe(ref xs, i + 8) * l1 - VectorMath.Softplus(l1);
        }
        if (i + 8 <= n)
        {
            var l = Vector256.LoadUnsafe(ref ls, i);
            acc0 += Vector256.LoadUnsafe(ref xs, i) * l - VectorMath.Softplus(l);
            i += 8;
        }
        return Vector256.Sum(acc0 + acc1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float LogLikelihood128(ref float ls, ref float xs, nuint n, ref nuint i)
    {
        var acc = Vector128<float>.Zero;
        for (; i + 4 <= n; i += 4)
        {
            var l = Vector128.LoadUnsafe(ref ls, i);
            acc += Vector128.LoadUnsafe(ref xs, i) * l - VectorMath.Softplus(l);
        }
        return Vector128.Sum(acc);
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b) throw new ArgumentException($"Span lengths differ: {a} and {b}.");
    }

    private static void CheckLengths(int a, int b, int c)
    {
        if (a != b || a != c) throw new ArgumentException($"Span lengths differ: {a}, {b} and {c}.");
    }
}
