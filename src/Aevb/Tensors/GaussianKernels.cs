using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aevb.Tensors;

/// <summary>
/// The Gaussian decoder's output gradients in one pass over memory instead of six: the residual, the two
/// gradients and their scaling were each a whole-tensor <c>TensorPrimitives</c> pass writing out and reading back
/// a [batch, output] buffer. Each element takes the same float operations in the same order as those passes
/// (all exactly rounded, none fused), so the bits are the same at any vector width.
/// </summary>
public static class GaussianKernels
{
    /// <summary>
    /// <c>d = x − m</c>, <c>gradMean = (d · invVar) · scale</c> and
    /// <c>gradLogVar = ((d · invVar) · d − 1) · (½ · scale)</c>: <c>scale ·</c> the gradient of
    /// <c>log N(x; m, 1/invVar)</c> w.r.t. the mean and the log-variance.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void OutputGrads(ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> invVar,
        float scale, Span<float> gradMean, Span<float> gradLogVar)
    {
        var n = x.Length;
        if (mean.Length != n || invVar.Length != n || gradMean.Length != n || gradLogVar.Length != n)
            throw new ArgumentException("All spans must have the same length.");
        var halfScale = 0.5f * scale;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vm = MemoryMarshal.Cast<float, Vector<float>>(mean);
            var vi = MemoryMarshal.Cast<float, Vector<float>>(invVar);
            var vg = MemoryMarshal.Cast<float, Vector<float>>(gradMean);
            var vl = MemoryMarshal.Cast<float, Vector<float>>(gradLogVar);
            Vector<float> vScale = new(scale), vHalfScale = new(halfScale);
            for (var k = 0; k < vx.Length; k++)
            {
                var d = vx[k] - vm[k];
                var g = d * vi[k];
                vl[k] = (g * d - Vector<float>.One) * vHalfScale;
                vg[k] = g * vScale;
            }
            i = vx.Length * Vector<float>.Count;
        }
        for (; i < n; i++)
        {
            var d = x[i] - mean[i];
            var g = d * invVar[i];
            gradLogVar[i] = (g * d - 1f) * halfScale;
            gradMean[i] = g * scale;
        }
    }
}
