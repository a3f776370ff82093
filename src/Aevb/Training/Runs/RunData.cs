using Aevb.Data;
using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>The data a figure run trains and evaluates on: training rows, test rows, and the decoder that fits them.</summary>
public sealed class RunData
{
    public RunData(string dataset, Tensor train, Tensor test, DecoderKind decoder)
    {
        if (train.Cols != test.Cols) throw new ArgumentException($"Train rows have {train.Cols} values, test rows {test.Cols}.");
        Dataset = dataset;
        Train = train;
        Test = test;
        Decoder = decoder;
    }

    public string Dataset { get; }

    /// <summary><c>[N, D]</c> in [0, 1].</summary>
    public Tensor Train { get; }

    public Tensor Test { get; }

    /// <summary>Bernoulli for MNIST (intensities as Bernoulli means: our choice, the paper does not say whether it binarized), Gaussian for Frey Face.</summary>
    public DecoderKind Decoder { get; }

    public int Features => Train.Cols;

    /// <summary>
    /// Loads a data set by name (<see cref="DatasetRegistry"/>: <c>mnist</c>, <c>frey</c>) from <paramref name="dataDirectory"/>, else
    /// <c>AEVB_DATA_DIR</c>, else <c>data/cache</c>; a missing file raises the data layer's error naming the fix.
    /// </summary>
    /// <param name="binarizeSeed">MNIST only: binarize once with this seed (see <see cref="RunSettings.BinarizeMnist"/>); null keeps the intensities.</param>
    public static RunData Load(string dataset, string? dataDirectory = null, ulong? binarizeSeed = null)
    {
        var d = DatasetRegistry.Get(dataset);
        if (binarizeSeed is not null && !d.CanBinarize)
            throw new ArgumentException($"{d.Label} is continuous (a {d.Decoder} decoder); binarization applies to MNIST only.");
        var (binarization, seed) = binarizeSeed is { } s ? (Binarization.Static, s) : (Binarization.None, 0UL);
        return new RunData(d.Name, d.Load(DataSplit.Train, binarization, seed, dataDirectory).AsTensor(),
            d.Load(DataSplit.Test, binarization, seed, dataDirectory).AsTensor(), d.Decoder);
    }

    /// <summary>The data a run of <paramref name="settings"/> trains on: its data set, binarized or split as they
    /// say.</summary>
    public static RunData Load(RunSettings settings, string? dataDirectory = null)
    {
        var (kind, seed) = (settings.FreySplit, settings.Seed);
        if (kind == FreySplit.Blocks)
            return Load(settings.Dataset, dataDirectory, settings.BinarizeMnist ? seed : null);
        return new RunData(settings.Dataset, FreyFace.Load(DataSplit.Train, kind, seed, dataDirectory).AsTensor(),
            FreyFace.Load(DataSplit.Test, kind, seed, dataDirectory).AsTensor(), DatasetRegistry.Frey.Decoder);
    }

    /// <summary>Runs whose settings give the same <see cref="Load(RunSettings, string)"/> share this key.</summary>
    public static string Key(RunSettings s) => s.Dataset + (s.BinarizeMnist ? $"-binary-{s.Seed}" : "")
        + (s.FreySplit == FreySplit.Blocks ? "" : $"-{s.FreySplit}-{s.Seed}");

    /// <summary>The same data with only the first <paramref name="count"/> training rows (null: all).</summary>
    public RunData WithTrainCount(int? count)
    {
        if (count is null || count == Train.Rows) return this;
        if (count > Train.Rows) throw new ArgumentException($"{Dataset} has {Train.Rows} training rows; {count} were asked for.");
        return new RunData(Dataset, FirstRows(Train, count.Value), Test, Decoder);
    }

    internal static Tensor FirstRows(Tensor t, int count)
    {
        if (count >= t.Rows) return t;
        var copy = new Tensor(count, t.Cols);
        t.Data.AsSpan(0, count * t.Cols).CopyTo(copy.Span);
        return copy;
    }
}
