using Aevb.Tensors;

namespace Aevb.Tests.Tensors;

/// <summary>
/// The fast GEMM against <see cref="Sgemm.Reference"/>, on every instruction set this CPU can run: natively,
/// or in software for the AVX-512 kernel (portable Vector512 operations). A kernel that cannot run here is
/// reported as skipped, with the reason, never as passed.
/// </summary>
public class SgemmTests
{
    // SgemmIsa is internal, so theories take its name.
    public static TheoryData<string, int> Paths()
    {
        var data = new TheoryData<string, int>();
        foreach (var isa in Enum.GetNames<SgemmIsa>())
            foreach (var threads in new[] { 1, 2, 3 })
                data.Add(isa, threads);
        return data;
    }

    public static TheoryData<string> Isas()
    {
        var data = new TheoryData<string>();
        foreach (var isa in Enum.GetNames<SgemmIsa>()) data.Add(isa);
        return data;
    }

    /// <summary>Skips (visibly) when this machine cannot run <paramref name="isaName"/>'s kernel at all.</summary>
    private static SgemmIsa Require(string isaName)
    {
        var isa = Enum.Parse<SgemmIsa>(isaName);
        Skip.IfNot(Sgemm.CanRun(isa), $"This CPU has no {isa} instructions and the {isa} kernel uses them directly, so it cannot run here.");
        return isa;
    }

    // Sizes around every tile width used by the kernels (4, 8, 24, 32) and the packing blocks (4, 8).
    private static readonly int[] EdgeSizes = [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 23, 24, 25, 31, 32, 33, 37];

    [SkippableTheory]
    [MemberData(nameof(Paths))]
    public void MatchesReferenceOnEdgeShapes(string isaName, int threads)
    {
        var isa = Require(isaName);
        var rng = new Rng(17);
        var checkedCount = 0;
        foreach (var m in EdgeSizes)
            foreach (var n in EdgeSizes)
            {
                // A random K per (m, n) keeps the test fast while every K in 1..37 still shows up.
                var k = EdgeSizes[rng.NextInt(EdgeSizes.Length)];
                var transA = rng.NextInt(2) == 1;
                var transB = rng.NextInt(2) == 1;
                var accumulate = rng.NextInt(2) == 1;
                Check(isa, threads, transA, transB, m, n, k, accumulate, rng, padding: rng.NextInt(3), packAll: rng.NextInt(2) == 1);
                checkedCount++;
            }
        Assert.Equal(EdgeSizes.Length * EdgeSizes.Length, checkedCount);
    }

    [SkippableTheory]
    [MemberData(nameof(Paths))]
    public void MatchesReferenceForEveryTranspositionAndAccumulateFlag(string isaName, int threads)
    {
        var isa = Require(isaName);
        var rng = new Rng(5);
        foreach (var (m, n, k) in new[] { (37, 33, 29), (9, 70, 17), (70, 9, 40), (1, 37, 3), (33, 1, 37), (64, 64, 64) })
            foreach (var transA in new[] { false, true })
                foreach (var transB in new[] { false, true })
                    foreach (var accumulate in new[] { false, true })
                        foreach (var packAll in new[] { false, true })
                            Check(isa, threads, transA, transB, m, n, k, accumulate, rng, padding: 3, packAll);
    }

    [SkippableTheory]
    [MemberData(nameof(Paths))]
    public void LongKIsBlocked(string isaName, int threads)
    {
        var isa = Require(isaName);
        var rng = new Rng(9);
        // K above MaxKc takes the K-blocked path (accumulating across blocks).
        Check(isa, threads, false, true, 19, 35, Sgemm.MaxKc * 2 + 13, accumulate: false, rng, padding: 1);
        Check(isa, threads, true, false, 21, 40, Sgemm.MaxKc + 1, accumulate: true, rng, padding: 0);
        Check(isa, threads, true, false, 64, 96, Sgemm.DirectMaxK, accumulate: true, rng, padding: 0); // read in place
        Check(isa, threads, true, false, 64, 96, Sgemm.DirectMaxK + 1, accumulate: false, rng, padding: 2);
        // Tall weight-gradient shape: A read in place, B packed (more rows than DirectBMaxM).
        Check(isa, threads, true, false, Sgemm.DirectBMaxM + 9, 52, 100, accumulate: true, rng, padding: 0);
    }

