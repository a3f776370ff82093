using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using Aevb.IO;

namespace Aevb.Plotting;

/// <summary>
/// A grid of grayscale images (MNIST 28x28, Frey Face 28x20 samples, reconstructions, manifolds),
/// like torchvision's <c>make_grid</c>: images row by row, <see cref="Padding"/> pixels of
/// <see cref="PadValue"/> around and between them, each pixel enlarged <see cref="Scale"/> times.
/// Values in [0, 1] map to black..white (outside values are clamped, NaN shows black), or each
/// image is stretched to its own min..max with <c>normalize</c>.
/// </summary>
/// <remarks>
/// Encoded as PNG by <see cref="Png"/>. Labels and the title appear in the HTML form (as captions
/// under each image / the grid); the PNG holds pixels only, so it stays exact and small.
/// In notebooks it displays through <see cref="Aevb.Display.ImageGridFormatterSource"/>.
/// </remarks>
[Aevb.Display.TypeFormatterSource(typeof(Aevb.Display.ImageGridFormatterSource),
    PreferredMimeTypes = new[] { "text/html", "image/png", "text/plain" })]
public sealed class ImageGrid
{
    private readonly ImmutableArray<byte[]> _images;   // each ImageHeight*ImageWidth grey bytes
    private byte[]? _pixels;
    private byte[]? _png;

