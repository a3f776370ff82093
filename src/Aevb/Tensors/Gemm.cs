namespace Aevb.Tensors;

/// <summary>
/// The three matrix products a multilayer perceptron needs, named as in the maths:
/// forward <c>Y = X·Wᵀ</c>, input gradient <c>dX = G·W</c>, weight gradient <c>dW = Gᵀ·X</c>.
/// <c>accumulate</c> adds into <c>c</c> instead of overwriting it (gradient accumulation). <c>packedB</c>, where
/// given and enabled, keeps <c>b</c> packed between products while its owner holds <c>b</c> fixed (see
/// <see cref="PackedOperand"/>; the same bits as without it).
/// </summary>
public static class Gemm
{
    /// <summary>
    /// <c>C[M,N] (+)= A[M,K] · B[N,K]ᵀ</c>, then <paramref name="bias"/> (N floats, if given) added to every row: the
    /// bits of adding it in a pass of its own, mostly without that pass (a layer's forward <c>X·Wᵀ + b</c>).
    /// </summary>
    public static void MatMulTransposeB(Tensor a, Tensor b, Tensor c, bool accumulate = false,
        PackedOperand? packedB = null, ReadOnlySpan<float> bias = default)
    {
        Check(a.Cols == b.Cols && c.Rows == a.Rows && c.Cols == b.Rows, "A·Bᵀ", a, b, c);
        Sgemm.Run(transA: false, transB: true, a.Rows, b.Rows, a.Cols, a.Data, a.Cols, b.Data, b.Cols,
            c.Data, c.Cols, accumulate, Reusable(packedB, b), bias);
    }

    /// <summary><c>C[M,N] (+)= A[M,K] · B[K,N]</c>.</summary>
    public static void MatMul(Tensor a, Tensor b, Tensor c, bool accumulate = false, PackedOperand? packedB = null)
    {
        Check(a.Cols == b.Rows && c.Rows == a.Rows && c.Cols == b.Cols, "A·B", a, b, c);
        Sgemm.Run(transA: false, transB: false, a.Rows, b.Cols, a.Cols, a.Data, a.Cols, b.Data, b.Cols,
            c.Data, c.Cols, accumulate, Reusable(packedB, b));
    }

    /// <summary><c>C[M,N] (+)= A[K,M]ᵀ · B[K,N]</c>.</summary>
    public static void MatMulTransposeA(Tensor a, Tensor b, Tensor c, bool accumulate = false)
    {
        Check(a.Rows == b.Rows && c.Rows == a.Cols && c.Cols == b.Cols, "Aᵀ·B", a, b, c);
        Sgemm.Run(transA: true, transB: false, a.Cols, b.Cols, a.Rows, a.Data, a.Cols, b.Data, b.Cols, c.Data, c.Cols, accumulate);
    }

    private static PackedOperand? Reusable(PackedOperand? packed, Tensor b)
        => packed is not null && packed.Serves(b) ? packed : null;

    private static void Check(bool ok, string op, Tensor a, Tensor b, Tensor c)
    {
        if (!ok)
            throw new ArgumentException($"Shape mismatch in {op}: A is [{a.Rows}, {a.Cols}], B is [{b.Rows}, {b.Cols}], C is [{c.Rows}, {c.Cols}].");
    }
}