    /// <summary>Small K blocks with operands read in place (A transposed, B plain) and packed, on both splits.</summary>
    [SkippableTheory]
    [MemberData(nameof(Isas))]
    public void SmallKBlocksWithOperandsReadInPlace(string isaName)
    {
        var isa = Require(isaName);
        // A scope of this test's own flow: tests running meanwhile keep the default blocking (and so
        // their exact sums; a process-wide setting here once made a resumed training run differ).
        using var _ = Sgemm.UseMaxKc(40);
        Assert.Equal(40, Sgemm.MaxKc);
        var rng = new Rng(21);
        foreach (var threads in new[] { 1, 2 })
        {
            Check(isa, threads, true, false, 64, 96, 130, accumulate: true, rng, padding: 0);  // N split
            Check(isa, threads, true, false, 96, 20, 130, accumulate: false, rng, padding: 1); // M split
            Check(isa, threads, false, true, 37, 70, 101, accumulate: true, rng, padding: 2);
        }
    }

    /// <summary>
    /// A K-block scope belongs to the flow that opened it: the products of a thread already running
    /// meanwhile keep the default blocking, bit for bit, while the scope's own products (run on the
    /// shared worker threads too) are blocked as asked.
    /// </summary>
    [Fact]
    public void AKBlockScopeDoesNotReachOtherThreads()
    {
        const int m = 24, n = 64, k = Sgemm.DefaultMaxKc + 100;
        var rng = new Rng(31);
        var a = RandomArray(rng, m * k);
        var b = RandomArray(rng, k * n);
        float[] Product()
        {
            var c = new float[m * n];
            Sgemm.Run(Sgemm.Best, 2, false, false, m, n, k, a, k, b, n, c, n, accumulate: false);
            return c;
        }
        var unblocked = Product();   // the default blocking: two K blocks of 562
        float[] blocked;
        using (Sgemm.UseMaxKc(40)) blocked = Product();
        Assert.False(unblocked.AsSpan().SequenceEqual(blocked), "40-wide K blocks sum in another order, so some entry should differ");

        using var scoped = new ManualResetEventSlim();
        using var measured = new ManualResetEventSlim();
        int otherKc = 0;
        float[]? other = null;
        var thread = new Thread(() =>
        {
            scoped.Wait();
            otherKc = Sgemm.MaxKc;
            other = Product();
            measured.Set();
        });
        thread.Start(); // before the scope: a thread captures its starter's context when it starts
        using (Sgemm.UseMaxKc(40))
        {
            scoped.Set();
            Assert.True(measured.Wait(TimeSpan.FromMinutes(1)));
            Assert.Equal(40, Sgemm.MaxKc);
            Assert.Equal(blocked, Product());
        }
        thread.Join();
        Assert.Equal(Sgemm.DefaultMaxKc, otherKc);
        Assert.Equal(unblocked, other);
        Assert.Equal(Sgemm.DefaultMaxKc, Sgemm.MaxKc); // restored on dispose
    }

    /// <summary>The AVX-512 kernel is portable Vector512 code: it runs everywhere, natively or in software.</summary>
    [Fact]
    public void TheAvx512KernelRunsOnEveryMachine()
    {
        Assert.True(Sgemm.CanRun(SgemmIsa.Avx512));
        Assert.Equal(!Sgemm.IsSupported(SgemmIsa.Avx512), Sgemm.IsEmulated(SgemmIsa.Avx512));
        if (Sgemm.IsEmulated(SgemmIsa.Avx512)) Assert.NotEqual(SgemmIsa.Avx512, Sgemm.Best); // never picked in software
    }

    /// <summary>The products of the paper's MNIST model (784-500-20, batch 100) in their three forms.</summary>
    [SkippableTheory]
    [MemberData(nameof(Isas))]
    public void MatchesReferenceOnPaperShapes(string isaName)
    {
        var isa = Require(isaName);
        var rng = new Rng(3);
        var shapes = new (int M, int N, int K, bool TransA, bool TransB)[]
        {
            (100, 500, 784, false, true),   // encoder hidden: X·Wᵀ
            (100, 784, 500, false, true),   // decoder output: H·Wᵀ
            (100, 20, 500, false, true),    // mu / logvar heads
            (100, 500, 20, false, true),    // decoder hidden
            (100, 500, 784, false, false),  // dH = G·W (decoder output layer)
            (100, 500, 20, false, false),   // dH from a head
            (100, 20, 500, false, false),   // dZ
            (784, 500, 100, true, false),   // dW = Gᵀ·H (decoder output layer)
            (500, 784, 100, true, false),   // dW of the encoder hidden layer
            (20, 500, 100, true, false),    // dW of a head
            (500, 20, 100, true, false),    // dW of the decoder hidden layer
            (100, 100, 784, false, true),   // Figure 3 / MCEM (H = 100): encoder hidden
            (100, 100, 784, false, false),  // dH of the decoder output layer
            (784, 100, 100, true, false),   // dW of the decoder output layer
            (800, 100, 784, false, false),  // dH in the Appendix D HMC batch (100 points × 8 chains)
        };
        foreach (var (m, n, k, transA, transB) in shapes)
        {
            var (a, lda) = Random(rng, transA ? k : m, transA ? m : k, 0);
            var (b, ldb) = Random(rng, transB ? n : k, transB ? k : n, 0);
            var c0 = RandomArray(rng, m * n);
            foreach (var accumulate in new[] { false, true })
            {
                var expected = (float[])c0.Clone();
                Sgemm.Reference(transA, transB, m, n, k, a, lda, b, ldb, expected, n, accumulate);
                foreach (var threads in new[] { 1, 2 })
                    foreach (var packAll in new[] { false, true })
                    {
                        var actual = (float[])c0.Clone();
                        Sgemm.Run(isa, threads, transA, transB, m, n, k, a, lda, b, ldb, actual, n, accumulate, packAll);
                        AssertClose(expected, actual, k, $"{isa} x{threads} [{m}x{n}x{k}] tA={transA} tB={transB} acc={accumulate} packAll={packAll}");
                    }
            }
        }
    }

