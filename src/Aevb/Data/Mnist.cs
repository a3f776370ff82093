using Aevb.Tensors;

namespace Aevb.Data;

/// <summary>
/// MNIST (60000 train, 10000 test images of 28 x 28 pixels): rows of 784 floats in [0, 1]
/// (pixel / 255) with labels 0..9. Used as Bernoulli means by default (our choice: the paper does not say whether it binarized);
/// static or dynamic binarization on request.
/// </summary>
public static class Mnist
{
    public const string DatasetName = "mnist";
    public const int ImageHeight = 28;
    public const int ImageWidth = 28;
    public const int Features = ImageHeight * ImageWidth;
    public const int TrainCount = 60000;
    public const int TestCount = 10000;

    /// <summary>
    /// Loads one split. Files are found in <paramref name="dataDirectory"/> when given, else in
    /// <c>AEVB_DATA_DIR</c>, else in the repository's <c>data/cache</c>.
    /// </summary>
    /// <param name="binarization">None (default), Static (sampled once with <paramref name="seed"/>), or Dynamic (flagged; resample per minibatch).</param>
    /// <param name="seed">
    /// Static binarization seed. The train and test splits use independent streams derived from it:
    /// <c>new Rng(seed)</c> forked once for train and a second time for test.
    /// </param>
    /// <param name="verify">Check the SHA-256 of each file against the manifest (about 0.1 s for the training images).</param>
    public static Dataset Load(DataSplit split, Binarization binarization = Binarization.None, ulong seed = 0,
        string? dataDirectory = null, bool verify = true)
    {
        var (imagesName, labelsName) = FileNames(split);
        var manifest = DataManifest.Default;
        var images = DataFiles.Load(manifest.FindFile(imagesName), dataDirectory, verify);
        var labels = DataFiles.Load(manifest.FindFile(labelsName), dataDirectory, verify);
        return FromIdx(images, labels, split, binarization, seed);
    }

    /// <summary>The 60000 training images.</summary>
    public static Dataset Train(Binarization binarization = Binarization.None, ulong seed = 0, string? dataDirectory = null)
        => Load(DataSplit.Train, binarization, seed, dataDirectory);

    /// <summary>The 10000 test images.</summary>
    public static Dataset Test(Binarization binarization = Binarization.None, ulong seed = 0, string? dataDirectory = null)
        => Load(DataSplit.Test, binarization, seed, dataDirectory);

    /// <summary>The IDX file names of a split (images, labels).</summary>
    public static (string Images, string Labels) FileNames(DataSplit split) => split == DataSplit.Train
        ? ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
        : ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /// <summary>Builds the data set from already-read IDX arrays (images <c>[N, 28, 28]</c>, labels <c>[N]</c>).</summary>
    public static Dataset FromIdx(IdxArray images, IdxArray labels, DataSplit split,
        Binarization binarization = Binarization.None, ulong seed = 0)
    {
        if (images.Shape.Length != 3 || images.Shape[1] != ImageHeight || images.Shape[2] != ImageWidth)
            throw new ArgumentException($"MNIST images must be N x 28 x 28, not {IdxFile.FormatShape(images.Shape)}.", nameof(images));
        if (labels.Shape.Length != 1 || labels.Count != images.Count)
            throw new ArgumentException($"{IdxFile.FormatShape(labels.Shape)} labels for {images.Count} images.", nameof(labels));
        var labelBytes = labels.Data.ToArray();
        foreach (var l in labelBytes)
            if (l > 9) throw new ArgumentException($"MNIST label {l} is outside 0..9.", nameof(labels));

        var name = $"{DatasetName}-{split.ToString().ToLowerInvariant()}";
        var data = new Dataset(name, Dataset.ToUnitFloats(images.Data), images.Count, Features, labelBytes, ImageHeight, ImageWidth);
        return binarization switch
        {
            Binarization.None => data,
            Binarization.Dynamic => data.WithDynamicBinarization(),
            Binarization.Static => data.BinarizeStatic(StaticRng(seed, split)),
            _ => throw new ArgumentOutOfRangeException(nameof(binarization)),
        };
    }

    private static Rng StaticRng(ulong seed, DataSplit split)
    {
        var root = new Rng(seed);
        var train = root.Fork();
        return split == DataSplit.Train ? train : root.Fork();
    }
}
