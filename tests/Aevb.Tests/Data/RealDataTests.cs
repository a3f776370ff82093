using Aevb.Data;

namespace Aevb.Tests.Data;

/// <summary>Loads the real MNIST splits once for the tests that inspect them.</summary>
public sealed class MnistFixture
{
    public Dataset Train { get; } = Mnist.Load(DataSplit.Train, dataDirectory: TestData.Directory);
    public Dataset Test { get; } = Mnist.Load(DataSplit.Test, dataDirectory: TestData.Directory);
}

public class MnistTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void CountsAndShape()
    {
        Assert.Equal(60000, mnist.Train.Count);
        Assert.Equal(10000, mnist.Test.Count);
        Assert.Equal(784, mnist.Train.Features);
        Assert.Equal(60000 * 784, mnist.Train.X.Length);
        Assert.Equal((28, 28), (mnist.Train.ImageHeight, mnist.Train.ImageWidth));
        Assert.Equal("mnist-train", mnist.Train.Name);
        Assert.Equal("mnist-test", mnist.Test.Name);
    }

    [Fact]
    public void TrainLabelCounts()
    {
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], mnist.Train.LabelCounts());
        Assert.Equal(10000, mnist.Test.LabelCounts().Sum());
        Assert.Equal(10, mnist.Test.LabelCounts().Length);
    }

    [Fact]
    public void IntensitiesAreScaledToUnitInterval()
    {
        double sum = 0;
        float min = float.MaxValue, max = float.MinValue;
        foreach (var v in mnist.Train.X)
        {
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        var mean = sum / mnist.Train.X.Length;
        Assert.Equal(33.318 / 255, mean, 0.0005 / 255);
        Assert.Equal(0f, min);
        Assert.Equal(1f, max); // 255 / 255 exactly
        // Values are k/255 for integer k.
        Assert.All(mnist.Train.X.AsSpan(0, 784 * 10).ToArray(), v => Assert.Equal(Math.Round(v * 255.0), v * 255.0, 1e-4));
    }

    [Fact]
    public void FirstTrainingImageIsAFive()
    {
        // The first MNIST training image is the well-known "5".
        Assert.Equal(5, mnist.Train.Labels![0]);
        Assert.Equal(7, mnist.Test.Labels![0]);
    }

    [Fact]
    public void StaticBinarizationIsSeededPerSplit()
    {
        var a = Mnist.Load(DataSplit.Test, Binarization.Static, seed: 1, dataDirectory: TestData.Directory);
        var b = Mnist.Load(DataSplit.Test, Binarization.Static, seed: 1, dataDirectory: TestData.Directory);
        var c = Mnist.Load(DataSplit.Test, Binarization.Static, seed: 2, dataDirectory: TestData.Directory);
        Assert.Equal(a.X, b.X);
        Assert.NotEqual(a.X, c.X);
        Assert.All(a.X, v => Assert.True(v is 0f or 1f));
        Assert.Equal(mnist.Test.Labels, a.Labels);
        // Mean of the binary images is close to the mean intensity (about 0.13).
        Assert.Equal(mnist.Test.X.Average(), a.X.Average(), 0.002);

        var dynamic = Mnist.Load(DataSplit.Test, Binarization.Dynamic, dataDirectory: TestData.Directory);
        Assert.Equal(Binarization.Dynamic, dynamic.Binarization);
        Assert.Equal(mnist.Test.X, dynamic.X);
    }

    [Fact]
    public void RawAndGzipFilesLoadTheSame()
    {
        using var dir = new TempDir();
        foreach (var name in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            var idx = IdxFile.Read(Path.Combine(TestData.Directory, name + ".gz"));
            File.WriteAllBytes(dir.File(name), idx.Content);
        }
        var raw = Mnist.Load(DataSplit.Test, dataDirectory: dir.Path);
        Assert.Equal(mnist.Test.X, raw.X);
        Assert.Equal(mnist.Test.Labels, raw.Labels);
    }
}