    /// <summary>
    /// The AVX2 narrow-edge kernel (last column panel with ≤ 8 valid columns, three row tiles at a time) gives the
    /// same bits as the full-width kernel computing the same columns inside a wider product: C[:, :n] of an
    /// [m, n] product equals C[:, :n] of the [m, n + w] product that has the same first n columns of op(B).
    /// </summary>
    [SkippableTheory]
    [InlineData(100, 100, 784, false, true)]
    [InlineData(100, 100, 784, false, false)]
    [InlineData(784, 100, 100, true, false)]
    [InlineData(800, 100, 100, false, true)]
    [InlineData(37, 28, 29, false, false)]
    [InlineData(24, 5, 200, true, true)]
    public void NarrowEdgeGivesTheBitsOfTheFullWidthKernel(int m, int n, int k, bool transA, bool transB)
    {
        var isa = Require(nameof(SgemmIsa.Avx2));
        Skip.IfNot(Sgemm.IsSupported(isa), "The AVX2 kernel needs AVX2 and FMA.");
        var rng = new Rng(11);
        var wide = (n + 23) / 24 * 24;
        var (a, lda) = Random(rng, transA ? k : m, transA ? m : k, 0);
        var (b, ldb) = Random(rng, transB ? wide : k, transB ? k : wide, 0);
        var c0 = RandomArray(rng, m * wide);
        foreach (var accumulate in new[] { false, true })
            foreach (var threads in new[] { 1, 2 })
                foreach (var packAll in new[] { false, true })
                {
                    var full = (float[])c0.Clone();
                    Sgemm.Run(isa, threads, transA, transB, m, wide, k, a, lda, b, ldb, full, wide, accumulate, packAll);
                    var narrow = (float[])c0.Clone();
                    // The same storage viewed as n columns: op(B)'s first n columns, C's first n columns.
                    Sgemm.Run(isa, threads, transA, transB, m, n, k, a, lda, b, ldb, narrow, wide, accumulate, packAll);
                    for (var i = 0; i < m; i++)
                        for (var j = 0; j < wide; j++)
                        {
                            var at = i * wide + j;
                            if (j < n) Assert.True(BitConverter.SingleToInt32Bits(full[at]) == BitConverter.SingleToInt32Bits(narrow[at]),
                                $"[{m}x{n}x{k}] acc={accumulate} x{threads} packAll={packAll}: C[{i},{j}] {narrow[at]} vs {full[at]}");
                            else Assert.Equal(c0[at], narrow[at]); // columns past n untouched
                        }
                }
    }

    [Fact]
    public void PublicGemmUsesTheFastPathAndMatchesReference()
    {
        var rng = new Rng(11);
        var x = new Tensor(100, 300);
        var w = new Tensor(200, 300);
        rng.FillUniform(x.Span);
        rng.FillUniform(w.Span);
        var y = new Tensor(100, 200);
        Gemm.MatMulTransposeB(x, w, y);
        var expected = new float[100 * 200];
        Sgemm.Reference(false, true, 100, 200, 300, x.Data, 300, w.Data, 300, expected, 200, false);
        AssertClose(expected, y.Data, 300, "Gemm.MatMulTransposeB");

        var g = new Tensor(100, 200);
        rng.FillUniform(g.Span);
        var dx = new Tensor(100, 300);
        Gemm.MatMul(g, w, dx);
        Sgemm.Reference(false, false, 100, 300, 200, g.Data, 200, w.Data, 300, expected = new float[100 * 300], 300, false);
        AssertClose(expected, dx.Data, 200, "Gemm.MatMul");

        var dw = new Tensor(200, 300);
        dw.Fill(1f);
        Gemm.MatMulTransposeA(g, x, dw, accumulate: true);
        expected = new float[200 * 300];
        expected.AsSpan().Fill(1f);
        Sgemm.Reference(true, false, 200, 300, 100, g.Data, 200, x.Data, 300, expected, 300, true);
        AssertClose(expected, dw.Data, 100, "Gemm.MatMulTransposeA");
    }

