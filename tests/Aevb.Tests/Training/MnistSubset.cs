using System.IO.Compression;

namespace Aevb.Tests.Training;

/// <summary>
/// The first images of MNIST as floats in [0, 1] for training tests, from AEVB_DATA_DIR or ../shared/data.
/// A minimal private IDX reader: to be replaced by Aevb.Data once that lands on main.
/// </summary>
internal static class MnistSubset
{
    public static string DataDirectory()
    {
        var env = Environment.GetEnvironmentVariable("AEVB_DATA_DIR");
        if (!string.IsNullOrWhiteSpace(env)) return env;
        var shared = Path.GetFullPath(Path.Combine(RepoRoot.Find(), "..", "shared", "data"));
        if (Directory.Exists(shared)) return shared;
        throw new InvalidOperationException("MNIST not found: set AEVB_DATA_DIR to the folder with train-images-idx3-ubyte.gz (or place ../shared/data beside the repository).");
    }

    /// <summary>The first <paramref name="count"/> training images, <c>[count, 784]</c> row-major.</summary>
    public static float[] Train(int count) => Read("train-images-idx3-ubyte.gz", count);

    public static float[] Test(int count) => Read("t10k-images-idx3-ubyte.gz", count);

    private static float[] Read(string file, int count)
    {
        using var gz = new GZipStream(File.OpenRead(Path.Combine(DataDirectory(), file)), CompressionMode.Decompress);
        var header = new byte[16];
        gz.ReadExactly(header);
        var pixels = new byte[count * 784];
        gz.ReadExactly(pixels);
        return pixels.Select(p => p / 255f).ToArray();
    }
}
