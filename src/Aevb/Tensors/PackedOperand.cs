using System.Runtime.CompilerServices;

namespace Aevb.Tensors;

/// <summary>
/// A GEMM right operand op(B) kept packed between the products that share it while it does not change: a
/// layer's weight across the HMC leapfrog steps, which move z only (11 forward and 11 input-gradient products
/// per Monte Carlo EM step, hundreds per Appendix D estimate). Packing the weight costs about as much memory
/// traffic as the activations it multiplies, so doing it once instead of per product is a real share of a
/// 100-row pass. The copy is exactly the layout the product would otherwise build panel by panel and the kernel
/// runs the same FMAs on it, so results are bitwise the same with or without it.
/// <para>
/// The owner promises that the operand stays unchanged while <see cref="Enabled"/> is true (weights frozen);
/// turning it on or off drops the copy, and a product with another operand, shape or blocking repacks.
/// </para>
/// </summary>
public sealed unsafe class PackedOperand
{
    private readonly Sgemm.AlignedBuffer _buffer = new();
    private Tensor? _source;
    private int _n, _k, _kc, _nr, _ldb;
    private bool _transB, _simd, _current;

    /// <summary>Whether products may reuse the packed copy (the operand must not change meanwhile).</summary>
    public bool Enabled
    {
        get;
        set
        {
            if (field == value) return;
            field = value;
            _current = false;
            _source = null;
        }
    }

    /// <summary>Marks the copy stale: the next product repacks (after the operand was written while enabled).</summary>
    public void Invalidate() => _current = false;

    /// <summary>Whether the copy can stand in for <paramref name="b"/> at all (enabled, and for this tensor).</summary>
    internal bool Serves(Tensor b)
    {
        if (!Enabled) return false;
        if (!ReferenceEquals(_source, b))
        {
            _source = b;
            _current = false;
        }
        return true;
    }

    /// <summary>
    /// The packed op(B) for product <paramref name="g"/> (layout <c>[K block][panel][kc][NR]</c>, as the shared
    /// operand of <see cref="Sgemm"/>), packed now on the calling thread unless the copy already fits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal float* Get<TK>(ref Sgemm.GemmArgs g) where TK : struct, IMicroKernel
    {
        var data = _buffer.Get(g.Panels * TK.NR * g.K);
        if (_current && _n == g.N && _k == g.K && _kc == g.Kc && _nr == TK.NR && _ldb == g.Ldb
            && _transB == g.TransB && _simd == g.Simd)
            return data;
        for (var j = 0; j < g.Panels; j++) Sgemm.PackBPanel<TK>(ref g, j, data);
        (_n, _k, _kc, _nr, _ldb, _transB, _simd, _current) = (g.N, g.K, g.Kc, TK.NR, g.Ldb, g.TransB, g.Simd, true);
        return data;
    }
}
