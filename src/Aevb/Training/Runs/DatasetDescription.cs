using Aevb.Data;
using Aevb.Models;

namespace Aevb.Training.Runs;

/// <summary>
/// One split of a data set, by split, binarization and its seed (only data sets that can be binarized see anything
/// but <see cref="Binarization.None"/>), and the data folder (null: the usual search path).
/// </summary>
public delegate Dataset DatasetLoader(DataSplit split, Binarization binarization, ulong seed, string? dataDirectory);

/// <summary>
/// A data set the figure runs and <c>aevb train</c> know by name: the decoder that fits it, the paper's model sizes for
/// it, and its loader. Registered once in <see cref="DatasetRegistry"/>.
/// </summary>
/// <param name="Name">As folders, <c>run.json</c> and <c>--dataset</c> spell it: <c>mnist</c>, <c>frey</c>.</param>
/// <param name="Hidden">The paper's hidden units for it (Figure 2; <c>aevb train</c>'s default).</param>
/// <param name="Latent"><c>aevb train</c>'s default latent size.</param>
/// <param name="Features">Values per datapoint, known before its files are read (so size checks name the right
/// model).</param>
public sealed record DatasetDescription(
    string Name, string Label, DecoderKind Decoder, int Features, int Hidden, int Latent, DatasetLoader Load)
{
    /// <summary>Its row of the paper's Figure 2 (null: not in the paper's figures).</summary>
    public Figure2Row? Figure2 { get; init; }

    /// <summary>The latent sizes of the paper's Figure 2 panels for it (none if it is not in the figure).</summary>
    public IReadOnlyList<int> Figure2Latents => Figure2?.Latents ?? [];

    /// <summary>Whether its values can be binarized (MNIST's grey levels; not Frey Face's, a Gaussian
    /// decoder's).</summary>
    public bool CanBinarize { get; init; }

    /// <summary>The label of its Figure 2 panels (short: <c>MNIST</c>, <c>Frey</c>).</summary>
    public string ShortLabel { get; init; } = Label;
}

/// <summary>
/// A data set's row of panels in the paper's Figure 2: its latent sizes, how far the paper's x axis goes (samples,
/// read off the figure), and the axes our charts draw it on (the paper's y range; an x end with a margin so
/// readings at the last tick show whole).
/// </summary>
public sealed record Figure2Row(IReadOnlyList<int> Latents, long Extent, (double Min, double Max) YRange, double XEnd);
