namespace Aevb.Models;

/// <summary>The observation model p(x|z) of Appendix C.</summary>
public enum DecoderKind
{
    /// <summary>Bernoulli with logits from an MLP: binary or [0, 1] data such as MNIST.</summary>
    Bernoulli,

    /// <summary>Gaussian with a sigmoid-constrained mean and a free log-variance: continuous data such as Frey Face.</summary>
    Gaussian,
}