public class FreyFaceTests
{
    [Fact]
    public void ShapeAndRange()
    {
        var frey = FreyFace.LoadAll(TestData.Directory);
        Assert.Equal(1965, frey.Count);
        Assert.Equal(560, frey.Features);
        Assert.Equal((28, 20), (frey.ImageHeight, frey.ImageWidth));
        Assert.Null(frey.Labels);
        Assert.Equal(8f / 255f, frey.X.Min());
        Assert.Equal(238f / 255f, frey.X.Max());
    }

    [Fact]
    public void SplitIsFixedDisjointAndComplete()
    {
        var all = FreyFace.LoadAll(TestData.Directory);
        var train = FreyFace.Load(DataSplit.Train, TestData.Directory);
        var test = FreyFace.Load(DataSplit.Test, TestData.Directory);
        Assert.Equal(1775, train.Count);
        Assert.Equal(190, test.Count);
        Assert.Equal(FreyFace.TrainCount, train.Count);
        Assert.Equal(FreyFace.TestCount, test.Count);
        Assert.Equal("frey-train", train.Name);
        Assert.Equal("frey-test", test.Name);

        var testIdx = FreyFace.SplitIndices(DataSplit.Test);
        var trainIdx = FreyFace.SplitIndices(DataSplit.Train);
        Assert.Equal(Enumerable.Range(0, 1965), testIdx.Concat(trainIdx).Order());
        Assert.Equal([90, 91, 92, 93, 94, 95, 96, 97, 98, 99], testIdx.Take(10));
        Assert.Equal(1899, testIdx[^1]);

        // Rows are the right frames, in recording order.
        Assert.Equal(all.Row(90).ToArray(), test.Row(0).ToArray());
        Assert.Equal(all.Row(1899).ToArray(), test.Row(189).ToArray());
        Assert.Equal(all.Row(89).ToArray(), train.Row(89).ToArray());
        Assert.Equal(all.Row(100).ToArray(), train.Row(90).ToArray());
        Assert.Equal(all.Row(1964).ToArray(), train.Row(1774).ToArray());
    }

    /// <summary>The ablation splits keep 1775 / 190 frames; the random one is the seed's, the tail the last
    /// 190.</summary>
    [Fact]
    public void FreyFaceOtherSplitsKeepTheSizesAndDifferAsTheySay()
    {
        foreach (var kind in Enum.GetValues<FreySplit>())
        {
            var test = FreyFace.SplitIndices(DataSplit.Test, kind, seed: 1);
            var train = FreyFace.SplitIndices(DataSplit.Train, kind, seed: 1);
            Assert.Equal((FreyFace.TrainCount, FreyFace.TestCount), (train.Length, test.Length));
            Assert.Equal(Enumerable.Range(0, 1965), test.Concat(train).Order());
            Assert.Equal(test.Order(), test);
        }
        Assert.Equal(FreyFace.SplitIndices(DataSplit.Test), FreyFace.SplitIndices(DataSplit.Test, FreySplit.Blocks, 5));
        Assert.Equal(Enumerable.Range(1775, 190), FreyFace.SplitIndices(DataSplit.Test, FreySplit.Tail, 1));
        var random = FreyFace.SplitIndices(DataSplit.Test, FreySplit.Random, 1);
        Assert.Equal(random, FreyFace.SplitIndices(DataSplit.Test, FreySplit.Random, 1));
        Assert.NotEqual(random, FreyFace.SplitIndices(DataSplit.Test, FreySplit.Random, 2));
        // Spread over the whole recording, not in runs of ten: most test frames have a training neighbour.
        Assert.True(random.Count(i => !random.Contains(i - 1) || !random.Contains(i + 1)) > 150);

        var all = FreyFace.LoadAll(TestData.Directory);
        var tail = FreyFace.Load(DataSplit.Test, FreySplit.Tail, 1, TestData.Directory);
        Assert.Equal(all.Row(1775).ToArray(), tail.Row(0).ToArray());
        Assert.Equal("frey-test", tail.Name);
    }
}
