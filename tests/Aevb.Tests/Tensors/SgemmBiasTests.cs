using System.Numerics.Tensors;
using Aevb.Tensors;

namespace Aevb.Tests.Tensors;

/// <summary>
/// The bias a product adds to every row of C (a layer's forward <c>X·Wᵀ + b</c>): fused into the AVX2 kernel's store
/// where it can be, after the product elsewhere; either way the bits of the product followed by a separate
/// <c>C[i, j] + bias[j]</c> pass, on every instruction set, thread count and edge this test can reach.
/// </summary>
public class SgemmBiasTests
{
    public static TheoryData<string, int> Paths() => SgemmTests.Paths();

    [SkippableTheory]
    [MemberData(nameof(Paths))]
    public void GivesTheBitsOfASeparateBiasPass(string isaName, int threads)
    {
        var isa = Enum.Parse<SgemmIsa>(isaName);
        Skip.IfNot(Sgemm.CanRun(isa), $"This CPU cannot run the {isa} kernel.");
        var rng = new Rng(31);
        // N = 100, 104, 110: the AVX2 edge panel with 4, 8 and 14 valid columns; M = 13, 100: row edges and the
        // three-tile edge kernel; K = 1100 is cut into K blocks (bias after the product), N = 20 splits rows.
        foreach (var (m, n, k) in new[] { (100, 100, 30), (13, 104, 50), (100, 110, 7), (5, 24, 9), (100, 20, 40), (12, 100, 1100), (1, 3, 2) })
            foreach (var transA in new[] { false, true })
                foreach (var packAll in new[] { false, true })
                    foreach (var accumulate in new[] { false, true })
                        Check(isa, threads, m, n, k, transA, packAll, accumulate, rng);
    }

    /// <summary>With the weight kept packed (frozen layers), the fused path still adds the bias.</summary>
    [Fact]
    public void AddsTheBiasWithAPackedOperand()
    {
        var rng = new Rng(32);
        var a = Random(rng, 100 * 30);
        var b = Random(rng, 104 * 30);
        var bias = Random(rng, 104);
        var packed = new PackedOperand { Enabled = true };
        var expected = new float[100 * 104];
        Sgemm.Run(false, true, 100, 104, 30, a, 30, b, 30, expected, 104, accumulate: false);
        for (var i = 0; i < 100; i++) TensorPrimitives.Add(expected.AsSpan(i * 104, 104), bias, expected.AsSpan(i * 104, 104));
        for (var pass = 0; pass < 2; pass++)
        {
            var c = new float[100 * 104];
            Sgemm.Run(false, true, 100, 104, 30, a, 30, b, 30, c, 104, accumulate: false, packedB: packed, bias: bias);
            Assert.Equal(expected, c);
        }
    }

    private static void Check(SgemmIsa isa, int threads, int m, int n, int k, bool transA, bool packAll, bool accumulate, Rng rng)
    {
        var a = Random(rng, m * k);
        var b = Random(rng, n * k);
        var bias = Random(rng, n);
        var start = Random(rng, m * n);
        var expected = (float[])start.Clone();
        var c = (float[])start.Clone();
        int lda = transA ? m : k;
        Sgemm.Run(isa, threads, transA, true, m, n, k, a, lda, b, k, expected, n, accumulate, packAll);
        for (var i = 0; i < m; i++) TensorPrimitives.Add(expected.AsSpan(i * n, n), bias, expected.AsSpan(i * n, n));
        Sgemm.Run(isa, threads, transA, true, m, n, k, a, lda, b, k, c, n, accumulate, packAll, bias: bias);
        Assert.True(expected.AsSpan().SequenceEqual(c), $"{isa}, {threads} threads, {m}x{n}x{k}, transA {transA}, packAll {packAll}, accumulate {accumulate}");
    }

    private static float[] Random(Rng rng, int length)
    {
        var values = new float[length];
        rng.FillNormal(values);
        return values;
    }
}
