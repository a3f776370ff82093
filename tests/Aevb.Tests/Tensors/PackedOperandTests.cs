using Aevb.Tensors;

namespace Aevb.Tests.Tensors;

/// <summary>
/// A product with op(B) kept packed (<see cref="PackedOperand"/>) gives the bits of the same product packing B
/// itself, on every instruction set this CPU can run, on both ways of sharing the work, with K blocks, and after
/// the copy is reused, invalidated or asked for another shape.
/// </summary>
public class PackedOperandTests
{
    public static TheoryData<string, int> Paths() => SgemmTests.Paths();

    // (m, n, k, transB): column panels shared out (the decoder's forward and input gradient at 100 rows), row tiles
    // shared out (narrow N at 3 threads), a narrow right edge, and K above the default block.
    private static readonly (int M, int N, int K, bool TransB)[] Shapes =
    [
        (100, 784, 100, true), (100, 100, 784, false), (100, 30, 50, false), (100, 30, 50, true),
        (37, 9, 17, true), (13, 40, Sgemm.DefaultMaxKc + 77, false), (13, 40, Sgemm.DefaultMaxKc + 77, true),
    ];

    [SkippableTheory]
    [MemberData(nameof(Paths))]
    public void GivesTheBitsOfPackingPerProduct(string isaName, int threads)
    {
        var isa = Enum.Parse<SgemmIsa>(isaName);
        Skip.IfNot(Sgemm.CanRun(isa), $"This CPU cannot run the {isa} kernel.");
        var rng = new Rng(23);
        var packed = new PackedOperand { Enabled = true };
        foreach (var (m, n, k, transB) in Shapes)
        {
            var a = Random(rng, m * k);
            var b = Random(rng, n * k);
            var ldb = transB ? k : n;
            for (var round = 0; round < 3; round++)
            {
                // Round 1 reuses the copy of round 0; before round 2, B changes and the copy is invalidated.
                if (round == 2)
                {
                    b[0] += 1f;
                    b[^1] -= 0.5f;
                    packed.Invalidate();
                }
                var expected = new float[m * n];
                Sgemm.Run(isa, threads, false, transB, m, n, k, a, k, b, ldb, expected, n, accumulate: false);
                var actual = new float[m * n];
                Sgemm.Run(isa, threads, false, transB, m, n, k, a, k, b, ldb, actual, n, accumulate: false,
                    packedB: packed);
                Assert.True(expected.AsSpan().SequenceEqual(actual),
                    $"{isa} x{threads} [{m}x{n}x{k}] tB={transB} round {round}");
            }
        }
    }

    [Fact]
    public void GemmUsesTheCopyOnlyWhileEnabledAndForItsOwnTensor()
    {
        var rng = new Rng(3);
        var x = new Tensor(50, 64);
        var w = new Tensor(200, 64);
        var other = new Tensor(200, 64);
        rng.FillNormal(x.Span);
        rng.FillNormal(w.Span);
        rng.FillNormal(other.Span);
        var packed = new PackedOperand { Enabled = true };
        var expected = new Tensor(50, 200);
        var actual = new Tensor(50, 200);
        Gemm.MatMulTransposeB(x, w, actual, packedB: packed);
        // Another tensor of the same shape is not served from w's copy.
        Gemm.MatMulTransposeB(x, other, expected);
        Gemm.MatMulTransposeB(x, other, actual, packedB: packed);
        Assert.Equal(expected.Data, actual.Data);
        // Writing the operand while disabled and enabling again repacks.
        packed.Enabled = false;
        other.Span[5] = 40f;
        packed.Enabled = true;
        Gemm.MatMulTransposeB(x, other, expected);
        Gemm.MatMulTransposeB(x, other, actual, packedB: packed);
        Assert.Equal(expected.Data, actual.Data);
        // Disabled, the copy is ignored even where it would be stale.
        packed.Enabled = false;
        other.Span[6] = -40f;
        Gemm.MatMulTransposeB(x, other, expected);
        Gemm.MatMulTransposeB(x, other, actual, packedB: packed);
        Assert.Equal(expected.Data, actual.Data);
    }

    private static float[] Random(Rng rng, int length)
    {
        var data = new float[length];
        for (var i = 0; i < data.Length; i++) data[i] = 2f * rng.NextFloat() - 1f;
        return data;
    }
}
