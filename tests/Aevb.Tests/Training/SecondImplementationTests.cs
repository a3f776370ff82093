using Aevb.Training.Runs;

namespace Aevb.Tests.Training;

/// <summary>The second-implementation table: means and ranges over seeds at the evaluations both sides share.</summary>
public class SecondImplementationTests
{
    [Fact]
    public void TheTableGivesMeanAndRangeOverSeedsAtSharedEvaluationsAndSaysWhetherTheRangesOverlap()
    {
        var root = Directory.CreateTempSubdirectory("aevb-second-").FullName;
        try
        {
            Write(root, "ours-seed1/fig2/mnist-h500-z20-aevb", (100_000, -160, -159), (1_000_000, -121, -120));
            Write(root, "ours-seed2/fig2/mnist-h500-z20-aevb", (100_000, -150, -149), (1_000_000, -123, -122));
            Write(root, "pytorch-seed1", (100_000, -155, -154), (500_000, -130, -129), (1_000_000, -110, -109));
            Write(root, "pytorch-seed2", (100_000, -145, -144), (1_000_000, -112, -111));

            var markdown = SecondImplementation.Markdown(root);

            var rows = markdown.Split('\n').Where(l => l.StartsWith("| 1", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, rows.Count); // 500,000 is not in every log
            Assert.Equal("| 100,000 | −155.00 (−160.00 … −150.00) | −150.00 (−155.00 … −145.00) | −154.00 (−159.00 … −149.00) "
                         + "| −149.00 (−154.00 … −144.00) | −5.00 / −5.00 |", rows[0]);
            Assert.Contains("| −11.00 / −11.00 |", rows[1], StringComparison.Ordinal);
            Assert.Contains("At 1,000,000 samples ours − PyTorch's mean: train −11.00 (seed ranges do not overlap; spread of ours 2.00, "
                            + "of PyTorch's 2.00)", markdown, StringComparison.Ordinal);
            Assert.Contains("seeds 1, 2 of ours and 1, 2 of PyTorch", markdown, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void WithoutBothSidesThereIsNoTable()
    {
        var root = Directory.CreateTempSubdirectory("aevb-second-").FullName;
        try
        {
            Assert.Equal("", SecondImplementation.Markdown(root));
            Write(root, "pytorch-seed1", (100_000, -155, -154));
            Assert.Equal("", SecondImplementation.Markdown(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Write(string root, string folder, params (long Samples, double Train, double Test)[] rows)
    {
        var log = new RunLog(["train_bound", "test_bound"]);
        foreach (var (samples, train, test) in rows)
            log.Add(samples, 1, 1, new Dictionary<string, double> { ["train_bound"] = train, ["test_bound"] = test });
        var dir = Path.Combine(root, SecondImplementation.Folder, folder);
        Directory.CreateDirectory(dir);
        log.WriteCsv(Path.Combine(dir, FigureRun.LogFile));
    }
}
