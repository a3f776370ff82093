namespace Aevb.Notebooks.Tests.Tutorials;

/// <summary>
/// notebooks/06-your-own-vae-torchsharp.ipynb, run once in quick mode by our runner (the Polyglot tests run it in the
/// real kernel): the VAE written in TorchSharp trains to a bound of the same order as our engine's on the same data,
/// and the importance-weighted objective (k = 5) gives a higher test log-likelihood than the VAE's (k = 1).
/// </summary>
[Collection("tutorials")]
public sealed class Notebook06Tests
{
    private static readonly Lazy<Task<TutorialNotebook>> Run = new(() => TutorialNotebook.RunQuickAsync("06-your-own-vae-torchsharp.ipynb"));

    [Fact]
    public async Task TheTorchSharpVaeAndOurEngineBothLearnFromTheSameData()
    {
        var nb = await Run.Value;   // fails on any error output
        Assert.True(nb.Value<bool>("Quick"));
        var torchSharp = nb.Value<double>("mineBound");
        var ours = nb.Value<double>("oursBound");
        // Untrained, every pixel has probability ≈ ½: 784 log ½ ≈ −543.4. Half a pass over MNIST gets both far above it,
        // to within a few tens of nats of each other (different noise, different initial draws).
        Assert.InRange(torchSharp, -260, -100);
        Assert.InRange(ours, -260, -100);
        Assert.True(Math.Abs(torchSharp - ours) < 30, $"TorchSharp {torchSharp:F2} vs our engine {ours:F2}");
    }

    [Fact]
    public async Task TheImportanceWeightedBoundTrainsABetterModelThanTheVae()
    {
        var nb = await Run.Value;
        var gain = nb.Value<double>("iwaeGain");
        Assert.True(gain > 0, $"IWAE (k = 5) − VAE test log-likelihood = {gain:F2} nats");
    }
}
