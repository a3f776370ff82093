using System.CommandLine;
using Aevb.Cli.Commands;
using Aevb.Data;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tests.Data;
using Aevb.Training;
using Aevb.Training.Runs;

namespace Aevb.Tests.Training;

/// <summary>
/// <c>aevb train</c> folders and figure runs write one checkpoint layout (<see cref="LearnerCheckpoint"/>), and what
/// is new in it for <c>aevb train</c> (the counters, an Adam optimizer's moments) resumes exactly.
/// </summary>
public class OneCheckpointFormatTests
{
    private static readonly string[] CounterKeys = ["samples_seen", "steps", "train_seconds", "eval_seconds"];

    private static void Train(string dir, params string[] more)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args = ["--samples", "1e3", "--hidden", "20", "--latent", "2", "--eval-train", "300",
            "--data-dir", TestData.Directory, "--out", dir, .. more];
        var code = TrainCommand.Create().Parse(args)
            .Invoke(new InvocationConfiguration { Output = output, Error = error });
        Assert.True(code == 0, error.ToString() + output);
    }

    [Fact]
    public void AevbTrainAndAFigureRunWriteTheSameLayout()
    {
        using var train = new TempDir();
        Train(train.Path);
        using var run = new TempDir();
        var settings = new RunSettings
        {
            Method = RunMethod.Aevb, Dataset = "mnist", Hidden = 20, Latent = 2, TrainCount = 500, Samples = 1000,
            Evaluation = RunEvaluation.LowerBound, FirstEvaluation = 300, CheckpointInterval = 1000,
            TrainEvaluationSize = 300, TestEvaluationSize = 300, LearningRate = 0.02f,
        };
        var outcome = new FigureRun(settings, run.Path, "fig2").Run(RunData.Load("mnist", TestData.Directory)).Outcome;
        Assert.Equal(RunOutcome.Completed, outcome);

        var a = SafeTensors.Read(train.File(LearnerCheckpoint.FileName));
        var b = SafeTensors.Read(run.File(FigureRun.CheckpointFile));
        Assert.Equal(LearnerCheckpoint.FileName, FigureRun.CheckpointFile);
        Assert.Equal(b.Tensors.Select(t => (t.Name, string.Join(",", t.Shape))),
            a.Tensors.Select(t => (t.Name, string.Join(",", t.Shape))));
        Assert.Contains(a.Tensors, t => t.Name.StartsWith("state.optimizer.", StringComparison.Ordinal));
        foreach (var key in CounterKeys)
        {
            Assert.True(a.Metadata.ContainsKey(key), $"aevb train's checkpoint lacks {key}");
            Assert.True(b.Metadata.ContainsKey(key), $"the figure run's checkpoint lacks {key}");
        }
        Assert.Equal(1000, a.Integer("samples_seen"));
        Assert.Equal(10, a.Integer("steps"));
        Assert.True(a.Number("eval_seconds", 0, 1e6) > 0, "evaluation time is counted");
    }

    [Fact]
    public void AnAdamRunResumesItsMomentsStepCountAndTimes()
    {
        using var dir = new TempDir();
        Train(dir.Path, "--optimizer", "adam", "--lr", "0.001");
        var file = SafeTensors.Read(dir.File(LearnerCheckpoint.FileName));

        var options = new TrainerOptions
        {
            Optimizer = OptimizerKind.Adam, LearningRate = 0.001f, TrainEvaluationSize = 300,
        };
        var config = new VaeConfig(784, 20, 2);
        var folder = new TrainingFolder(dir.Path);
        using var start = folder.Open("mnist", config, options, Binarization.None,
            Mnist.Train(dataDirectory: TestData.Directory), Mnist.Test(dataDirectory: TestData.Directory), force: false);

        Assert.True(start.Resumed);
        var trainer = start.Trainer;
        Assert.Equal(file.Integer("steps"), trainer.Optimizer.StepCount);
        Assert.Equal(file.Number("train_seconds", 0, 1e6), trainer.TrainingTime.TotalSeconds, 1e-6);
        Assert.Equal(file.Number("eval_seconds", 0, 1e6), trainer.EvaluationTime.TotalSeconds, 1e-6);
        var moments = trainer.Optimizer.State();
        Assert.Contains(moments, s => s.Name.StartsWith("v.", StringComparison.Ordinal));
        foreach (var (name, values) in moments)
            Assert.Equal(file.Find("state.optimizer." + name)!.Data, values);
        foreach (var (name, p) in trainer.Model.NamedParameters)
            Assert.Equal(file.Find("model." + name)!.Data, p.Value.Data.ToArray());
    }
}
