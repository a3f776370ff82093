namespace Aevb.Plotting;

/// <summary>
/// Image sets compared item by item: for every run of <c>columns</c> items, one grid row from each set
/// (e.g. a row of data, then the row of their reconstructions under it), so each item's versions sit in one
/// column, one above the other.
/// </summary>
public static class ComparisonGrid
{
    /// <summary>
    /// An <see cref="ImageGrid"/> of <paramref name="sets"/>, each a batch-major buffer <c>[count, h·w]</c> with
    /// the same count. The rows run set 1, set 2, …, set 1, set 2, …; the last block may be shorter than
    /// <paramref name="columns"/>. <paramref name="rowLabels"/> (one per set, e.g. "data", "reconstruction")
    /// caption every image of that set in the HTML form.
    /// </summary>
    public static ImageGrid Create(IReadOnlyList<float[]> sets, int imageHeight, int imageWidth, int columns = 10, int scale = 2,
        int padding = 2, IReadOnlyList<string>? rowLabels = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0) throw new ArgumentException("ComparisonGrid: there are no image sets.", nameof(sets));
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), $"ComparisonGrid: columns must be positive, got {columns}.");
        if (rowLabels is not null && rowLabels.Count != sets.Count)
            throw new ArgumentException($"ComparisonGrid: {rowLabels.Count} row labels for {sets.Count} image sets.", nameof(rowLabels));
        var size = imageHeight * imageWidth;
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(imageHeight), $"ComparisonGrid: image size must be positive, got {imageHeight}x{imageWidth}.");
        var count = -1;
        for (var s = 0; s < sets.Count; s++)
        {
            var set = sets[s] ?? throw new ArgumentException($"ComparisonGrid: image set #{s + 1} is null.", nameof(sets));
            if (set.Length % size != 0)
                throw new ArgumentException($"ComparisonGrid: image set #{s + 1} has {set.Length} values, not a whole number of {imageHeight}x{imageWidth} images.", nameof(sets));
            var c = set.Length / size;
            if (count >= 0 && c != count)
                throw new ArgumentException($"ComparisonGrid: image set #{s + 1} has {c} images but set #1 has {count}; compare sets of the same size.", nameof(sets));
            count = c;
        }
        if (count == 0) throw new ArgumentException("ComparisonGrid: the image sets are empty.", nameof(sets));

        // A short last block would wrap into the next grid row; keep every row `columns` wide by using
        // the whole count as the width when there are fewer items than columns.
        var width = Math.Min(columns, count);
        var images = new List<float[]>();
        var labels = rowLabels is null ? null : new List<string?>();
        for (var start = 0; start < count; start += width)
        {
            var block = Math.Min(width, count - start);
            for (var s = 0; s < sets.Count; s++)
            {
                for (var i = 0; i < width; i++)
                {
                    // Pad a short last block with blank (padding-coloured) cells so the sets stay aligned.
                    images.Add(i < block ? sets[s].AsSpan((start + i) * size, size).ToArray() : Blank(size));
                    labels?.Add(i < block ? rowLabels![s] : null);
                }
            }
        }
        return new ImageGrid(images, imageHeight, imageWidth, width, scale, padding, labels, title);
    }

    private static float[] Blank(int size)
    {
        var b = new float[size];
        Array.Fill(b, 1f);
        return b;
    }
}
