using Aevb.Data;
using Aevb.Models;
using Aevb.Training.Runs;

namespace Aevb.Cli;

/// <summary>The data sets the train and eval verbs know by name, with the paper's model defaults for each.</summary>
internal static class Datasets
{
    public static string[] Names => DatasetRegistry.Names;

    /// <summary>Paper defaults (Section 5 / Appendix C): hidden units, latent size, decoder.</summary>
    public static (int Hidden, int Latent, DecoderKind Decoder) Defaults(string dataset)
        => DatasetRegistry.Find(dataset) is { } d ? (d.Hidden, d.Latent, d.Decoder) : Defaults(DatasetRegistry.Mnist.Name);

    /// <summary>The input size of a data set's images, known before its files are read (so size checks name the right model).</summary>
    public static int InputSize(string dataset) => (DatasetRegistry.Find(dataset) ?? DatasetRegistry.Mnist).Features;

    /// <summary>
    /// One split of a data set by name. MNIST can be binarized (static: sampled once with
    /// <paramref name="seed"/>; dynamic: resampled per minibatch). Missing or bad files raise
    /// <see cref="DataFileException"/> with the command that fetches them.
    /// </summary>
    public static Dataset Load(string dataset, DataSplit split, Binarization binarization, ulong seed, string? dataDirectory)
    {
        FetchIfMissing(dataset, dataDirectory, Console.Out);
        var d = DatasetRegistry.Get(dataset);
        if (binarization != Binarization.None && !d.CanBinarize)
            throw new ArgumentException($"{d.Label} is continuous ({d.Decoder} decoder); --binarize applies to MNIST only.");
        return d.Load(split, binarization, seed, dataDirectory);
    }

    /// <summary>
    /// On a fresh clone the README's main command must just work: when no file of the data set is
    /// found anywhere on the search path (and no folder was named explicitly), fetch it into the
    /// repository's data/cache first, exactly as <c>aevb data fetch --dataset NAME</c> does. A present
    /// but damaged file is not refetched silently: loading reports it.
    /// </summary>
    public static void FetchIfMissing(string dataset, string? dataDirectory, TextWriter output)
    {
        if (dataDirectory is not null || !Names.Contains(dataset)) return;
        var entry = DataManifest.Default.FindDataset(dataset);
        var search = DataDirectories.SearchPath();
        if (entry.Files.Any(f => DataFiles.Locate(f, search) is not null)) return;
        if (DataDirectories.DefaultCacheDirectory() is not { } cache) return;

        output.WriteLine($"{dataset}: not found ({string.Join("; ", DataDirectories.Describe(search))}); fetching it into {cache} (as `aevb data fetch --dataset {dataset}`)...");
        using var fetcher = new DataFetcher { Log = line => output.WriteLine("  " + line) };
        fetcher.FetchAsync([dataset], cache).GetAwaiter().GetResult();
    }
}
