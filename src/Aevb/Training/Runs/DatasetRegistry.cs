using Aevb.Data;
using Aevb.Models;

namespace Aevb.Training.Runs;

/// <summary>
/// The data sets the figure runs and <c>aevb train</c> know, in the order charts list them. A new data set is a
/// loader in <c>Data</c>, its entry in <c>data/manifest.json</c>, and one <see cref="Register"/> call.
/// </summary>
public static class DatasetRegistry
{
    /// <summary>MNIST: grey levels in [0, 1] as a Bernoulli decoder's targets (our choice; the paper does not
    /// say).</summary>
    public static readonly DatasetDescription Mnist = new(Data.Mnist.DatasetName, "MNIST", DecoderKind.Bernoulli,
        Data.Mnist.Features, Hidden: 500, Latent: 20,
        (split, binarization, seed, dir) => Data.Mnist.Load(split, binarization, seed, dir))
    {
        Figure2 = new Figure2Row([3, 5, 10, 20, 200], Extent: 240_000_000, YRange: (-150, -95), XEnd: 2.5e8),
        CanBinarize = true,
    };

    /// <summary>Frey Face: continuous, a Gaussian decoder; our fixed train/test split (<see
    /// cref="FreyFace"/>).</summary>
    public static readonly DatasetDescription Frey = new(FreyFace.DatasetName, "Frey Face", DecoderKind.Gaussian,
        FreyFace.Features, Hidden: 200, Latent: 10, (split, _, _, dir) => FreyFace.Load(split, dir))
    {
        Figure2 = new Figure2Row([2, 5, 10, 20], Extent: 100_000_000, YRange: (0, 1600), XEnd: 1.25e8),
        ShortLabel = "Frey",
    };

    private static readonly List<DatasetDescription> s_datasets = [Mnist, Frey];
    private static readonly Lock s_lock = new();

    /// <summary>Every registered data set, in registration order.</summary>
    public static IReadOnlyList<DatasetDescription> All
    {
        get
        {
            lock (s_lock) return s_datasets.ToArray();
        }
    }

    /// <summary>The registered names, for <c>--dataset</c>.</summary>
    public static string[] Names => All.Select(d => d.Name).ToArray();

    /// <summary>Adds a data set; its name must not be taken.</summary>
    public static void Register(DatasetDescription dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        lock (s_lock)
        {
            if (s_datasets.Any(d => d.Name == dataset.Name))
                throw new ArgumentException($"A data set named '{dataset.Name}' is already registered.");
            s_datasets.Add(dataset);
        }
    }

    /// <summary>The data set of that name, or null.</summary>
    public static DatasetDescription? Find(string name)
    {
        lock (s_lock) return s_datasets.FirstOrDefault(d => d.Name == name);
    }

    /// <summary>The data set of that name; an unknown one throws <see cref="ArgumentException"/> listing the
    /// known.</summary>
    public static DatasetDescription Get(string name) => Find(name)
        ?? throw new ArgumentException($"Unknown dataset '{name}' (expected {string.Join(" or ", Names)}).");
}
