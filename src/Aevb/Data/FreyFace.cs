namespace Aevb.Data;

/// <summary>
/// Frey Face: 1965 consecutive video frames of one face, 28 x 20 pixels, as rows of 560 floats
/// in [0, 1] (pixel / 255), continuous values for the Gaussian decoder.
/// </summary>
/// <remarks>
/// <para><b>Train/test split</b> (the paper does not give one). Frame <c>i</c> (0-based) is a test
/// frame when <c>i % 100 &gt;= 90</c>: the last ten frames of every hundred, 190 test frames
/// (from 19 full blocks; the final partial block 1900..1964 is all training) and 1775 training
/// frames. Why not the simpler choices: the frames are a video, so neighbouring frames are
/// near-duplicates. A random split would put a near-copy of almost every test frame in the
/// training set and hide the over-fitting that Figure 2's test curves are meant to show; a
/// single tail block (say the last 200 frames) would test on only the final seconds of the
/// recording, a different mix of expressions. Runs of ten spread over the whole recording
/// avoid both. The split is fixed: no seed, the same everywhere (the two others, <see cref="FreySplit"/>, are
/// there for an ablation of this choice).</para>
/// </remarks>
public static class FreyFace
{
    public const string DatasetName = "frey";
    public const string FileName = "frey-faces-idx3-ubyte";
    public const int ImageHeight = 28;
    public const int ImageWidth = 20;
    public const int Features = ImageHeight * ImageWidth;
    public const int FrameCount = 1965;

    /// <summary>Length of the blocks the split is made in.</summary>
    public const int SplitBlock = 100;

    /// <summary>Frames at the end of each block that are test frames.</summary>
    public const int TestFramesPerBlock = 10;

    public static readonly int TestCount = CountTestFrames();
    public static readonly int TrainCount = FrameCount - TestCount;

    /// <summary>True when frame <paramref name="frame"/> (0-based) is in the test split.</summary>
    public static bool IsTestFrame(int frame) => frame % SplitBlock >= SplitBlock - TestFramesPerBlock;

    /// <summary>The frame indices of a split, ascending.</summary>
    public static int[] SplitIndices(DataSplit split, int frameCount = FrameCount)
        => Enumerable.Range(0, frameCount).Where(i => IsTestFrame(i) == (split == DataSplit.Test)).ToArray();

    /// <summary>
    /// The frame indices of a split of another kind (an ablation; <paramref name="seed"/> draws the
    /// <see cref="FreySplit.Random"/> one), ascending; as many test frames as ours.
    /// </summary>
    public static int[] SplitIndices(DataSplit split, FreySplit kind, ulong seed, int frameCount = FrameCount)
    {
        if (kind == FreySplit.Blocks) return SplitIndices(split, frameCount);
        var testCount = Enumerable.Range(0, frameCount).Count(IsTestFrame);
        var isTest = new bool[frameCount];
        if (kind == FreySplit.Tail)
            for (var i = frameCount - testCount; i < frameCount; i++) isTest[i] = true;
        else
        {
            var order = Enumerable.Range(0, frameCount).ToArray();
            new Tensors.Rng(seed).Shuffle(order);
            foreach (var i in order.AsSpan(0, testCount)) isTest[i] = true;
        }
        return Enumerable.Range(0, frameCount).Where(i => isTest[i] == (split == DataSplit.Test)).ToArray();
    }

    /// <summary>
    /// All 1965 frames in recording order. Files are found in <paramref name="dataDirectory"/> when
    /// given, else in <c>AEVB_DATA_DIR</c>, else in the repository's <c>data/cache</c>; either the IDX
    /// file (raw or gzip) or the original <c>frey_rawface.mat</c>.
    /// </summary>
    public static Dataset LoadAll(string? dataDirectory = null, bool verify = true)
    {
        var idx = DataFiles.Load(DataManifest.Default.FindFile(FileName), dataDirectory, verify);
        return FromIdx(idx);
    }

    /// <summary>The training (1775 frames) or test (190 frames) split; see the class remarks.</summary>
    public static Dataset Load(DataSplit split, string? dataDirectory = null, bool verify = true)
        => Split(LoadAll(dataDirectory, verify), split);

    /// <summary>A split of another kind (see <see cref="SplitIndices(DataSplit, FreySplit, ulong, int)"/>).</summary>
    public static Dataset Load(DataSplit split, FreySplit kind, ulong seed, string? dataDirectory = null)
    {
        var all = LoadAll(dataDirectory);
        return Named(all.Subset(SplitIndices(split, kind, seed, all.Count)), split);
    }

    public static Dataset Train(string? dataDirectory = null) => Load(DataSplit.Train, dataDirectory);
    public static Dataset Test(string? dataDirectory = null) => Load(DataSplit.Test, dataDirectory);

    /// <summary>Builds the full data set from an IDX array of shape <c>[N, 28, 20]</c>.</summary>
    public static Dataset FromIdx(IdxArray frames)
    {
        if (frames.Shape.Length != 3 || frames.Shape[1] != ImageHeight || frames.Shape[2] != ImageWidth)
            throw new ArgumentException($"Frey Face frames must be N x 28 x 20, not {IdxFile.FormatShape(frames.Shape)}.", nameof(frames));
        return new Dataset(DatasetName, Dataset.ToUnitFloats(frames.Data), frames.Count, Features, null, ImageHeight, ImageWidth);
    }

    /// <summary>The rows of <paramref name="all"/> (in recording order) that belong to <paramref name="split"/>.</summary>
    public static Dataset Split(Dataset all, DataSplit split)
        => Named(all.Subset(SplitIndices(split, all.Count)), split);

    private static Dataset Named(Dataset part, DataSplit split)
    {
        var name = $"{DatasetName}-{split.ToString().ToLowerInvariant()}";
        return new Dataset(name, part.X, part.Count, part.Features, null, ImageHeight, ImageWidth);
    }

    private static int CountTestFrames()
    {
        var n = 0;
        for (var i = 0; i < FrameCount; i++) if (IsTestFrame(i)) n++;
        return n;
    }
}
