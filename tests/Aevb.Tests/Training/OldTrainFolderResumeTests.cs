using System.CommandLine;
using Aevb.Cli.Commands;
using Aevb.Tests.Data;
using Aevb.Training;

namespace Aevb.Tests.Training;

/// <summary>
/// <c>aevb train</c> folders of both checkpoint layouts still resume: one written before the training loop became
/// one (by the CLI at git 191a7cc, <c>optimizer.safetensors</c>, committed under <c>Fixtures/train-191a7cc</c>) and
/// one in the one checkpoint format that figure runs share (<c>checkpoint.safetensors</c>,
/// <c>Fixtures/train-one-format</c>). The same command with more samples carries its model, optimizer state and log
/// on, to the numbers today's code reaches from a folder it wrote itself. Relative tolerances: the fixtures' sums ran
/// on AVX2, another ISA sums in another order.
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

    [Theory]
    [InlineData("train-191a7cc")]
    [InlineData("train-one-format")]
    public void ACommittedFolderResumesToTheNumbersOfANewOne(string name)
    {
        using var old = new TempDir();
        var fixture = Path.Combine(RepoRoot.Find(), "tests", "Aevb.Tests", "Training", "Fixtures", name);
        foreach (var f in Directory.GetFiles(fixture)) File.Copy(f, old.File(Path.GetFileName(f)));
        var before = TrainingLog.ReadCsv(old.File("log.csv"));
        Assert.Equal(1000, before.Entries[^1].Samples);

        var (code, output, error) = Train(Args(old.Path, "2e3"));
        Assert.True(code == 0, error + output);
        Assert.Contains("Resuming", output);
        Assert.Contains("from 1,000 samples", output);
        var resumed = TrainingLog.ReadCsv(old.File("log.csv"));
        Assert.Equal(before.Entries, resumed.Entries.Take(before.Entries.Count));
        // Its first save writes the one checkpoint format in place of the old optimizer state.
        Assert.Equal(2000, LearnerCheckpoint.SamplesSeen(old.File(LearnerCheckpoint.FileName)));
        Assert.False(File.Exists(old.File(TrainerState.FileName)));

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
