using Aevb.Tensors;

namespace Aevb.Data;

/// <summary>
/// A data set in memory: <see cref="Count"/> rows of <see cref="Features"/> float32 values in one
/// contiguous row-major array <see cref="X"/> (<c>[N, D]</c>, batch-major like the engine), values
/// in [0, 1], optional labels, and the image size for display. Minibatches are copied out of
/// <see cref="X"/> with <see cref="CopyRows"/> / <see cref="CopyBatch"/>.
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, float[] x, int count, int features, byte[]? labels = null,
        int imageHeight = 0, int imageWidth = 0, Binarization binarization = Binarization.None)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        if (x.Length != (long)count * features)
            throw new ArgumentException($"X has {x.Length} values; {count} x {features} needs {(long)count * features}.", nameof(x));
        if (labels is not null && labels.Length != count)
            throw new ArgumentException($"{labels.Length} labels for {count} rows.", nameof(labels));
        if (imageHeight * imageWidth != 0 && imageHeight * imageWidth != features)
            throw new ArgumentException($"Image size {imageHeight} x {imageWidth} does not match {features} features.");
        Name = name;
        X = x;
        Count = count;
        Features = features;
        Labels = labels;
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
        Binarization = binarization;
    }

    /// <summary>E.g. <c>mnist-train</c>, <c>frey-test</c>.</summary>
    public string Name { get; }

    /// <summary>Number of rows (data points), N.</summary>
    public int Count { get; }

    /// <summary>Values per row, D (784 for MNIST, 560 for Frey Face).</summary>
    public int Features { get; }

    /// <summary><c>[Count, Features]</c>, row-major. Shared, not copied: treat as read-only.</summary>
    public float[] X { get; }

    /// <summary>Class labels (0..9 for MNIST), or null.</summary>
    public byte[]? Labels { get; }

    public int ImageHeight { get; }
    public int ImageWidth { get; }

    /// <summary>
    /// <see cref="Binarization.Dynamic"/>: <see cref="X"/> holds intensities and every minibatch
    /// must be resampled (<see cref="CopyBatch"/> does it). <see cref="Binarization.Static"/>:
    /// <see cref="X"/> is already binary.
    /// </summary>
    public Binarization Binarization { get; }

    /// <summary>Row <paramref name="index"/> (a view into <see cref="X"/>).</summary>
    public ReadOnlySpan<float> Row(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        return X.AsSpan(index * Features, Features);
    }

    /// <summary>All rows as a <c>[Count, Features]</c> tensor sharing <see cref="X"/> (no copy).</summary>
    public Tensor AsTensor() => new(Count, Features, X);

    /// <summary>
    /// Gathers the rows <paramref name="indices"/> into <paramref name="destination"/>
    /// (<c>[indices.Length, Features]</c>, row-major). No allocation.
    /// </summary>
    public void CopyRows(ReadOnlySpan<int> indices, Span<float> destination)
    {
        var d = Features;
        if (destination.Length < indices.Length * d)
            throw new ArgumentException($"Destination holds {destination.Length} values; {indices.Length} rows need {indices.Length * d}.", nameof(destination));
        var x = X.AsSpan();
        for (var i = 0; i < indices.Length; i++)
        {
            var r = indices[i];
            if ((uint)r >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"Row {r} is outside 0..{Count - 1}.");
            x.Slice(r * d, d).CopyTo(destination.Slice(i * d, d));
        }
    }

    /// <summary>
    /// <see cref="CopyRows"/> and, for <see cref="Binarization.Dynamic"/>, a fresh Bernoulli sample
    /// of the copied rows drawn from <paramref name="rng"/>. No allocation. This is the call a trainer
    /// makes for each minibatch.
    /// </summary>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> destination, Rng rng)
    {
        CopyRows(indices, destination);
        if (Binarization == Binarization.Dynamic)
            Binarizer.SampleInPlace(destination[..(indices.Length * Features)], rng);
    }

    /// <summary>The first <paramref name="count"/> rows, copied (e.g. MNIST with N_train = 1000 for Figure 3).</summary>
    public Dataset Take(int count)
    {
        if ((uint)count > (uint)Count) throw new ArgumentOutOfRangeException(nameof(count), $"Only {Count} rows.");
        return Slice(0, count);
    }

    /// <summary>Rows <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> − 1, copied.</summary>
    public Dataset Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count) throw new ArgumentOutOfRangeException(nameof(count), $"Rows {start}..{start + count - 1} are outside 0..{Count - 1}.");
        var x = X.AsSpan(start * Features, count * Features).ToArray();
        var labels = Labels?.AsSpan(start, count).ToArray();
        return new Dataset(Name, x, count, Features, labels, ImageHeight, ImageWidth, Binarization);
    }

    /// <summary>The rows <paramref name="indices"/>, in that order, copied.</summary>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        var x = new float[indices.Length * Features];
        CopyRows(indices, x);
        byte[]? labels = null;
        if (Labels is not null)
        {
            labels = new byte[indices.Length];
            for (var i = 0; i < indices.Length; i++) labels[i] = Labels[indices[i]];
        }
        return new Dataset(Name, x, indices.Length, Features, labels, ImageHeight, ImageWidth, Binarization);
    }

    /// <summary><paramref name="count"/> distinct rows chosen uniformly at random with <paramref name="seed"/> (in random order).</summary>
    public Dataset Sample(int count, ulong seed)
    {
        if ((uint)count > (uint)Count) throw new ArgumentOutOfRangeException(nameof(count), $"Only {Count} rows.");
        var order = new int[Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        new Rng(seed).Shuffle(order);
        return Subset(order.AsSpan(0, count));
    }

    /// <summary>
    /// A binary copy: every value replaced by a Bernoulli sample with that mean, drawn from
    /// <c>new Rng(seed)</c> in row-major order (static binarization).
    /// </summary>
    public Dataset BinarizeStatic(ulong seed) => BinarizeStatic(new Rng(seed));

    /// <inheritdoc cref="BinarizeStatic(ulong)"/>
    public Dataset BinarizeStatic(Rng rng)
    {
        var x = new float[X.Length];
        Binarizer.Sample(X, x, rng);
        return new Dataset(Name, x, Count, Features, Labels, ImageHeight, ImageWidth, Binarization.Static);
    }

    /// <summary>The same data flagged for per-minibatch resampling (shares <see cref="X"/>).</summary>
    public Dataset WithDynamicBinarization()
        => new(Name, X, Count, Features, Labels, ImageHeight, ImageWidth, Binarization.Dynamic);

    /// <summary>How many rows carry each label 0..max (empty without labels).</summary>
    public int[] LabelCounts()
    {
        if (Labels is null) return [];
        var counts = new int[Labels.Length == 0 ? 0 : Labels.Max() + 1];
        foreach (var l in Labels) counts[l]++;
        return counts;
    }

    public override string ToString()
    {
        var image = ImageHeight > 0 ? $" ({ImageHeight} x {ImageWidth} images)" : "";
        var bin = Binarization == Binarization.None ? "" : $", {Binarization.ToString().ToLowerInvariant()} binarization";
        return $"{Name}: {Count} x {Features}{image}{(Labels is null ? "" : ", labelled")}{bin}";
    }

    /// <summary>Pixels 0..255 to floats in [0, 1] (divided by 255, correctly rounded, so 255 maps to exactly 1).</summary>
    internal static float[] ToUnitFloats(ReadOnlySpan<byte> pixels)
    {
        var x = new float[pixels.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<byte, float>(pixels, x);
        System.Numerics.Tensors.TensorPrimitives.Divide(x, 255f, x);
        return x;
    }
}
