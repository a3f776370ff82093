using Aevb.Plotting;

namespace Aevb.Tests.Plotting;

public class ComparisonGridTests
{
    // count images of h x w, image k filled with value (k + 1) / 64 + offset.
    private static float[] Batch(int count, int h, int w, float offset) =>
        Enumerable.Range(0, count).SelectMany(k => Enumerable.Repeat((k + 1) / 64f + offset, h * w)).ToArray();

    private static byte Gray(float v) => (byte)MathF.Round(v * 255f);

    [Fact]
    public void RowsAlternateBetweenTheSetsSoEachItemIsOneColumn()
    {
        const int h = 3, w = 2;
        var top = Batch(6, h, w, 0f);
        var bottom = Batch(6, h, w, 0.5f);
        var grid = ComparisonGrid.Create(new[] { top, bottom }, h, w, columns: 3, scale: 1, padding: 1);
        Assert.Equal((4, 3), (grid.Rows, grid.Columns));
        var px = grid.ToGrayPixels();
        for (var item = 0; item < 6; item++)
            for (var set = 0; set < 2; set++)
            {
                var cell = (item / 3 * 2 + set) * 3 + item % 3;   // block row, then set, then column
                var (x0, y0) = grid.CellOrigin(cell);
                Assert.Equal(Gray((item + 1) / 64f + 0.5f * set), px[y0 * grid.PixelWidth + x0]);
            }
    }

    [Fact]
    public void AShortLastBlockIsPaddedWithBlankCells()
    {
        var grid = ComparisonGrid.Create(new[] { Batch(5, 2, 2, 0f), Batch(5, 2, 2, 0.2f) }, 2, 2, columns: 3, scale: 1, padding: 0,
            rowLabels: new[] { "data", "recon" }, title: "t");
        Assert.Equal(12, grid.Count);     // 2 blocks x 2 sets x 3 columns
        Assert.Equal(new string?[] { "data", "data", "data", "recon", "recon", "recon", "data", "data", null, "recon", "recon", null }, grid.Labels);
        var (x0, y0) = grid.CellOrigin(8);
        Assert.Equal(255, grid.ToGrayPixels()[y0 * grid.PixelWidth + x0]);
        Assert.Equal("t", grid.Title);
    }

    [Fact]
    public void FewerItemsThanColumnsMakeANarrowerGrid()
    {
        var grid = ComparisonGrid.Create(new[] { Batch(2, 2, 2, 0f), Batch(2, 2, 2, 0f), Batch(2, 2, 2, 0f) }, 2, 2, columns: 10);
        Assert.Equal((3, 2), (grid.Rows, grid.Columns));
    }

    [Fact]
    public void SetsOfDifferentSizesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ComparisonGrid.Create(new[] { Batch(3, 2, 2, 0f), Batch(4, 2, 2, 0f) }, 2, 2));
        Assert.Contains("set #2 has 4 images but set #1 has 3", e.Message);
        Assert.Throws<ArgumentException>(() => ComparisonGrid.Create(new[] { new float[5] }, 2, 2));
        Assert.Throws<ArgumentException>(() => ComparisonGrid.Create(Array.Empty<float[]>(), 2, 2));
        Assert.Throws<ArgumentException>(() => ComparisonGrid.Create(new[] { Batch(2, 2, 2, 0f) }, 2, 2, rowLabels: new[] { "a", "b" }));
    }
}
