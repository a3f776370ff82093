using System.CommandLine;
using Aevb.Cli.Commands;
using Aevb.Tests.Data;
using Aevb.Training;

namespace Aevb.Tests.Training;

/// <summary>
/// An <c>aevb train</c> folder written before the training loop became one (by the CLI at git 191a7cc, committed
/// under <c>Fixtures/train-191a7cc</c>) still resumes: the same command with more samples carries its model,
/// optimizer state and log on, to the numbers today's code reaches from a folder it wrote itself. Relative
/// tolerances: the fixture's sums ran on AVX2, another ISA sums in another order.
/// </summary>
public class OldTrainFolderResumeTests
{
    private static string[] Args(string dir, string samples)
        => ["--samples", samples, "--hidden", "2", "--latent", "2", "--eval-train", "500",
            "--data-dir", TestData.Directory, "--out", dir];

    private static (int Code, string Output, string Error) Train(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = TrainCommand.Create().Parse(args)
            .Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void AFolderWrittenByTheOldLoopResumesToTheNumbersOfANewOne()
    {
        using var old = new TempDir();
        var fixture = Path.Combine(RepoRoot.Find(), "tests", "Aevb.Tests", "Training", "Fixtures", "train-191a7cc");
        foreach (var f in Directory.GetFiles(fixture)) File.Copy(f, old.File(Path.GetFileName(f)));
        var before = TrainingLog.ReadCsv(old.File("log.csv"));
        Assert.Equal(1000, before.Entries[^1].Samples);

        var (code, output, error) = Train(Args(old.Path, "2e3"));
        Assert.True(code == 0, error + output);
        Assert.Contains("Resuming", output);
        Assert.Contains("from 1,000 samples", output);
        var resumed = TrainingLog.ReadCsv(old.File("log.csv"));
        Assert.Equal(before.Entries, resumed.Entries.Take(before.Entries.Count));
        Assert.Equal(2000, TrainerState.SamplesSeen(old.File(TrainerState.FileName)));

        using var fresh = new TempDir();
        (code, output, error) = Train(Args(fresh.Path, "1e3"));
        Assert.True(code == 0, error + output);
        (code, output, error) = Train(Args(fresh.Path, "2e3"));
        Assert.True(code == 0, error + output);
        var reference = TrainingLog.ReadCsv(fresh.File("log.csv"));
        Assert.Equal(reference.Entries.Select(e => e.Samples), resumed.Entries.Select(e => e.Samples));
        foreach (var (a, b) in reference.Entries.Zip(resumed.Entries))
        {
            AssertClose(a.TrainBound, b.TrainBound);
            AssertClose(a.TestBound, b.TestBound);
        }
    }

    private static void AssertClose(double expected, double actual)
        => Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Abs(expected), $"{actual} is not {expected}");
}
