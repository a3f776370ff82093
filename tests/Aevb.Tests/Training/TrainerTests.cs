using Aevb.Data;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;
using Aevb.Tests.Data;
using Aevb.Training;

namespace Aevb.Tests.Training;

public class TrainerTests
{
    private static float[] Uniform(int rows, int cols, ulong seed)
    {
        var data = new float[rows * cols];
        new Rng(seed).FillUniform(data);
        return data;
    }

    [Fact]
    public void TrainingOnAnMnistSubsetRaisesTheBound()
    {
        var train = Mnist.Load(DataSplit.Train, dataDirectory: TestData.Directory).Take(1000);
        var test = Mnist.Load(DataSplit.Test, dataDirectory: TestData.Directory).Take(500);
        var options = new TrainerOptions { Seed = 3, FirstEvaluation = 1000, EvaluationsPerDecade = 2 };
        var model = Trainer.CreateModel(new VaeConfig(784, 200, 10), options);
        var trainer = new Trainer(model, train, test, options);
        var before = trainer.Evaluate();
        // Untrained, every pixel has probability ≈ ½: the bound starts near 784·log ½ ≈ −543.
        Assert.InRange(before.TrainBound, -560, -530);

        var result = trainer.Train(5000);
        Assert.True(result.Completed);
        var after = trainer.Log.Entries[^1];
        Assert.Equal(5000, after.Samples);
        Assert.True(after.TrainBound > before.TrainBound + 150, $"train bound {before.TrainBound:F1} -> {after.TrainBound:F1}");
        Assert.True(after.TestBound > before.TestBound + 150, $"test bound {before.TestBound:F1} -> {after.TestBound:F1}");
        // Evaluated at 1000, 3162 and the end, after the initial entry.
        Assert.Equal(new long[] { 0, 1000, 3200, 5000 }, trainer.Log.Entries.Select(e => e.Samples));
    }

    [Theory]
    [InlineData(Estimator.B, OptimizerKind.Adagrad, DecoderKind.Bernoulli)]
    [InlineData(Estimator.A, OptimizerKind.Adam, DecoderKind.Gaussian)]
    public void SameSeedGivesTheSameNumbers(Estimator estimator, OptimizerKind optimizer, DecoderKind decoder)
    {
        var data = Uniform(300, 20, 1);
        (float[][] Parameters, string Log) Run(ulong seed)
        {
            var options = new TrainerOptions { Seed = seed, BatchSize = 50, SamplesPerDatapoint = 2, Estimator = estimator, Optimizer = optimizer, FirstEvaluation = 100, InitStd = 0.1f };
            var model = Trainer.CreateModel(new VaeConfig(20, 16, 4, decoder), options);
            var trainer = new Trainer(model, data, Uniform(70, 20, 2), options);
            trainer.Train(2000);
            // Everything but the timings.
            var log = string.Join("\n", trainer.Log.Entries.Select(e => $"{e.Samples} {e.TrainBound:R} {e.TestBound:R} {e.MinibatchBound:R}"));
            return (model.Parameters.Select(p => p.Value.Data.ToArray()).ToArray(), log);
        }
        var a = Run(5);
        var b = Run(5);
        Assert.Equal(a.Log, b.Log);
        for (var i = 0; i < a.Parameters.Length; i++)
            Assert.True(a.Parameters[i].AsSpan().SequenceEqual(b.Parameters[i]), $"parameter {i} differs");
        var c = Run(6);
        Assert.NotEqual(a.Log, c.Log);
    }

    [Fact]
    public void EvaluationDoesNotChangeTheTrajectory()
    {
        var data = Uniform(400, 12, 1);
        float[] Run(bool evaluateOften)
        {
            var options = new TrainerOptions { Seed = 9, FirstEvaluation = evaluateOften ? 100 : 3000, EvaluationsPerDecade = 10 };
            var model = Trainer.CreateModel(new VaeConfig(12, 8, 3), options);
            new Trainer(model, data, data, options).Train(3000);
            return model.Parameters.SelectMany(p => p.Value.Data).ToArray();
        }
        Assert.True(Run(true).AsSpan().SequenceEqual(Run(false)));
    }

