using Aevb.Data;
using Aevb.Exercises;
using Aevb.Models;
using Aevb.Plotting;
using Aevb.Tensors;
using Aevb.Training;

namespace Aevb.Tests.Plotting;

/// <summary>The display types of the lessons: Table, exercise verdicts, training curves, and the latent explorer's data.</summary>
public class LessonDisplayTypesTests
{
    [Fact]
    public void Table_formats_numbers_per_column_and_aligns_the_text_form()
    {
        var t = new Table("name", "value", "count").WithFormats(null, "F2", null).WithTitle("T");
        t.AddRow("a", 1.0, 12_345).AddRow("longer name", -22.5, null).WithNote("note");
        Assert.Equal("1.00", t[0, 1]);
        Assert.Equal("12,345", t[0, 2]);
        Assert.Equal("", t[1, 2]);
        var lines = t.ToString().Split('\n');
        Assert.Equal(["T", "name          value   count", "a              1.00  12,345", "longer name  -22.50", "note"], lines);
        var html = t.ToHtml();
        Assert.Contains("<caption", html);
        Assert.Contains("text-align:right", html);
        Assert.Throws<ArgumentException>(() => t.AddRow("only one"));
    }

    [Fact]
    public void Exercise_check_passes_names_the_first_differing_input_or_says_not_attempted()
    {
        Func<double[], double[], double> right = (mu, lv) => 0.5 * mu.Select((m, j) => 1 + lv[j] - m * m - Math.Exp(lv[j])).Sum();
        var pass = Exercises.Exercises.GaussianKl(right);
        Assert.True(pass.Passed, pass.ToString());
        Assert.StartsWith("✓ Exercise 1.1", pass.ToString());

        var fail = Exercises.Exercises.GaussianKl((mu, lv) => 2 * right(mu, lv));
        Assert.Equal(ExerciseOutcome.Failed, fail.Outcome);
        // The first input (q = the prior) gives 0 either way: the first difference is input #2.
        Assert.Contains("differs on input #2 of", fail.Message);
        Assert.Contains("off by", fail.Message);
        Assert.Contains("data-outcome=\"failed\"", fail.ToHtml());

        var todo = Exercises.Exercises.GaussianKl((mu, lv) => throw new NotImplementedException());
        Assert.Equal(ExerciseOutcome.NotAttempted, todo.Outcome);
        var threw = Exercises.Exercises.GaussianKl((mu, lv) => mu[5]);
        Assert.Contains("IndexOutOfRangeException", threw.Message);

        var wrongLength = Exercise.Check("t", new[] { 1, 2 }, i => new double[i], i => new double[2]);
        Assert.Contains("returned 1 value(s), expected 2", wrongLength.Message);
    }

    [Fact]
    public void The_prepared_exercises_accept_their_solutions()
    {
        Assert.True(Exercises.Exercises.Reparameterize((mu, lv, e) => mu.Select((m, j) => m + Math.Exp(0.5 * lv[j]) * e[j]).ToArray()).Passed);
        Assert.True(Exercises.Exercises.EstimatorA((px, pz, qz) => px.Select((v, l) => v + pz[l] - qz[l]).Average()).Passed);
        Assert.True(Exercises.Exercises.EstimatorB((mu, lv, px) => 0.5 * mu.Select((m, j) => 1 + lv[j] - m * m - Math.Exp(lv[j])).Sum() + px.Average()).Passed);
        Assert.True(Exercises.Exercises.BernoulliLogLikelihood((x, y) => x.Select((v, i) => v * Math.Log(y[i]) + (1 - v) * Math.Log(1 - y[i])).Sum()).Passed);
        var adagrad = Exercises.Exercises.AdagradStep((th, g, s, lr) => th.Select((t, i) => t - lr * g[i] / Math.Sqrt(s[i] + g[i] * g[i])).ToArray());
        Assert.True(adagrad.Passed, adagrad.ToString());
        Assert.False(Exercises.Exercises.AdagradStep((th, g, s, lr) => th.Select((t, i) => t - lr * g[i] / Math.Sqrt(s[i] + 1)).ToArray()).Passed);
    }

