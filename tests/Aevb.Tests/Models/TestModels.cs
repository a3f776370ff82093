using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Tests.Models;

internal static class TestModels
{
    /// <summary>A small model with parameters large enough that every gradient is far from zero.</summary>
    public static Vae Small(DecoderKind decoder, ulong seed = 7, int input = 6, int hidden = 5, int latent = 3)
        => Vae.Create(new VaeConfig(input, hidden, latent, decoder), initStd: 0.5f, new Rng(seed));

    /// <summary>Uniform data in (0, 1), as the pixel intensities are.</summary>
    public static Tensor Data(int rows, int cols, ulong seed = 11)
    {
        var t = new Tensor(rows, cols);
        new Rng(seed).FillUniform(t.Span);
        return t;
    }

    public static Tensor Normal(int rows, int cols, ulong seed = 13)
    {
        var t = new Tensor(rows, cols);
        new Rng(seed).FillNormal(t.Span);
        return t;
    }
}
