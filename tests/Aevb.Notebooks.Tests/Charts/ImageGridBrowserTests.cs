using System.Net;
using System.Text.Json;
using Aevb.Notebooks.Tests.Browser;
using Aevb.Plotting;

namespace Aevb.Notebooks.Tests.Charts;

/// <summary>Our PNG encoder checked against a real decoder: Chromium's.</summary>
[Collection("Chromium")]
public sealed class ImageGridBrowserTests : IDisposable
{
    private readonly DirectoryInfo _dir;

    public ImageGridBrowserTests()
    {
        HeadlessChromium.Require();   // fail with the install command rather than somewhere deeper
        _dir = Directory.CreateTempSubdirectory("aevb-browser-grid-");
    }

    public void Dispose()
    {
        try { _dir.Delete(true); } catch (IOException) { }
    }

    [Fact]
    public void Chromium_decodes_the_grid_png_to_exactly_our_pixels_and_shows_the_labels()
    {
        var rnd = new Random(5);
        var images = Enumerable.Range(0, 7).Select(_ => Enumerable.Range(0, 28 * 20).Select(_ => (float)rnd.NextDouble()).ToArray()).ToArray();
        var grid = new ImageGrid(images, 28, 20, columns: 4, scale: 2, labels: Enumerable.Range(0, 7).Select(i => $"face {i}"), title: "Frey");
        var plain = new ImageGrid(images, 28, 20, columns: 4, scale: 2);
        var page = $$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"></head><body>
            <div id="plain">{{plain.ToHtml()}}</div>
            <div id="labelled">{{grid.ToHtml()}}</div>
            <pre id="out">pending</pre>
            <script>
            window.addEventListener('load', function () {
              var img = document.querySelector('#plain img');
              var canvas = document.createElement('canvas');
              canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
              var ctx = canvas.getContext('2d');
              ctx.drawImage(img, 0, 0);
              var d = ctx.getImageData(0, 0, canvas.width, canvas.height).data, grey = [];
              for (var i = 0; i < d.length; i += 4) grey.push(d[i] === d[i + 1] && d[i] === d[i + 2] && d[i + 3] === 255 ? d[i] : -1);
              var captions = Array.prototype.map.call(document.querySelectorAll('#labelled figcaption'), function (c) { return c.textContent; });
              var cells = Array.prototype.map.call(document.querySelectorAll('#labelled img'), function (i) { return [i.naturalWidth, i.naturalHeight, i.complete]; });
              document.getElementById('out').textContent = JSON.stringify({ w: img.naturalWidth, h: img.naturalHeight, grey: grey, captions: captions, cells: cells });
            });
            </script>
            </body></html>
            """;
        var path = Path.Combine(_dir.FullName, "grid.html");
        File.WriteAllText(path, page);
        var dom = HeadlessChromium.DumpDom(path);
        const string open = "<pre id=\"out\">";
        int start = dom.IndexOf(open, StringComparison.Ordinal);
        var text = WebUtility.HtmlDecode(dom[(start + open.Length)..dom.IndexOf("</pre>", start, StringComparison.Ordinal)]);
        Assert.NotEqual("pending", text);
        var facts = JsonDocument.Parse(text).RootElement;

        Assert.Equal(plain.PixelWidth, facts.GetProperty("w").GetInt32());
        Assert.Equal(plain.PixelHeight, facts.GetProperty("h").GetInt32());
        var seen = facts.GetProperty("grey").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var ours = plain.ToGrayPixels().Select(b => (int)b).ToArray();
        Assert.Equal(ours.Length, seen.Length);
        int differing = ours.Zip(seen).Count(p => p.First != p.Second);
        Assert.True(differing == 0, $"{differing} of {ours.Length} pixels differ between our PNG and Chromium's decoding of it");

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"face {i}").Append("Frey"),
            facts.GetProperty("captions").EnumerateArray().Select(c => c.GetString()));
        Assert.All(facts.GetProperty("cells").EnumerateArray(), c =>
        {
            Assert.Equal(20, c[0].GetInt32());
            Assert.Equal(28, c[1].GetInt32());
        });
    }
}
