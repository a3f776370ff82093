namespace Aevb.Models;

/// <summary>
/// The architecture of a <see cref="Vae"/>: <c>InputSize</c>-<c>HiddenSize</c>-<c>LatentSize</c>, one tanh
/// hidden layer in the encoder and one in the decoder (Appendix C). The paper uses 500 hidden units for
/// MNIST (784 pixels) and 200 for Frey Face (560 pixels).
/// </summary>
public sealed record VaeConfig(int InputSize, int HiddenSize, int LatentSize, DecoderKind Decoder = DecoderKind.Bernoulli)
{
    /// <summary>
    /// Largest model accepted: 10⁸ parameters (400 MB of weights; training holds about four times that with the
    /// gradients, the optimiser's state and the activations). Far beyond the paper's (about 10⁶), and it keeps a typo
    /// such as <c>--hidden 3000000</c> from eating the machine's memory or overflowing a tensor's size.
    /// </summary>
    public const long MaxParameters = 100_000_000;

    /// <summary>Number of weights and biases of the encoder and decoder (computed in 64 bits: never overflows).</summary>
    public long ParameterCount
    {
        get
        {
            long d = Math.Max(InputSize, 1), h = HiddenSize, z = LatentSize, outs = Decoder == DecoderKind.Gaussian ? 2 : 1;
            return d * h + h + 2 * (h * z + z) + z * h + h + outs * (h * d + d);
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first size that is not positive, or the model's size when it
    /// exceeds <see cref="MaxParameters"/>. <paramref name="requireInput"/> false accepts an input size not yet known (0).
    /// </summary>
    public void Validate(bool requireInput = true)
    {
        if (requireInput ? InputSize <= 0 : InputSize < 0) throw new ArgumentException($"Input size must be positive, got {InputSize}.");
        if (HiddenSize <= 0) throw new ArgumentException($"Hidden size must be positive, got {HiddenSize}.");
        if (LatentSize <= 0) throw new ArgumentException($"Latent size must be positive, got {LatentSize}.");
        if (!Enum.IsDefined(Decoder)) throw new ArgumentException($"Unknown decoder kind {Decoder}.");
        if (HiddenSize > MaxParameters || LatentSize > MaxParameters || ParameterCount > MaxParameters)
        {
            var input = InputSize > 0 ? InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : "784";
            throw new ArgumentException(
                $"A {input}-{HiddenSize}-{LatentSize} model is too large: {(double)ParameterCount:0.##e0} parameters " +
                $"({ParameterCount * 4.0 * 4 / (1L << 30):N1} GiB to train), over the limit of {MaxParameters:0.##e0}; " +
                "the paper's models have about 10⁶ (--hidden 500, --latent 20 or less).");
        }
    }

    public override string ToString() => $"{InputSize}-{HiddenSize}-{LatentSize} ({Decoder} decoder)";
}
