namespace Aevb.Tensors;

/// <summary>
/// BLAS-style single-precision GEMM on row-major storage:
/// <c>C[M,N] (+)= op(A)[M,K] · op(B)[K,N]</c>, with <c>op(A)[i,k] = transA ? A[k*lda+i] : A[i*lda+k]</c>.
/// This is the straightforward reference version; <see cref="Gemm"/> routes every product through here.
/// </summary>
internal static class Sgemm
{
    public static void Run(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
        => Reference(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);

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
}