    [Fact]
    public void NaNInTheDataStopsTrainingNamingTheStep()
    {
        var data = Uniform(200, 10, 1);
        data[1234] = float.NaN; // row 123
        var options = new TrainerOptions { Seed = 1 };
        var trainer = new Trainer(Trainer.CreateModel(new VaeConfig(10, 8, 2), options), data, null, options);
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Train(100_000));
        Assert.Contains($"step {e.Step} ", e.Message);
        Assert.Contains("NaN", e.Message);
        Assert.True(e.Step <= 2, $"detected at step {e.Step}; every epoch of 2 batches sees the row");
        Assert.Equal(e.Step - 1, trainer.Steps);
    }

    [Fact]
    public void CancellationStopsEarlyAndProgressIsReported()
    {
        var data = Uniform(500, 10, 1);
        var options = new TrainerOptions { Seed = 1, ReportInterval = TimeSpan.Zero, FirstEvaluation = 1000 };
        var trainer = new Trainer(Trainer.CreateModel(new VaeConfig(10, 8, 2), options), data, data, options);
        using var cts = new CancellationTokenSource();
        var reports = new List<TrainingProgress>();
        var progress = new SyncProgress(p =>
        {
            reports.Add(p);
            if (p.Samples >= 2000) cts.Cancel();
        });
        var result = trainer.Train(1_000_000, progress, cts.Token);
        Assert.False(result.Completed);
        Assert.Equal(2000, trainer.SamplesSeen);
        Assert.All(reports, r => Assert.Equal(1_000_000, r.TotalSamples));
        Assert.Contains(reports, r => r.IsEvaluation && r.Evaluation is { Samples: 1000 });
        Assert.All(reports.Where(r => !r.IsEvaluation), r => Assert.True(double.IsFinite(r.Bound) && r.SamplesPerSecond > 0));
    }

    [Fact]
    public void DynamicBinarizationResamplesEveryMinibatch()
    {
        var data = new Dataset("toy", Uniform(200, 10, 1), 200, 10);
        var options = new TrainerOptions { Seed = 1 };
        var model = Trainer.CreateModel(new VaeConfig(10, 8, 2), options);
        var plain = new Trainer(model, data, null, options);
        plain.Step();
        Assert.Contains(plain.Batch.Data, v => v is > 0 and < 1);

        var binary = new Trainer(model, data.WithDynamicBinarization(), null, options);
        binary.Step();
        Assert.All(binary.Batch.Data, v => Assert.True(v is 0f or 1f));
        // Bernoulli samples of uniform intensities: about half ones.
        Assert.InRange(binary.Batch.Data.Average(), 0.4, 0.6);
    }

    [Fact]
    public void BatchLargerThanTheDataIsRejected()
    {
        var options = new TrainerOptions();
        var e = Assert.Throws<ArgumentException>(() => new Trainer(new Vae(new VaeConfig(4, 3, 2)), new float[4 * 50], null, options));
        Assert.Contains("fewer than the batch size", e.Message);
        Assert.Throws<ArgumentException>(() => new Trainer(new Vae(new VaeConfig(4, 3, 2)), new float[4 * 500 + 1], null, options));
    }

    [Fact]
    public void ScheduleIsLogSpaced()
    {
        Assert.Equal(new long[] { 10000, 31623, 100000, 316228, 1000000 }, EvaluationSchedule.LogSpaced(10_000, 1_000_000, 2));
        Assert.Equal(new long[] { 100, 1000, 5000 }, EvaluationSchedule.LogSpaced(100, 5000, 1));
        Assert.Equal(new long[] { 50 }, EvaluationSchedule.LogSpaced(100, 50, 5));
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