    /// <summary>
    /// A grid of <paramref name="images"/>, each a row-major buffer of <paramref name="imageHeight"/> x
    /// <paramref name="imageWidth"/> values, <paramref name="columns"/> per row (fewer if there are fewer images).
    /// </summary>
    public ImageGrid(IEnumerable<float[]> images, int imageHeight, int imageWidth, int columns = 10, int scale = 2,
        int padding = 2, IEnumerable<string?>? labels = null, string? title = null, float padValue = 1f, bool normalize = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (imageHeight <= 0 || imageWidth <= 0)
            throw new ArgumentOutOfRangeException(nameof(imageHeight), $"ImageGrid: image size must be positive, got {imageHeight}x{imageWidth}.");
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), $"ImageGrid: columns must be positive, got {columns}.");
        if (scale is < 1 or > 32) throw new ArgumentOutOfRangeException(nameof(scale), $"ImageGrid: scale must be 1..32, got {scale}.");
        if (padding is < 0 or > 64) throw new ArgumentOutOfRangeException(nameof(padding), $"ImageGrid: padding must be 0..64, got {padding}.");
        int size = imageHeight * imageWidth;
        var list = images.ToList();
        if (list.Count == 0) throw new ArgumentException("ImageGrid: there are no images.", nameof(images));
        var converted = ImmutableArray.CreateBuilder<byte[]>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            var image = list[i] ?? throw new ArgumentException($"ImageGrid: image #{i} is null.", nameof(images));
            if (image.Length != size)
                throw new ArgumentException(
                    $"ImageGrid: image #{i} has {image.Length} values but {imageHeight}x{imageWidth} images need {size}.", nameof(images));
            converted.Add(ToGray(image, normalize));
        }
        _images = converted.MoveToImmutable();

        var labelList = labels?.ToImmutableArray() ?? ImmutableArray<string?>.Empty;
        if (!labelList.IsEmpty && labelList.Length != list.Count)
            throw new ArgumentException($"ImageGrid: {labelList.Length} labels for {list.Count} images; give one label per image.", nameof(labels));

        Count = list.Count;
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
        Columns = Math.Min(columns, Count);
        Rows = (Count + Columns - 1) / Columns;
        Scale = scale;
        Padding = padding;
        PadValue = Math.Clamp(padValue, 0f, 1f);
        Labels = labelList;
        Title = title;
    }

    /// <summary>
    /// A grid from a batch-major buffer of shape [count, imageHeight * imageWidth] (how datasets and
    /// decoders hand out images); count is <c>batch.Length / (imageHeight * imageWidth)</c>.
    /// </summary>
    public static ImageGrid FromBatch(float[] batch, int imageHeight, int imageWidth, int columns = 10, int scale = 2,
        int padding = 2, IEnumerable<string?>? labels = null, string? title = null, float padValue = 1f, bool normalize = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int size = imageHeight * imageWidth;
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(imageHeight), $"ImageGrid: image size must be positive, got {imageHeight}x{imageWidth}.");
        if (batch.Length % size != 0)
            throw new ArgumentException($"ImageGrid.FromBatch: {batch.Length} values is not a whole number of {imageHeight}x{imageWidth} images.", nameof(batch));
        var images = Enumerable.Range(0, batch.Length / size).Select(i => batch.AsSpan(i * size, size).ToArray());
        return new ImageGrid(images, imageHeight, imageWidth, columns, scale, padding, labels, title, padValue, normalize);
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }
    /// <summary>Height of one image in source pixels.</summary>
    public int ImageHeight { get; }
    /// <summary>Width of one image in source pixels.</summary>
    public int ImageWidth { get; }
    /// <summary>Images per row.</summary>
    public int Columns { get; }
    /// <summary>Rows of images.</summary>
    public int Rows { get; }
    /// <summary>Each source pixel becomes Scale x Scale output pixels.</summary>
    public int Scale { get; }
    /// <summary>Output pixels of padding around and between images.</summary>
    public int Padding { get; }
    /// <summary>Grey level of the padding in [0, 1] (1 = white).</summary>
    public float PadValue { get; }
    /// <summary>Per-image captions (empty when none); shown in the HTML form.</summary>
    public IReadOnlyList<string?> Labels { get; }
    /// <summary>Caption of the whole grid; shown in the HTML form.</summary>
    public string? Title { get; }
    /// <summary>Width of the composed image in pixels.</summary>
    public int PixelWidth => Columns * ImageWidth * Scale + (Columns + 1) * Padding;
    /// <summary>Height of the composed image in pixels.</summary>
    public int PixelHeight => Rows * ImageHeight * Scale + (Rows + 1) * Padding;

    /// <summary>Top-left output pixel of image <paramref name="index"/>.</summary>
    public (int X, int Y) CellOrigin(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"ImageGrid: no image #{index} (there are {Count}).");
        int r = index / Columns, c = index % Columns;
        return (Padding + c * (ImageWidth * Scale + Padding), Padding + r * (ImageHeight * Scale + Padding));
    }

    private static byte[] ToGray(float[] image, bool normalize)
    {
        float lo = 0, hi = 1;
        if (normalize)
        {
            lo = float.PositiveInfinity; hi = float.NegativeInfinity;
            foreach (var v in image)
                if (float.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            if (!(hi > lo)) { lo = float.IsFinite(lo) ? lo - 0.5f : 0; hi = lo + 1; }
        }
        var gray = new byte[image.Length];
        float span = hi - lo;
        for (int i = 0; i < image.Length; i++)
        {
            float v = (image[i] - lo) / span;
            gray[i] = float.IsNaN(v) ? (byte)0 : (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);
        }
        return gray;
    }

    /// <summary>The composed grid as 8-bit grey pixels, row-major, <see cref="PixelWidth"/> x <see cref="PixelHeight"/>.</summary>
    public byte[] ToGrayPixels() => (byte[])Compose().Clone();

    private byte[] Compose()
    {
        if (_pixels is not null) return _pixels;
        int width = PixelWidth, height = PixelHeight;
        var pixels = new byte[width * height];
        Array.Fill(pixels, (byte)MathF.Round(PadValue * 255f));
        for (int i = 0; i < Count; i++)
        {
            var (x0, y0) = CellOrigin(i);
            var image = _images[i];
            for (int y = 0; y < ImageHeight * Scale; y++)
            {
                int srcRow = (y / Scale) * ImageWidth;
                int dst = (y0 + y) * width + x0;
                for (int x = 0; x < ImageWidth * Scale; x++)
                    pixels[dst + x] = image[srcRow + x / Scale];
            }
        }
        return _pixels = pixels;
    }

    /// <summary>The grid as a greyscale PNG.</summary>
    public byte[] ToPng() => (byte[])(_png ??= Png.Encode(Compose(), PixelWidth, PixelHeight, PngColorType.Gray)).Clone();

    /// <summary>The PNG as base64 (no data: prefix), the form notebooks store image/png outputs in.</summary>
    public string ToBase64Png() => Convert.ToBase64String(_png ??= Png.Encode(Compose(), PixelWidth, PixelHeight, PngColorType.Gray));

    /// <summary>Writes the PNG to <paramref name="path"/> atomically.</summary>
    public void SavePng(string path) => AtomicFile.WriteAllBytes(path, ToPng());

    /// <summary>
    /// HTML for a notebook output: the grid PNG as a data URL with the title as caption; with labels,
    /// a CSS grid of the images, each with its label underneath.
    /// </summary>
    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append("<figure class=\"aevb-image-grid\" style=\"margin:0;display:inline-block\">");
        if (Labels.Count == 0)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"<img src=\"data:image/png;base64,{ToBase64Png()}\" width=\"{PixelWidth}\" height=\"{PixelHeight}\" style=\"image-rendering:pixelated\" alt=\"{WebUtility.HtmlEncode(Describe())}\">");
        }
        else
        {
            int cellW = ImageWidth * Scale, cellH = ImageHeight * Scale;
            var pad = (byte)MathF.Round(PadValue * 255f);
            sb.Append(CultureInfo.InvariantCulture,
                $"<div style=\"display:grid;grid-template-columns:repeat({Columns},{cellW}px);gap:{Math.Max(Padding, 2)}px;padding:{Padding}px;background:rgb({pad},{pad},{pad})\">");
            for (int i = 0; i < Count; i++)
            {
                var png = Convert.ToBase64String(Png.Encode(_images[i], ImageWidth, ImageHeight, PngColorType.Gray));
                var label = WebUtility.HtmlEncode(Labels[i] ?? "");
                sb.Append("<figure style=\"margin:0;text-align:center\">");
                sb.Append(CultureInfo.InvariantCulture,
                    $"<img src=\"data:image/png;base64,{png}\" width=\"{cellW}\" height=\"{cellH}\" style=\"image-rendering:pixelated;display:block\" alt=\"{label}\">");
                sb.Append("<figcaption style=\"font:11px/1.3 sans-serif;color:#222;background:#fff\">").Append(label).Append("</figcaption></figure>");
            }
            sb.Append("</div>");
        }
        if (Title is not null)
            sb.Append("<figcaption style=\"font:13px sans-serif;text-align:center;padding-top:4px\">").Append(WebUtility.HtmlEncode(Title)).Append("</figcaption>");
        sb.Append("</figure>");
        return sb.ToString();
    }

    private string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Count} images of {ImageHeight}x{ImageWidth} in {Rows}x{Columns}");

    /// <summary>A one-line description (the text/plain form in notebooks).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ImageGrid{(Title is null ? "" : $" '{Title}'")}: {Describe()} grid, {PixelWidth}x{PixelHeight} px{(Labels.Count > 0 ? ", labelled" : "")}");
}
