using Aevb.Data;
using Aevb.Tensors;

namespace Aevb.Tests.Data;

public class DatasetTests
{
    private static Dataset Small(int n = 10, int d = 6)
    {
        var x = new float[n * d];
        for (var i = 0; i < x.Length; i++) x[i] = i / (float)x.Length;
        var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 3)).ToArray();
        return d == 6 ? new Dataset("toy", x, n, d, labels, 2, 3) : new Dataset("toy", x, n, d, labels);
    }

    [Fact]
    public void RowsAreContiguousRowMajor()
    {
        var ds = Small();
        Assert.Equal(ds.X.AsSpan(2 * 6, 6).ToArray(), ds.Row(2).ToArray());
        var t = ds.AsTensor();
        Assert.Same(ds.X, t.Data);
        Assert.True(t.HasShape(10, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Row(10));
    }

    [Fact]
    public void TakeSliceSubsetCopyRowsAndLabels()
    {
        var ds = Small();
        var take = ds.Take(4);
        Assert.Equal(4, take.Count);
        Assert.Equal(ds.X.AsSpan(0, 24).ToArray(), take.X);
        var labels = ds.Labels!;
        Assert.Equal(labels.AsSpan(0, 4).ToArray(), take.Labels);

        var slice = ds.Slice(3, 2);
        Assert.Equal(ds.Row(3).ToArray(), slice.Row(0).ToArray());
        Assert.Equal(labels[4], slice.Labels![1]);

        var sub = ds.Subset([9, 0, 9]);
        Assert.Equal(ds.Row(9).ToArray(), sub.Row(0).ToArray());
        Assert.Equal(ds.Row(0).ToArray(), sub.Row(1).ToArray());
        Assert.Equal(new byte[] { labels[9], labels[0], labels[9] }, sub.Labels);

        var batch = new float[2 * 6];
        ds.CopyRows([5, 1], batch);
        Assert.Equal(ds.Row(5).ToArray().Concat(ds.Row(1).ToArray()), batch);

        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Take(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.CopyRows([10], batch));
        Assert.Throws<ArgumentException>(() => ds.CopyRows([1, 2, 3], batch));
    }

    [Fact]
    public void SampleIsSeededAndDistinct()
    {
        var ds = Small(50, 2);
        var a = ds.Sample(20, seed: 7);
        var b = ds.Sample(20, seed: 7);
        var c = ds.Sample(20, seed: 8);
        Assert.Equal(a.X, b.X);
        Assert.NotEqual(a.X, c.X);
        var firstValues = Enumerable.Range(0, 20).Select(i => a.Row(i)[0]).ToList();
        Assert.Equal(20, firstValues.Distinct().Count());
    }

    [Fact]
    public void LabelCounts()
    {
        Assert.Equal([4, 3, 3], Small().LabelCounts());
    }

    [Fact]
    public void ConstructorChecksShapes()
    {
        Assert.Throws<ArgumentException>(() => new Dataset("x", new float[5], 2, 3));
        Assert.Throws<ArgumentException>(() => new Dataset("x", new float[6], 2, 3, labels: [1]));
        Assert.Throws<ArgumentException>(() => new Dataset("x", new float[6], 2, 3, imageHeight: 2, imageWidth: 2));
    }
}

public class BinarizationTests
{
    private static Dataset Intensities(int n = 2000, int d = 50)
    {
        var rng = new Rng(1);
        var x = new float[n * d];
        rng.FillUniform(x);
        for (var j = 0; j < d; j += 10) { x[j] = 0f; x[j + 1] = 1f; } // exact 0 and 1 in row 0
        return new Dataset("toy", x, n, d);
    }

