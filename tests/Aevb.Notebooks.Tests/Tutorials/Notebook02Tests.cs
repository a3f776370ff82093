namespace Aevb.Notebooks.Tests.Tutorials;

/// <summary>
/// notebooks/02-estimator-variance.ipynb in quick mode: it runs without errors, shows its minibatch and both
/// charts, and the measured numbers support what its text concludes.
/// </summary>
[Collection("tutorials")]
public class Notebook02Tests
{
    private static readonly Lazy<Task<TutorialNotebook>> Run = new(() => TutorialNotebook.RunQuickAsync("02-estimator-variance.ipynb"));

    private static async Task<TutorialNotebook> Notebook() => await Run.Value;

    private static readonly string[] Variances =
    [
        "boundVarianceAInit", "boundVarianceBInit", "boundVarianceA", "boundVarianceB",
        "encoderGradVarianceAInit", "encoderGradVarianceBInit", "encoderGradVarianceScoreInit",
        "encoderGradVarianceA", "encoderGradVarianceB", "encoderGradVarianceScore",
        "decoderGradVarianceA", "decoderGradVarianceB", "decoderGradVarianceScore",
    ];

    [Fact]
    public async Task Runs_and_shows_the_minibatch_and_both_charts()
    {
        var nb = await Notebook();
        Assert.Equal(2, nb.ChartCount);       // bound variance (1x2), gradient variance (2x2)
        Assert.Equal(1, nb.ImageGridCount);   // the fixed minibatch
    }

    [Fact]
    public async Task Every_key_number_is_finite_and_positive()
    {
        var nb = await Notebook();
        foreach (var name in Variances)
        {
            var v = nb.Value<double>(name);
            Assert.True(double.IsFinite(v) && v > 0, $"{name} = {v}");
        }
    }

    [Fact]
    public async Task Training_improved_the_test_bound()
    {
        var nb = await Notebook();
        var before = nb.Value<double>("initTestBound");
        var after = nb.Value<double>("trainedTestBound");
        Assert.True(double.IsFinite(before) && double.IsFinite(after));
        Assert.True(after > before + 50, $"test bound {before} -> {after}");
    }

    [Fact]
    public async Task Estimator_B_has_the_less_noisy_encoder_gradient_and_at_initialisation_the_less_noisy_bound()
    {
        var nb = await Notebook();
        Assert.True(nb.Value<double>("boundVarianceBInit") < nb.Value<double>("boundVarianceAInit"));
        // Orders of magnitude at initialisation (the decoder ignores z), still lower after training.
        Assert.True(nb.Value<double>("encoderGradVarianceBInit") * 100 < nb.Value<double>("encoderGradVarianceAInit"));
        Assert.True(nb.Value<double>("encoderGradVarianceB") < nb.Value<double>("encoderGradVarianceA"));
    }

    [Fact]
    public async Task After_training_A_has_the_less_noisy_bound_value_as_the_decomposition_explains()
    {
        // The notebook's finding: once q approaches the posterior, A's sampled KL term cancels part of
        // the noise of log p(x|z), so A's bound estimate is the less noisy one (B still wins on the gradient).
        var nb = await Notebook();
        Assert.True(nb.Value<double>("boundVarianceA") < nb.Value<double>("boundVarianceB"),
            $"A {nb.Value<double>("boundVarianceA")} vs B {nb.Value<double>("boundVarianceB")}");
        var trained = nb.Value<Aevb.Inference.BoundNoiseDecomposition>("noiseTrained");
        Assert.True(trained.Covariance < 0, $"Cov = {trained.Covariance}");
        Assert.True(trained.VarianceA < trained.VarianceB);
        var init = nb.Value<Aevb.Inference.BoundNoiseDecomposition>("noiseInit");
        Assert.True(init.VarianceB < init.VarianceA);
    }

    [Fact]
    public async Task The_score_function_encoder_gradient_is_orders_of_magnitude_noisier()
    {
        var nb = await Notebook();
        Assert.True(nb.Value<double>("encoderGradVarianceScore") > 100 * nb.Value<double>("encoderGradVarianceB"));
        Assert.True(nb.Value<double>("encoderGradVarianceScore") > 100 * nb.Value<double>("encoderGradVarianceA"));
        Assert.True(nb.Value<double>("encoderGradVarianceScoreInit") > 100 * nb.Value<double>("encoderGradVarianceAInit"));
    }

    [Fact]
    public async Task The_decoder_gradient_is_the_same_for_all_three_estimators()
    {
        var nb = await Notebook();
        Assert.Equal(0.0, nb.Value<double>("decoderGradientDifference"));
        Assert.Equal(nb.Value<double>("decoderGradVarianceA"), nb.Value<double>("decoderGradVarianceB"));
        Assert.Equal(nb.Value<double>("decoderGradVarianceA"), nb.Value<double>("decoderGradVarianceScore"));
    }

    [Fact]
    public async Task Every_variance_falls_as_one_over_L()
    {
        var nb = await Notebook();
        Assert.InRange(nb.Value<double>("slopeMin"), -1.5, -0.5);
        Assert.InRange(nb.Value<double>("slopeMax"), -1.5, -0.5);
    }
}
