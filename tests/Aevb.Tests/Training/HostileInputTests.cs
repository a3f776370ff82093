using System.CommandLine;
using System.Text.Json.Nodes;
using Aevb.Cli.Commands;
using Aevb.Tests.Data;
using Aevb.Training;
using Aevb.Training.Runs;

namespace Aevb.Tests.Training;

/// <summary>
/// Issue 20's stack traces in <c>train</c>, <c>eval</c> and resumed runs: each bad option or damaged file is one line naming
/// it and the problem, with a nonzero exit code, never a stack trace.
/// </summary>
public class HostileInputTests
{
    private static (int Code, string Output, string Error) Run(Command command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = command.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static void AssertOneLine(string error, params string[] expected)
    {
        Assert.DoesNotContain("   at ", error); // no stack trace
        Assert.Single(error.Trim().Split('\n'));
        foreach (var e in expected) Assert.Contains(e, error);
    }

    [Theory]
    [InlineData("mnist", "100", "100000")]
    [InlineData("mnist", "100", "2000000000")]
    [InlineData("frey", "1775", "3000")]
    public void AHugeLIsRefusedLikeAHugeModel(string dataset, string batch, string l)
    {
        using var dir = new TempDir();
        var (code, _, error) = Run(TrainCommand.Create(), "--dataset", dataset, "--batch", batch, "-L", l, "--data-dir", TestData.Directory, "--out", dir.Path);
        Assert.Equal(1, code);
        AssertOneLine(error, "Samples per datapoint (L) " + l, "too large");
        Assert.Empty(dir.Entries());
    }

    /// <summary>A checkpoint written by <c>aevb train</c> (784-20-3, 1000 samples) in a fresh folder.</summary>
    private static TempDir TrainedFolder()
    {
        var dir = new TempDir();
        var (code, output, error) = Run(TrainCommand.Create(), "--samples", "1e3", "--hidden", "20", "--latent", "3", "--eval-train", "500",
            "--data-dir", TestData.Directory, "--out", dir.Path);
        Assert.True(code == 0, error + output);
        return dir;
    }

    /// <summary>Rewrites one metadata entry of a .safetensors file (null removes it), keeping its tensors.</summary>
    private static void SetMetadata(string path, string key, string? value)
    {
        var file = SafeTensors.Read(path);
        var metadata = file.Metadata.ToDictionary();
        if (value is null) metadata.Remove(key);
        else metadata[key] = value;
        SafeTensors.Write(path, file.Tensors, metadata);
    }

    [Theory]
    [InlineData("binarization_seed", "-1")]
    [InlineData("binarization_seed", "1e20")]
    [InlineData("hidden_size", "2147483647")]
    [InlineData("latent_size", "abc")]
    [InlineData("samples_seen", "abc")]
    public void EvalNamesBadMetadata(string key, string value)
    {
        using var dir = TrainedFolder();
        var model = dir.File("model.safetensors");
        SetMetadata(model, key, value);
        if (key == "binarization_seed") SetMetadata(model, "binarization", "static");
        var (code, _, error) = Run(EvalCommand.Create(), "--model", model, "--data-dir", TestData.Directory);
        Assert.Equal(1, code);
        AssertOneLine(error, model, key == "hidden_size" ? "too large" : key);
    }

    [Theory]
    [InlineData("[2147483647]")]
    [InlineData("[2147483647, 784]")]
    [InlineData("[2147483647, 2147483647, 2147483647]")]
    public void EvalNamesAHugeShape(string shape)
    {
        using var dir = new TempDir();
        var model = dir.File("model.safetensors");
        var header = System.Text.Encoding.UTF8.GetBytes(
            $"{{\"t\": {{\"dtype\": \"F32\", \"shape\": {shape}, \"data_offsets\": [0, 8]}}}}");
        File.WriteAllBytes(model, [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[8]]);
        var (code, _, error) = Run(EvalCommand.Create(), "--model", model, "--data-dir", TestData.Directory);
        Assert.Equal(1, code);
        AssertOneLine(error, model, "shape");
    }

    [Fact]
    public void EvalOfADeviceEndsWithOneLine()
    {
        var (code, _, error) = Run(EvalCommand.Create(), "--model", "/dev/zero", "--data-dir", TestData.Directory);
        Assert.Equal(1, code);
        AssertOneLine(error, "/dev/zero", "not a regular file");
        (code, _, error) = Run(EvalCommand.Create(), "--model", "/proc/self/mem", "--data-dir", TestData.Directory); // unreadable, even for root
        Assert.Equal(1, code);
        AssertOneLine(error, "/proc/self/mem");
        using var dir = new TempDir();
        (code, _, error) = Run(EvalCommand.Create(), "--model", dir.Path, "--data-dir", TestData.Directory);
        Assert.Equal(1, code);
        AssertOneLine(error, dir.Path, "folder");
    }

    [Theory]
    [InlineData("steps", "abc")]
    [InlineData("train_seconds", "1e300")]
    [InlineData("eval_seconds", "NaN")]
    [InlineData("samples_seen", "abc")]
    public void ResumingTrainNamesBadCheckpointMetadata(string key, string value)
    {
        using var dir = TrainedFolder();
        var state = dir.File(LearnerCheckpoint.FileName);
        SetMetadata(state, key, value);
        var (code, output, error) = Run(TrainCommand.Create(), "--samples", "2e3", "--hidden", "20", "--latent", "3", "--eval-train", "500",
            "--data-dir", TestData.Directory, "--out", dir.Path);
        Assert.Equal(1, code);
        AssertOneLine(error, state, key, value);
        Assert.DoesNotContain("Resuming", output);
    }

    /// <summary>The same for the <c>optimizer.safetensors</c> of a folder saved before the one checkpoint format
    /// (the committed fixture of git 191a7cc), which its own reader still checks.</summary>
    [Theory]
    [InlineData("steps", "abc")]
    [InlineData("training_seconds", "1e300")]
    [InlineData("training_seconds", "NaN")]
    [InlineData("samples_seen", "abc")]
    public void ResumingAnOldTrainFolderNamesBadOptimizerMetadata(string key, string value)
    {
        using var dir = new TempDir();
        var fixture = Path.Combine(RepoRoot.Find(), "tests", "Aevb.Tests", "Training", "Fixtures", "train-191a7cc");
        foreach (var f in Directory.GetFiles(fixture)) File.Copy(f, dir.File(Path.GetFileName(f)));
        var state = dir.File(TrainerState.FileName);
        SetMetadata(state, key, value);
        var (code, output, error) = Run(TrainCommand.Create(), "--samples", "2e3", "--hidden", "2", "--latent", "2",
            "--eval-train", "500", "--data-dir", TestData.Directory, "--out", dir.Path);
        Assert.Equal(1, code);
        AssertOneLine(error, state, key, value);
        Assert.DoesNotContain("Resuming", output);
    }

    private static readonly Lazy<RunData> s_mnist = new(() => RunData.Load("mnist", TestData.Directory));

    private static RunSettings TinyRun(long samples) => new()
    {
        Method = RunMethod.Aevb,
        Dataset = "mnist",
        Hidden = 20,
        Latent = 2,
        TrainCount = 500,
        Samples = samples,
        Evaluation = RunEvaluation.LowerBound,
        FirstEvaluation = 300,
        EvaluationsPerDecade = 4,
        CheckpointInterval = 1000,
        TrainEvaluationSize = 300,
        TestEvaluationSize = 300,
        LearningRate = 0.05f,
    };

    [Theory]
    [InlineData("steps", "abc")]
    [InlineData("samples_seen", "abc")]
    [InlineData("train_seconds", "x")]
    [InlineData("eval_seconds", "1e300")]
    public void ExtendingAFigureRunNamesBadCheckpointMetadata(string key, string value)
    {
        using var dir = new TempDir();
        Assert.Equal(RunOutcome.Completed, new FigureRun(TinyRun(1000), dir.Path, "fig2").Run(s_mnist.Value).Outcome);
        var checkpoint = dir.File(FigureRun.CheckpointFile);
        SetMetadata(checkpoint, key, value);
        var e = Assert.Throws<InvalidDataException>(() => new FigureRun(TinyRun(2000), dir.Path, "fig2").Run(s_mnist.Value));
        Assert.Contains(checkpoint, e.Message);
        Assert.Contains($"'{key}' = '{value}'", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void ANullLearningRateCandidateInRunJsonIsNamed()
    {
        using var dir = new TempDir();
        var settings = TinyRun(1000) with { LearningRateCandidates = "0.01,0.1" };
        var info = Path.Combine(dir.Path, FigureRun.InfoFile);
        var json = new JsonObject { ["status"] = "running", ["settings"] = settings.ToJson() };
        json["settings"]!["learning_rate_candidates"] = new JsonArray(0.01, null, 0.1);
        File.WriteAllText(info, json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => new FigureRun(settings, dir.Path, "fig2").Run(s_mnist.Value));
        Assert.Contains(info, e.Message);
        Assert.Contains("learning_rate_candidates", e.Message);
        Assert.Contains("null", e.Message);
    }
}