    [Fact]
    public void StaticIsBinarySeededAndUnbiased()
    {
        var ds = Intensities();
        var a = ds.BinarizeStatic(42);
        var b = ds.BinarizeStatic(42);
        var c = ds.BinarizeStatic(43);
        Assert.Equal(Binarization.Static, a.Binarization);
        Assert.All(a.X, v => Assert.True(v is 0f or 1f));
        Assert.Equal(a.X, b.X);
        Assert.NotEqual(a.X, c.X);
        Assert.Contains(ds.X, v => v is > 0f and < 1f);

        // E[x_bin] = intensity: the mean difference over 100k Bernoulli draws is within 5 standard errors.
        double diff = 0, variance = 0;
        for (var i = 0; i < ds.X.Length; i++)
        {
            diff += a.X[i] - ds.X[i];
            variance += ds.X[i] * (1 - ds.X[i]);
        }
        Assert.True(Math.Abs(diff) < 5 * Math.Sqrt(variance), $"sum of (x_bin - p) = {diff}, sd {Math.Sqrt(variance)}");

        // Intensity 0 never fires, intensity 1 always does.
        for (var j = 0; j < 50; j += 10)
        {
            Assert.Equal(0f, a.X[j]);
            Assert.Equal(1f, a.X[j + 1]);
        }
    }

    [Fact]
    public void DynamicResamplesEachBatchWithoutAllocating()
    {
        var ds = Intensities().WithDynamicBinarization();
        Assert.Equal(Binarization.Dynamic, ds.Binarization);
        var original = (float[])ds.X.Clone();
        int[] indices = [3, 7, 11, 0];
        var batch1 = new float[indices.Length * ds.Features];
        var batch2 = new float[batch1.Length];
        var rng = new Rng(5);

        ds.CopyBatch(indices, batch1, rng); // warm up (JIT) before measuring allocation
        var before = GC.GetAllocatedBytesForCurrentThread();
        ds.CopyBatch(indices, batch1, rng);
        ds.CopyBatch(indices, batch2, rng);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.All(batch1, v => Assert.True(v is 0f or 1f));
        Assert.NotEqual(batch1, batch2);
        Assert.Equal(original, ds.X); // the data set keeps its intensities

        // Same seed, same batches.
        var again = new float[batch1.Length];
        var rng2 = new Rng(5);
        ds.CopyBatch(indices, again, rng2);
        ds.CopyBatch(indices, again, rng2);
        Assert.Equal(batch1, again);
    }

    [Fact]
    public void DynamicBatchMeanConvergesToIntensity()
    {
        var ds = Intensities(4, 50).WithDynamicBinarization();
        var rng = new Rng(9);
        var batch = new float[ds.Count * ds.Features];
        var sums = new double[batch.Length];
        int[] all = [0, 1, 2, 3];
        const int draws = 4000;
        for (var k = 0; k < draws; k++)
        {
            ds.CopyBatch(all, batch, rng);
            for (var i = 0; i < batch.Length; i++) sums[i] += batch[i];
        }
        for (var i = 0; i < batch.Length; i++)
        {
            var p = ds.X[i];
            var sd = Math.Sqrt(p * (1 - p) / draws);
            Assert.True(Math.Abs(sums[i] / draws - p) <= 5 * sd + 1e-9, $"element {i}: mean {sums[i] / draws}, p {p}");
        }
    }

    [Fact]
    public void NoneLeavesBatchesAsIntensities()
    {
        var ds = Intensities(5, 50);
        var batch = new float[50];
        ds.CopyBatch([2], batch, new Rng(1));
        Assert.Equal(ds.Row(2).ToArray(), batch);
    }

    [Fact]
    public void VectorisedUniformOverloadMatchesTheDefinition()
    {
        var rng = new Rng(3);
        var means = new float[1003];
        var uniforms = new float[1003];
        rng.FillUniform(means);
        rng.FillUniform(uniforms);
        means[0] = 0f; uniforms[0] = 0f;         // 0 < 0 is false: never fires
        means[1] = 1f; uniforms[1] = 0.99999994f; // largest float below 1: always fires
        var result = new float[1003];
        Binarizer.Sample(means, uniforms, result);
        for (var i = 0; i < means.Length; i++) Assert.Equal(uniforms[i] < means[i] ? 1f : 0f, result[i]);
        Assert.Equal(0f, result[0]);
        Assert.Equal(1f, result[1]);
    }
}
