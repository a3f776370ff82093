using Aevb.Data;
using Aevb.Models;

namespace Aevb.Cli;

/// <summary>The data sets the train and eval verbs know by name, with the paper's model defaults for each.</summary>
internal static class Datasets
{
    public static readonly string[] Names = [Mnist.DatasetName, FreyFace.DatasetName];

    /// <summary>Paper defaults (Section 5 / Appendix C): hidden units, latent size, decoder.</summary>
    public static (int Hidden, int Latent, DecoderKind Decoder) Defaults(string dataset) => dataset switch
    {
        FreyFace.DatasetName => (200, 10, DecoderKind.Gaussian),
        _ => (500, 20, DecoderKind.Bernoulli),
    };

    /// <summary>
    /// One split of a data set by name. MNIST can be binarized (static: sampled once with
    /// <paramref name="seed"/>; dynamic: resampled per minibatch). Missing or bad files raise
    /// <see cref="DataFileException"/> with the command that fetches them.
    /// </summary>
    public static Dataset Load(string dataset, DataSplit split, Binarization binarization, ulong seed, string? dataDirectory)
    {
        if (dataset == FreyFace.DatasetName)
        {
            if (binarization != Binarization.None)
                throw new ArgumentException("Frey Face is continuous (Gaussian decoder); --binarize applies to MNIST only.");
            return FreyFace.Load(split, dataDirectory);
        }
        if (dataset == Mnist.DatasetName) return Mnist.Load(split, binarization, seed, dataDirectory);
        throw new ArgumentException($"Unknown data set '{dataset}' (expected {string.Join(" or ", Names)}).");
    }
}