    [Fact]
    public void Training_curve_averages_each_stretch_of_samples()
    {
        var k = 0;
        var curve = TrainingCurve.Record("c", 2_500, () => ++k, batchSize: 100, every: 1000);
        Assert.Equal([1000L, 2000, 2500], curve.Samples);
        Assert.Equal([5.5, 15.5, 23.0], curve.Bounds);
        Assert.Contains("\"name\":\"c\"", TrainingCurve.ToChart("t", curve).ToJson());
    }

    [Fact]
    public void Explorer_ships_float16_weights_that_decode_like_the_model_and_stays_under_a_megabyte()
    {
        var model = Vae.Create(new VaeConfig(784, 500, 2, DecoderKind.Bernoulli), 0.3f, new Rng(3));
        var rng = new Rng(4);
        var x = new float[200 * 784];
        rng.FillUniform(x);
        var data = new Dataset("t", x, 200, 784, Enumerable.Range(0, 200).Select(i => (byte)(i % 10)).ToArray(), 28, 28);
        var explorer = LatentExplorer.Create(model, data, points: 200);
        Assert.Equal(200, explorer.PointCount);
        Assert.Equal(model.Encode(data.X).Data, explorer.Means);
        foreach (var (z1, z2) in new[] { (0.0, 0.0), (1.5, -2.0), (-3.0, 0.7) })
        {
            var shipped = explorer.DecodeAsShipped(z1, z2);
            var exact = model.Decode(new[] { (float)z1, (float)z2 }).Data;
            Assert.True(shipped.Zip(exact).Max(p => Math.Abs(p.First - p.Second)) < 5e-3);
        }
        var html = explorer.ToHtml();
        Assert.True(html.Length < 1_000_000, $"{html.Length:N0} characters");
        Assert.Contains("data-aevb-explorer", html);
        Assert.Equal(explorer.Manifold.ToBase64Png(), explorer.ToBase64Png());
        Assert.Throws<ArgumentException>(() => LatentExplorer.Create(Vae.Create(new VaeConfig(784, 50, 3, DecoderKind.Bernoulli), 0.1f, new Rng(1)), data));
    }

    [Fact]
    public void Explorer_draws_a_linear_mean_Gaussian_decoder_with_its_own_mean_function()
    {
        var model = Vae.Create(new VaeConfig(560, 50, 2, DecoderKind.Gaussian), 0.3f, new Rng(5));
        var gaussian = (GaussianMlpDecoder)model.Decoder;
        gaussian.MeanOutput = GaussianMean.Linear;
        var x = new float[50 * 560];
        new Rng(6).FillUniform(x);
        var explorer = LatentExplorer.Create(model, new Dataset("frey", x, 50, 560, null, 28, 20), points: 50);
        Assert.True(explorer.LinearMean);
        Assert.Contains("\"linear\":true", explorer.ToHtml());
        foreach (var (z1, z2) in new[] { (0.0, 0.0), (1.5, -2.0), (-3.0, 0.7) })
        {
            var shipped = explorer.DecodeAsShipped(z1, z2);
            var exact = model.Decode(new[] { (float)z1, (float)z2 }).Data;
            // Linear means leave [0, 1] (a sigmoid would squash them back): the explorer must follow them there.
            Assert.Contains(exact, v => v is < 0 or > 1);
            Assert.True(shipped.Zip(exact).Max(p => Math.Abs(p.First - p.Second)) < 2e-2);
        }
        gaussian.MeanOutput = GaussianMean.Sigmoid;
        var sigmoid = LatentExplorer.Create(model, new Dataset("frey", x, 50, 560, null, 28, 20), points: 50);
        Assert.False(sigmoid.LinearMean);
    }
}
