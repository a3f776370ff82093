using Aevb.Models;
using Aevb.Tensors;
using Aevb.Training;

namespace Aevb.Tests.Training;

public class ProgressLinesTests
{
    [Fact]
    public void OneLinePerEvaluationAndNothingElse()
    {
        var data = new float[300 * 10];
        new Rng(1).FillUniform(data);
        var options = new TrainerOptions { Seed = 1, FirstEvaluation = 1000, EvaluationsPerDecade = 2, ReportInterval = TimeSpan.Zero };
        var trainer = new Trainer(Trainer.CreateModel(new VaeConfig(10, 8, 2), options), data, data, options);
        var writer = new StringWriter();
        var lines = new ProgressLines("toy", writer);
        trainer.Train(5000, lines);

        var written = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(trainer.Log.Entries.Count, written.Length);   // 1000, 3200, 5000: not one per step report
        Assert.Equal(3, lines.LinesWritten);
        Assert.All(written, l => Assert.StartsWith("toy  eval at ", l));
        Assert.Contains("eval at 5,000 samples", written[^1]);
    }

    [Fact]
    public void FormatShowsBothBoundsTheTimeAndTheRate()
    {
        var e = new TrainingLogEntry(39_811, 4.06, -141.271, -140.524, double.NaN);
        Assert.Equal("MNIST  eval at 39,811 samples: train -141.27, test -140.52  (4.1 s training, 9,712 samples/s)",
            ProgressLines.Format(e, 9711.6, "MNIST"));
        Assert.Equal("eval at 39,811 samples: train -141.27  (4.1 s training)",
            ProgressLines.Format(e with { TestBound = double.NaN }));
    }
}

/// <summary>
/// Swaps the process-wide <see cref="Console.Out"/>, so it runs alone, after the parallel tests: a command
/// test writing to the console meanwhile would otherwise land in (and break) the capture.
/// </summary>
[Collection(nameof(NonParallel))]
public class ProgressLinesConsoleTests
{
    [Fact]
    public void WithoutAWriterItWritesToTheCurrentConsoleOut()
    {
        var lines = new ProgressLines();
        var original = Console.Out;
        var captured = new StringWriter();
        try
        {
            Console.SetOut(captured);   // set after construction, as a notebook runner does per cell
            lines.Report(new TrainingProgress(100, 100, TimeSpan.Zero, 0, double.NaN, TimeSpan.Zero,
                new TrainingLogEntry(100, 1, -1, -2, double.NaN), IsEvaluation: true));
        }
        finally
        {
            Console.SetOut(original);
        }
        Assert.StartsWith("eval at 100 samples", captured.ToString());
    }
}