    /// <summary>Several threads multiplying at once: one gets the worker pool, the others run alone; all are right.</summary>
    [Fact]
    public void ConcurrentCallersGetCorrectResults()
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            try
            {
                var rng = new Rng((ulong)(100 + t));
                for (var rep = 0; rep < 12; rep++)
                {
                    int m = 40 + rng.NextInt(70), n = 40 + rng.NextInt(300), k = 30 + rng.NextInt(200);
                    Check(Sgemm.Best, 2, rng.NextInt(2) == 1, rng.NextInt(2) == 1, m, n, k, rng.NextInt(2) == 1, rng, padding: 1);
                }
            }
            catch (Exception e)
            {
                failures.Add(e.Message);
            }
        })).ToArray();
        foreach (var th in threads) th.Start();
        foreach (var th in threads) th.Join();
        Assert.Empty(failures);
    }

    [Fact]
    public void ZeroKClearsOrKeepsC()
    {
        var c = new float[] { 1, 2, 3, 4 };
        Sgemm.Run(Sgemm.Best, 1, false, false, 2, 2, 0, [], 1, [], 2, c, 2, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, c);
        Sgemm.Run(Sgemm.Best, 1, false, false, 2, 2, 0, [], 1, [], 2, c, 2, accumulate: false);
        Assert.Equal(new float[4], c);
    }

    [Fact]
    public void TooShortBuffersAreRejectedBeforeAnyWrite()
    {
        var a = new float[6];
        var b = new float[6];
        var c = new float[3];
        var e = Assert.Throws<ArgumentException>(() => Sgemm.Run(Sgemm.Best, 1, false, false, 2, 2, 3, a, 3, b, 2, c, 2, false));
        Assert.Contains("operand C", e.Message);
        Assert.Throws<ArgumentException>(() => Sgemm.Run(Sgemm.Best, 1, false, false, 2, 2, 3, a.AsSpan(1), 3, b, 2, new float[4], 2, false));
    }

    [Fact]
    public void EngineReportsItsSettings()
    {
        Assert.InRange(Engine.NumThreads, 1, 256);
        Assert.Contains(Engine.Simd, new[] { "AVX-512", "AVX2+FMA", "128-bit SIMD", "scalar" });
        Assert.Throws<ArgumentOutOfRangeException>(() => Engine.NumThreads = 0);
    }

    private static void Check(SgemmIsa isa, int threads, bool transA, bool transB, int m, int n, int k, bool accumulate, Rng rng, int padding, bool packAll = false)
    {
        var (a, lda) = Random(rng, transA ? k : m, transA ? m : k, padding);
        var (b, ldb) = Random(rng, transB ? n : k, transB ? k : n, padding);
        var (c, ldc) = Random(rng, m, n, padding);
        var expected = (float[])c.Clone();
        Sgemm.Reference(transA, transB, m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
        Sgemm.Run(isa, threads, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, packAll);
        // The whole buffer is compared, so writes outside the [m, n] view (into the padding) fail too.
        AssertClose(expected, c, k, $"{isa} x{threads} [{m}x{n}x{k}] tA={transA} tB={transB} acc={accumulate} pad={padding} packAll={packAll}");
    }

    private static (float[] Data, int Ld) Random(Rng rng, int rows, int cols, int padding)
    {
        var ld = cols + padding;
        return (RandomArray(rng, rows * ld), ld);
    }

    private static float[] RandomArray(Rng rng, int length)
    {
        var data = new float[length];
        for (var i = 0; i < data.Length; i++) data[i] = 2f * rng.NextFloat() - 1f;
        return data;
    }

    private static void AssertClose(float[] expected, float[] actual, int k, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        // Entries are sums of k products of numbers in [-1, 1]; summation order differs between paths.
        var tolerance = 1e-6f * (k + 8);
        for (var i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance))
                Assert.Fail($"{what}: element {i} is {actual[i]}, reference {expected[i]} (tolerance {tolerance}).");
        }
    }
}
