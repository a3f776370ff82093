namespace Aevb.Polyglot.Tests;

/// <summary>
/// The output comparison ignores what differs from run to run (times, temporary names, the order in which parallel
/// runs print their lines) and nothing else.
/// </summary>
public sealed class NormalizeTests
{
    [Fact]
    public void LinesOfRunsTrainedAtOnceCompareEqualInAnyOrder()
    {
        // Notebook 05's cell 8 trains its runs in parallel: a run's last line can come after another's "done" line.
        const string one = """
            run-a: 30,000 samples
                30,000  train log p(x)  -166.80  test log p(x)  -177.56
              done: training 0.5 s, evaluation 3.7 s
            run-b: 30,000 samples
                10,000  train log p(x)  -187.97  test log p(x)  -210.81
              done: training 0.5 s, evaluation 1.9 s
            """;
        const string other = """
            run-a: 30,000 samples
              done: training 0.3 s, evaluation 2.5 s
            run-b: 30,000 samples
                30,000  train log p(x)  -166.80  test log p(x)  -177.56
                10,000  train log p(x)  -187.97  test log p(x)  -210.81
              done: training 0.6 s, evaluation 3.0 s
            """;
        Assert.Equal(PolyglotKernelTests.SortedLines(one), PolyglotKernelTests.SortedLines(other));
        // ...but a changed number is still a difference.
        Assert.NotEqual(PolyglotKernelTests.SortedLines(one), PolyglotKernelTests.SortedLines(other.Replace("-210.81", "-210.82")));
    }

    [Fact]
    public void ATableWhoseLastColumnIsATimeHasThatColumnBlankedOnly()
    {
        const string one = "  N method   test log p(x)  min/1M\n1000 AEVB   -139.67   0.20\n\nafter -1.5";
        const string other = "  N method   test log p(x)  min/1M\n1000 AEVB   -139.67   0.31\n\nafter -1.5";
        Assert.Equal(PolyglotKernelTests.Normalize(one), PolyglotKernelTests.Normalize(other));
        Assert.NotEqual(PolyglotKernelTests.Normalize(one), PolyglotKernelTests.Normalize(other.Replace("-139.67", "-139.68")));
        Assert.NotEqual(PolyglotKernelTests.Normalize(one), PolyglotKernelTests.Normalize(other.Replace("after -1.5", "after -1.6")));
    }

    [Fact]
    public void ARightAlignedTimeOfAnotherWidthIsBlanked()
    {
        // Notebook 02's cell 10 pads its times to a width: " 9.5 s" in one run, "17.0 s" in another.
        const string one = "L =   1: 32 draws,  9.5 s | Var[bound] A 0.0001";
        const string other = "L =   1: 32 draws, 17.0 s | Var[bound] A 0.0001";
        Assert.Equal(PolyglotKernelTests.Normalize(one), PolyglotKernelTests.Normalize(other));
        Assert.NotEqual(PolyglotKernelTests.Normalize(one), PolyglotKernelTests.Normalize(other.Replace("A 0.0001", "A 0.0002")));
    }
}
