namespace Aevb.Models;

/// <summary>
/// The architecture of a <see cref="Vae"/>: <c>InputSize</c>-<c>HiddenSize</c>-<c>LatentSize</c>, one tanh
/// hidden layer in the encoder and one in the decoder (Appendix C). The paper uses 500 hidden units for
/// MNIST (784 pixels) and 200 for Frey Face (560 pixels).
/// </summary>
public sealed record VaeConfig(int InputSize, int HiddenSize, int LatentSize, DecoderKind Decoder = DecoderKind.Bernoulli)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first size that is not positive.</summary>
    public void Validate()
    {
        if (InputSize <= 0) throw new ArgumentException($"Input size must be positive, got {InputSize}.");
        if (HiddenSize <= 0) throw new ArgumentException($"Hidden size must be positive, got {HiddenSize}.");
        if (LatentSize <= 0) throw new ArgumentException($"Latent size must be positive, got {LatentSize}.");
        if (!Enum.IsDefined(Decoder)) throw new ArgumentException($"Unknown decoder kind {Decoder}.");
    }

    public override string ToString() => $"{InputSize}-{HiddenSize}-{LatentSize} ({Decoder} decoder)";
}
