using System.CommandLine;
using System.Text.Json;
using Aevb.Cli.Commands;
using Aevb.Tests.Data;
using Aevb.Training;

namespace Aevb.Tests.Training;

/// <summary><c>aevb train</c>, <c>eval</c> and <c>bench</c> end to end on tiny settings and real data.</summary>
public class CommandTests
{
    private static (int Code, string Output, string Error) Run(Command command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = command.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void TrainWritesModelLogAndConfigThatEvalReads()
    {
        using var dir = new TempDir();
        var (code, output, error) = Run(TrainCommand.Create(), "--samples", "3e3", "--hidden", "20", "--latent", "3", "--eval-train", "500",
            "--data-dir", TestData.Directory, "--out", dir.Path);
        Assert.True(code == 0, error + output);
        Assert.Contains("eval at 3,000 samples", output);
        Assert.Equal([".lock", "checkpoint.safetensors", "config.json", "log.csv", "model.safetensors"], dir.Entries().Order(StringComparer.Ordinal));

        var log = TrainingLog.ReadCsv(dir.File("log.csv"));
        Assert.Equal(3000, log.Entries[^1].Samples);
        var loaded = Checkpoint.Load(dir.File("model.safetensors"));
        Assert.Equal(3000, loaded.Info.SamplesSeen);
        Assert.Equal("mnist", loaded.Info.Dataset);
        Assert.Equal((784, 20, 3), (loaded.Model.Config.InputSize, loaded.Model.Config.HiddenSize, loaded.Model.Config.LatentSize));

        (code, output, error) = Run(EvalCommand.Create(), "--model", dir.File("model.safetensors"), "--json", "--data-dir", TestData.Directory);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.Equal("test", json.RootElement.GetProperty("split").GetString());
        Assert.Equal(10000, json.RootElement.GetProperty("n").GetInt32());
        // A different ε than the log's, but the same quantity.
        Assert.InRange(json.RootElement.GetProperty("lower_bound").GetDouble() - log.Entries[^1].TestBound, -1, 1);
    }

    [Fact]
    public void EvalNamesABadFile()
    {
        using var dir = new TempDir();
        var path = dir.File("model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var (code, _, error) = Run(EvalCommand.Create(), "--model", path);
        Assert.Equal(1, code);
        Assert.Contains(path, error);
        Assert.DoesNotContain("   at ", error); // no stack trace
        (code, _, error) = Run(EvalCommand.Create(), "--model", dir.File("missing.safetensors"));
        Assert.Equal(1, code);
        Assert.Contains("missing.safetensors", error);
    }

    [Fact]
    public void TrainRejectsBadSettingsWithoutWritingAnything()
    {
        using var dir = new TempDir();
        var (code, _, error) = Run(TrainCommand.Create(), "--dataset", "frey", "--binarize", "static", "--data-dir", TestData.Directory, "--out", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("MNIST only", error);
        (code, _, _) = Run(TrainCommand.Create(), "--samples", "12x", "--out", dir.Path);
        Assert.NotEqual(0, code);
        (code, _, error) = Run(TrainCommand.Create(), "--lr", "-1", "--data-dir", TestData.Directory, "--out", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("Learning rate", error);
        Assert.Empty(dir.Entries());
    }

    private static string[] Tiny(string dir, string samples, params string[] more)
        => ["--samples", samples, "--hidden", "20", "--latent", "3", "--eval-train", "500", "--data-dir", TestData.Directory, "--out", dir, .. more];

    [Fact]
    public void TrainIntoAFolderHoldingTheSameRunResumesIt()
    {
        using var dir = new TempDir();
        var (code, output, error) = Run(TrainCommand.Create(), Tiny(dir.Path, "2e3"));
        Assert.True(code == 0, error + output);
        var first = TrainingLog.ReadCsv(dir.File("log.csv"));
        var weights = File.ReadAllBytes(dir.File("model.safetensors"));

        // Same settings, same samples: nothing to do, nothing rewritten.
        (code, output, error) = Run(TrainCommand.Create(), Tiny(dir.Path, "2e3"));
        Assert.True(code == 0, error + output);
        Assert.Contains("nothing to do", output);
        Assert.Equal(weights, File.ReadAllBytes(dir.File("model.safetensors")));

        // More samples: resumed from 2000 with the optimizer state, the log continued.
        (code, output, error) = Run(TrainCommand.Create(), Tiny(dir.Path, "4e3"));
        Assert.True(code == 0, error + output);
        Assert.Contains("Resuming", output);
        Assert.Contains("from 2,000 samples", output);
        var log = TrainingLog.ReadCsv(dir.File("log.csv"));
        Assert.Equal(first.Entries, log.Entries.Take(first.Entries.Count));
        Assert.Equal(4000, log.Entries[^1].Samples);
        Assert.Equal(4000, Checkpoint.Load(dir.File("model.safetensors")).Info.SamplesSeen);
        Assert.Equal(4000, LearnerCheckpoint.SamplesSeen(dir.File(LearnerCheckpoint.FileName)));
    }

    [Fact]
    public void TrainIntoAFolderHoldingAnotherRunRefusesWithoutForce()
    {
        using var dir = new TempDir();
        var (code, output, error) = Run(TrainCommand.Create(), Tiny(dir.Path, "1e3"));
        Assert.True(code == 0, error + output);
        var weights = File.ReadAllBytes(dir.File("model.safetensors"));

        (code, output, error) = Run(TrainCommand.Create(), Tiny(dir.Path, "2e3", "--lr", "0.05"));
        Assert.Equal(1, code);
        Assert.Contains("cannot be resumed", error);
        Assert.Contains("learning_rate", error);
        Assert.Contains("--force", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(weights, File.ReadAllBytes(dir.File("model.safetensors")));

        // A model without its checkpoint (copied in) is not replaced either.
        File.Delete(dir.File(LearnerCheckpoint.FileName));
        (code, _, error) = Run(TrainCommand.Create(), Tiny(dir.Path, "2e3"));
        Assert.Equal(1, code);
        Assert.Contains("checkpoint.safetensors is missing", error);
        Assert.Equal(weights, File.ReadAllBytes(dir.File("model.safetensors")));

        (code, output, error) = Run(TrainCommand.Create(), Tiny(dir.Path, "2e3", "--lr", "0.05", "--force"));
        Assert.True(code == 0, error + output);
        Assert.Contains("--force: deleted", output);
        Assert.Equal(2000, Checkpoint.Load(dir.File("model.safetensors")).Info.SamplesSeen);
    }

    [Fact]
    public void TwoTrainRunsCannotShareAFolder()
    {
        using var dir = new TempDir();
        using (Aevb.IO.DirectoryLock.Acquire(dir.Path, "a test"))
        {
            var (code, output, error) = Run(TrainCommand.Create(), Tiny(dir.Path, "1e3"));
            Assert.Equal(1, code);
            Assert.Contains("is in use by", error);
            Assert.Contains(".lock", error);
            Assert.DoesNotContain("   at ", error);
            Assert.False(File.Exists(dir.File("model.safetensors")), output);
        }
        var (again, _, err) = Run(TrainCommand.Create(), Tiny(dir.Path, "1e3"));
        Assert.True(again == 0, err); // the lock goes with its holder
    }

    [Theory]
    [InlineData("2000000000")]
    [InlineData("3000000")]
    public void AHugeModelIsRefusedWithItsSize(string hidden)
    {
        using var dir = new TempDir();
        var (code, _, error) = Run(TrainCommand.Create(), "--hidden", hidden, "--data-dir", TestData.Directory, "--out", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("too large", error);
        Assert.Contains("parameters", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public void BenchReportsSamplesPerSecond()
    {
        var (code, output, error) = Run(BenchCommand.Create(), "--hidden", "20", "--latent", "2", "--steps", "10", "--json", "--data-dir", TestData.Directory);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.True(json.RootElement.GetProperty("samples_per_s").GetDouble() > 0);
        Assert.Equal("mnist", json.RootElement.GetProperty("data").GetString());
        Assert.Equal("784-20-2", json.RootElement.GetProperty("model").GetString());
    }

    [Theory]
    [InlineData("fig3", "samples_per_s", "784-20-3")]
    [InlineData("mcem", "samples_per_s", "784-20-3")]
    [InlineData("hmc-eval", "points_per_s", "784-20-3")]
    public void BenchPresetsReportRateAndLoad(string preset, string rate, string shape)
    {
        var (code, output, error) = Run(BenchCommand.Create(), "--model", preset, "--hidden", "20", "--steps", "5", "--points", "1", "--json", "--data-dir", TestData.Directory);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.True(json.RootElement.GetProperty(rate).GetDouble() > 0);
        Assert.Equal(preset, json.RootElement.GetProperty("preset").GetString());
        Assert.Equal(shape, json.RootElement.GetProperty("model").GetString());
        Assert.True(json.RootElement.TryGetProperty("load_average", out _));
        Assert.True(json.RootElement.TryGetProperty("busy", out _));
    }

    [Fact]
    public void BenchRejectsUnknownPreset()
    {
        var (code, _, _) = Run(BenchCommand.Create(), "--model", "nope", "--data-dir", TestData.Directory);
        Assert.NotEqual(0, code);
    }
}
