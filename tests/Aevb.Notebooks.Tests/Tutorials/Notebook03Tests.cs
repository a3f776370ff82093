using Aevb.Notebooks.Documents;

namespace Aevb.Notebooks.Tests.Tutorials;

/// <summary>
/// notebooks/03-train-vae.ipynb, run once in quick mode: it trains MNIST and Frey Face models without errors, shows
/// its bound curves, latent scatter, reconstructions, manifolds and samples, training raises the test bound, and the
/// model read back from its checkpoint scores exactly what the trained one did; one AEVB step written out by hand
/// leaves the parameters bit for bit where Trainer.Step does.
/// </summary>
[Collection("tutorials")]
public sealed class Notebook03Tests
{
    private static readonly Lazy<Task<TutorialNotebook>> Run = new(() =>
    {
        return TutorialNotebook.RunQuickAsync("03-train-vae.ipynb");
    });

    private static IEnumerable<string> PlainTexts(TutorialNotebook nb)
        => TutorialNotebook.AllOutputs(nb.Executed).Select(o => o["output_type"]?.GetValue<string>() == "stream"
            ? OutputsOf.StreamText(o)
            : NotebookOutputs.ReadData(o).GetValueOrDefault("text/plain", ""));

    [Fact]
    public async Task RunsWithoutErrorsAndShowsEveryChartAndImageGrid()
    {
        var nb = await Run.Value;   // fails on any error output
        Assert.True(nb.Value<bool>("Quick"));
        // MNIST curves, Frey Face curves, the latent scatter, the curves of every latent size.
        Assert.Equal(4, nb.ChartCount);
        // MNIST and Frey Face reconstructions, the two manifolds, one sample grid per latent size.
        var sizes = nb.Value<int[]>("figure5Sizes");
        Assert.Equal(4 + sizes.Length, nb.ImageGridCount);
        // The latent explorers (MNIST, Frey Face), each under about 1 MB of HTML.
        Assert.Equal(2, nb.ExplorerHtml.Count);
        Assert.All(nb.ExplorerHtml, h => Assert.True(h.Length < 1_000_000, $"an explorer output of {h.Length:N0} characters"));
        var texts = PlainTexts(nb).ToList();
        Assert.Contains(texts, t => t.Contains("10 traces [scatter '0'", StringComparison.Ordinal));   // one trace per digit
        Assert.Contains(texts, t => t.Contains("400 images of 28x28 in 20x20 grid", StringComparison.Ordinal));   // Figure 4(b)
    }

    [Fact]
    public async Task TrainingPrintsALinePerEvaluation()
    {
        var nb = await Run.Value;
        var streams = string.Join("\n", TutorialNotebook.AllOutputs(nb.Executed)
            .Where(o => o["output_type"]?.GetValue<string>() == "stream").Select(OutputsOf.StreamText));
        foreach (var run in new[] { "MNIST Nz=20", "MNIST Nz=2", "Frey Nz=2" })
            Assert.True(streams.Split('\n').Count(l => l.StartsWith(run + "  eval at ", StringComparison.Ordinal)) >= 5, $"too few evaluation lines for {run}");
    }

    [Fact]
    public async Task TrainingRaisesTheTestBound()
    {
        var nb = await Run.Value;
        var initial = nb.Value<double>("initialTestBound");
        var trained = nb.Value<double>("trainedTestBound");
        // Untrained, every pixel has probability ≈ ½: 784 log ½ ≈ −543.4.
        Assert.InRange(initial, -560, -530);
        Assert.True(trained > initial + 200, $"MNIST test bound {initial:F2} -> {trained:F2}");
        Assert.True(trained < 0);
        var freyInitial = nb.Value<double>("freyInitialTestBound");
        var freyTrained = nb.Value<double>("freyTrainedTestBound");
        Assert.True(freyTrained > freyInitial + 200, $"Frey Face test bound {freyInitial:F2} -> {freyTrained:F2}");
        // Two latent dimensions hold less than twenty.
        Assert.True(nb.Value<double>("mnist2TestBound") < trained);
    }

    [Fact]
    public async Task TheStepWrittenOutEqualsTrainersStepBitForBit()
    {
        var nb = await Run.Value;
        // The cell that writes one AEVB step out (forward, ε, z = μ + σ ⊙ ε, Bernoulli log-likelihood, analytic KL,
        // backward, one Adagrad update) ends with every parameter bitwise equal to Trainer.Step's.
        Assert.True(nb.Value<bool>("stepMatchesTrainer"), "the hand-written step differs from Trainer.Step");
        var hand = nb.Value<double>("handBound");
        var trainer = nb.Value<float>("trainerBound");
        Assert.True(Math.Abs(hand - trainer) < 1e-3, $"minibatch bound {hand} by hand, {trainer} from Trainer.Step");
        Assert.Contains(PlainTexts(nb), t => t.Contains("equal Trainer's bit for bit: True", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheReloadedModelGivesTheSameTestBound()
    {
        var nb = await Run.Value;
        Assert.Equal(nb.Value<double>("trainedTestBound"), nb.Value<double>("reloadedTestBound"));
        Assert.True(File.Exists(nb.Value<string>("checkpointPath")));
    }
}
