namespace Aevb.Polyglot.Tests;

/// <summary>
/// The comparison of committed outputs with a fresh run: last-digit rounding from another summation order passes, a
/// real difference (a word, a number off by 10%, a line more or less) does not.
/// </summary>
public sealed class TolerantTextTests
{
    // Notebook 02, cell 10, as committed from an AVX-512 machine and as run on an AVX2 one.
    private const string Committed = """
        L =   4: 32 draws,  # s | Var[bound] A 2.51E-05 B 7.27E-06 | Var[∇φ] A 2.47E-06 B 6.01E-11 score 0.73
        B            4     -543.472     7.265E-006       6.006E-011       2.153E-006
        test bound per datapoint              -543.48          -151.65
        Vae(784-100-20 (Bernoulli decoder)): 82,540 encoder parameters φ, 81,284 decoder parameters θ
        """;

    [Fact]
    public void LastDigitRoundingPasses()
    {
        var fresh = Committed.Replace("B 7.27E-06", "B 7.26E-06").Replace("7.265E-006", "7.264E-006").Replace("-151.65", "-151.66");
        Assert.Null(TolerantText.Difference(Committed, fresh));
        Assert.Null(TolerantText.LineDifference("correlation -0.64", "correlation -0.65"));
        Assert.Null(TolerantText.LineDifference("slope -0.99", "slope -1.00"));
    }

    [Fact]
    public void ASmallRelativeDifferencePasses()
    {
        // A model trained on each machine ends a little apart: 0.3% here.
        Assert.Null(TolerantText.LineDifference("test bound -151.65", "test bound -152.10"));
        // Another format for the same value (G3 drops trailing zeros, switches to E notation below 1E-4).
        Assert.Null(TolerantText.LineDifference("Var[bound] A 0.0001 B 3.08E-05", "Var[bound] A 9.99E-05 B 3.08E-05"));
    }

    [Fact]
    public void ANumberOffByTenPerCentFails()
    {
        var why = TolerantText.Difference(Committed, Committed.Replace("B 7.27E-06", "B 8.00E-06"));
        Assert.NotNull(why);
        Assert.Contains("7.27E-06 expected, 8.00E-06 found", why);
        Assert.Contains("line 1", why);
        Assert.NotNull(TolerantText.Difference(Committed, Committed.Replace("-151.65", "-166.82")));
        Assert.NotNull(TolerantText.Difference(Committed, Committed.Replace("-543.472", "-597.8")));
    }

    [Fact]
    public void ADifferenceAboveTheToleranceFails()
    {
        Assert.NotNull(TolerantText.LineDifference("test bound -151.65", "test bound -154.00"));   // 1.5%
        Assert.Null(TolerantText.LineDifference("test bound -151.65", "test bound -154.00", relative: 0.02));
    }

    [Fact]
    public void IntegersAreCountsAndGetNoLastDigitAllowance()
    {
        Assert.NotNull(TolerantText.LineDifference("above at 3 of 4 latent sizes", "above at 4 of 4 latent sizes"));
        Assert.NotNull(TolerantText.Difference(Committed, Committed.Replace("82,540", "92,540")));
    }

    [Fact]
    public void AChangedWordFails()
    {
        Assert.NotNull(TolerantText.Difference(Committed, Committed.Replace("encoder parameters", "decoder parameters")));
        Assert.NotNull(TolerantText.Difference(Committed, Committed.Replace("Bernoulli", "Gaussian")));
        Assert.Equal("the text differs", TolerantText.LineDifference("B 7.27E-06 | x", "B 7.27E-06 | y"));
    }

    [Fact]
    public void AMissingOrExtraNumberOrLineFails()
    {
        Assert.NotNull(TolerantText.LineDifference("A 2.51E-05 B 7.27E-06", "A 2.51E-05 B"));
        Assert.NotNull(TolerantText.LineDifference("784-100-20", "784-100"));
        Assert.NotNull(TolerantText.LineDifference("x 1", "x -1"));   // a sign
        Assert.NotNull(TolerantText.Difference(Committed, Committed + "\nmore"));
        Assert.NotNull(TolerantText.Difference(Committed + "\nmore", Committed));
        Assert.NotNull(TolerantText.LinesDifference(Committed, Committed + "\nmore"));
        Assert.NotNull(TolerantText.LinesDifference(Committed + "\nmore", Committed));
    }

    [Fact]
    public void WhiteSpaceRunsMayDifferInWidth()
    {
        // Right-aligned columns pad a number of another width differently.
        Assert.Null(TolerantText.LineDifference("A   0.0001   x", "A 9.99E-05 x"));
        Assert.NotNull(TolerantText.LineDifference("Var[bound]", "Var [bound]"));
    }

    [Fact]
    public void LinesMatchInAnyOrderWithTheTolerance()
    {
        const string one = "run-a  30,000  test -177.56\nrun-b  30,000  test -210.81";
        const string other = "run-b  30,000  test -210.80\nrun-a  30,000  test -177.57";
        Assert.Null(TolerantText.LinesDifference(one, other));
        Assert.NotNull(TolerantText.Difference(one, other));   // in order they differ
        Assert.NotNull(TolerantText.LinesDifference(one, other.Replace("-210.80", "-231.9")));
    }

    [Theory]
    [InlineData("-151.65", -151.65, 0.01)]
    [InlineData("7.27E-06", 7.27e-6, 1e-8)]
    [InlineData("7.265E-006", 7.265e-6, 1e-9)]
    [InlineData("300,000", 300000.0, 0.0)]
    [InlineData("1e7", 1e7, 1e7)]
    public void ThePrintedPrecisionIsRead(string text, double value, double unit)
    {
        var (v, u) = TolerantText.Parse(text);
        Assert.Equal(value, v);
        Assert.True(Math.Abs(u - unit) <= 1e-12 * unit, $"unit of {text}: {u}, expected {unit}");
    }
}
