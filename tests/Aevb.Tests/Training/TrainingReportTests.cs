using System.Text.RegularExpressions;
using Aevb.Models;
using Aevb.Tensors;
using Aevb.Training;

namespace Aevb.Tests.Training;

public class TrainingReportTests
{
    [Fact]
    public void TheLineStatesBothBoundsTheSamplesAndTheSpeed()
    {
        var data = new float[300 * 20];
        new Rng(1).FillUniform(data);
        var options = new TrainerOptions { Seed = 2, BatchSize = 50, FirstEvaluation = 100 };
        var model = Trainer.CreateModel(new VaeConfig(20, 8, 2, DecoderKind.Gaussian), options);
        var trainer = new Trainer(model, data, null, options);
        trainer.Train(1000);
        var line = TrainingReport.Line(trainer, -123.456, -98.7);
        var match = Regex.Match(line,
            @"^Test bound -123\.46 -> -98\.70 after 1,000 samples \((\d+) s, ([\d,]+|NaN) samples/s\)\.$");
        Assert.True(match.Success, line);
        var seconds = trainer.TrainingTime.TotalSeconds;
        var expected = seconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, match.Groups[1].Value);
    }
}
