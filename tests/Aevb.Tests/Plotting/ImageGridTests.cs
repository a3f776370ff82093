using Aevb.Plotting;

namespace Aevb.Tests.Plotting;

public class ImageGridTests
{
    // Image k has value (k + 1) / 32 everywhere except pixel (row 0, col 0), which is 1.
    private static float[][] Images(int count, int h, int w) => Enumerable.Range(0, count).Select(k =>
    {
        var img = Enumerable.Repeat((k + 1) / 32f, h * w).ToArray();
        img[0] = 1f;
        return img;
    }).ToArray();

    [Fact]
    public void Layout_counts_rows_columns_scale_and_padding()
    {
        var grid = new ImageGrid(Images(23, 28, 20), imageHeight: 28, imageWidth: 20, columns: 8, scale: 3, padding: 2);
        Assert.Equal((3, 8), (grid.Rows, grid.Columns));
        Assert.Equal(8 * 20 * 3 + 9 * 2, grid.PixelWidth);
        Assert.Equal(3 * 28 * 3 + 4 * 2, grid.PixelHeight);
        Assert.Equal((2, 2), grid.CellOrigin(0));
        Assert.Equal((2 + 62, 2 + 2 * 86), grid.CellOrigin(17));   // row 2, column 1
        Assert.Contains("23 images of 28x20 in 3x8", grid.ToString());
    }

    [Fact]
    public void Fewer_images_than_columns_make_one_short_row()
    {
        var grid = new ImageGrid(Images(3, 28, 28), 28, 28, columns: 10);
        Assert.Equal((1, 3), (grid.Rows, grid.Columns));
    }

    [Fact]
    public void Pixels_are_scaled_blocks_with_padding_around()
    {
        var grid = new ImageGrid(Images(5, 4, 3), 4, 3, columns: 2, scale: 2, padding: 1, padValue: 0.5f);
        var px = grid.ToGrayPixels();
        int W = grid.PixelWidth;
        Assert.Equal(2 * 3 * 2 + 3, W);
        Assert.Equal(3 * 4 * 2 + 4, grid.PixelHeight);
        byte pad = 128;
        Assert.Equal(pad, px[0]);                            // corner padding
        for (int k = 0; k < 5; k++)
        {
            var (x0, y0) = grid.CellOrigin(k);
            Assert.Equal(255, px[y0 * W + x0]);              // the bright pixel, 2x2 block
            Assert.Equal(255, px[(y0 + 1) * W + x0 + 1]);
            byte expected = (byte)MathF.Round((k + 1) / 32f * 255);
            Assert.Equal(expected, px[(y0 + 2) * W + x0 + 2]);
            Assert.Equal(expected, px[(y0 + 7) * W + x0 + 5]); // last pixel of the cell
            Assert.Equal(pad, px[(y0 - 1) * W + x0]);         // padding row above
        }
        // The empty sixth cell is all padding.
        var (ex, ey) = (1 + 1 * (6 + 1), 1 + 2 * (8 + 1));
        Assert.Equal(pad, px[ey * W + ex + 3]);
    }

    [Fact]
    public void Values_are_clamped_and_nan_is_black_unless_normalised()
    {
        var grid = new ImageGrid(new[] { new[] { -1f, 2f, float.NaN, 0.5f } }, 2, 2, scale: 1, padding: 0);
        Assert.Equal(new byte[] { 0, 255, 0, 128 }, grid.ToGrayPixels());
        var normalised = new ImageGrid(new[] { new[] { -1f, 3f, 1f, 1f } }, 2, 2, scale: 1, padding: 0, normalize: true);
        Assert.Equal(new byte[] { 0, 255, 128, 128 }, normalised.ToGrayPixels());
    }

    [Fact]
    public void Png_decodes_to_the_composed_pixels()
    {
        var grid = ImageGrid.FromBatch(Images(6, 28, 28).SelectMany(i => i).ToArray(), 28, 28, columns: 3);
        var image = Png.Decode(grid.ToPng());
        Assert.Equal((grid.PixelWidth, grid.PixelHeight, PngColorType.Gray), (image.Width, image.Height, image.ColorType));
        Assert.Equal(grid.ToGrayPixels(), image.Pixels);
        Assert.Equal(grid.ToPng(), Convert.FromBase64String(grid.ToBase64Png()));
    }

    [Fact]
    public void Html_shows_labels_as_captions_and_the_title()
    {
        var grid = new ImageGrid(Images(3, 28, 28), 28, 28, labels: new[] { "7", "<2>", null }, title: "samples & such");
        var html = grid.ToHtml();
        Assert.Equal(3, html.Split("<img ").Length - 1);
        Assert.Contains(">7</figcaption>", html);
        Assert.Contains("&lt;2&gt;", html);
        Assert.Contains("samples &amp; such", html);
        var plain = new ImageGrid(Images(3, 28, 28), 28, 28).ToHtml();
        Assert.Equal(1, plain.Split("<img ").Length - 1);
        Assert.Contains("data:image/png;base64,", plain);
    }

    [Fact]
    public void Bad_shapes_are_reported_with_the_sizes()
    {
        Assert.Contains("784", Assert.Throws<ArgumentException>(() => new ImageGrid(new[] { new float[700] }, 28, 28)).Message);
        Assert.Contains("whole number", Assert.Throws<ArgumentException>(() => ImageGrid.FromBatch(new float[785], 28, 28)).Message);
        Assert.Contains("one label per image", Assert.Throws<ArgumentException>(() => new ImageGrid(Images(2, 2, 2), 2, 2, labels: new[] { "a" })).Message);
        Assert.Throws<ArgumentException>(() => new ImageGrid(Array.Empty<float[]>(), 28, 28));
    }

    [Fact]
    public void Saved_png_is_the_same_bytes()
    {
        var dir = Directory.CreateTempSubdirectory("aevb-grid-");
        try
        {
            var grid = new ImageGrid(Images(4, 28, 20), 28, 20);
            var path = Path.Combine(dir.FullName, "grid.png");
            grid.SavePng(path);
            Assert.Equal(grid.ToPng(), File.ReadAllBytes(path));
            Assert.Equal(grid.PixelWidth, Png.Read(path).Width);
        }
        finally { dir.Delete(true); }
    }
}
