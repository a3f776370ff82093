using Aevb.Cli.Commands;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;
using Aevb.Tests.Data;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

/// <summary>
/// A method from outside the library joins the figure runs as issue 17 asks: one learner class and one
/// registration, and <c>aevb reproduce</c> runs it with its own option, names its folder by it, records it in
/// run.json and charts it beside the others.
/// </summary>
public class MethodRegistryTests
{
    /// <summary>AEVB with L samples per datapoint (Section 2.3's L, an option of its own), written as a user
    /// would.</summary>
    private sealed class ManySampleAevb : RunLearner
    {
        private readonly SgvbEstimator _estimator;
        private readonly Adagrad _optimizer;

        public ManySampleAevb(LearnerContext c) : base(c.Model)
        {
            _estimator = new SgvbEstimator(c.Model, Estimator.B, samplesPerDatapoint: (int)c.Settings.MethodOption("l"));
            _optimizer = new Adagrad(c.Model.Parameters, c.Settings.LearningRate, c.Settings.WeightDecay);
        }

        public override double Step(Tensor batch, ReadOnlySpan<int> indices, float scale, Rng rng)
        {
            Model.ZeroGrad();
            var bound = _estimator.Forward(batch, rng);
            _estimator.Backward(scale);
            _optimizer.Step();
            return bound;
        }

        public override void SetLearningRate(float rate) => _optimizer.LearningRate = rate;

        public override IEnumerable<(string Name, StateBuffer Buffer)> StateBuffers() => AdagradState("optimizer", _optimizer);
    }

    private static readonly Lazy<MethodDescription> s_method = new(() =>
    {
        var method = new MethodDescription("aevbl", "AEVB (L samples)", "#9467bd", c => new ManySampleAevb(c))
        {
            Figures = ["fig2"],
            Options = [new MethodOption("l", "samples per datapoint, Section 2.3's L", Default: 1, Min: 1, Max: 100)],
        };
        MethodRegistry.Register(method);
        return method;
    });

    [Fact]
    public async Task ARegisteredMethodRunsThroughReproduceWithItsOwnOption()
    {
        var method = s_method.Value;
        using var dir = new TempDir();
        var code = await ReproduceCommand.Create().Parse(["fig2", "--dataset", "frey", "--latent", "2", "--method", "aevbl", "--l", "3",
            "--quick", "--samples", "1000", "--lr", "0.02", "--out", dir.Path, "--data-dir", TestData.Directory]).InvokeAsync();

        Assert.Equal(0, code);
        var run = Assert.Single(FigureResults.Load(Path.Combine(dir.Path, "fig2")));
        Assert.Equal("frey-h200-z2-aevbl-l3", run.Settings.Name);
        Assert.Equal(3, run.Settings.MethodOption("l"));
        Assert.Equal(3, run.Info["settings"]!["method_options"]!["l"]!.GetValue<double>());
        Assert.True(double.IsFinite(run.Log.Column("test_bound")[^1]));
        Assert.Contains(method.Label, File.ReadAllText(Path.Combine(dir.Path, "fig2", "figure2.html")));
    }

    [Fact]
    public void RegistrationRefusesATakenNameAndValidationAnOptionOutOfRange()
    {
        _ = s_method.Value;
        Assert.Throws<ArgumentException>(() => MethodRegistry.Register(new MethodDescription("ws", "x", "#000", c => null!)));
        var settings = new RunSettings { Method = "aevbl", Dataset = "frey", Hidden = 10, Latent = 2, Samples = 1000, MethodOptions = "l=0" };
        Assert.Contains("'l'", Assert.Throws<ArgumentException>(settings.Validate).Message);
        Assert.Throws<ArgumentException>((settings with { Method = "nope", MethodOptions = null }).Validate);
        Assert.Equal(1, (settings with { MethodOptions = null }).MethodOption("l"));
    }
}
