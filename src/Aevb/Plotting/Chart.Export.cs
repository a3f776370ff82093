using System.Collections.Concurrent;
using Aevb.IO;

namespace Aevb.Plotting;

// Static images through headless Chromium (see ChartRenderer). A chart is immutable, so a
// rendered image is cached on the instance: showing the same chart twice renders once.
public sealed partial class Chart
{
    private readonly ConcurrentDictionary<(int Width, int Height, double Scale), byte[]> _pngCache = new();

    /// <summary>
    /// The chart as PNG bytes, <paramref name="width"/> x <paramref name="height"/> pixels (default:
    /// the chart's size, else <see cref="DefaultWidth"/> x <see cref="DefaultHeight"/>) times
    /// <paramref name="scale"/>. Throws with what to install when no renderer is available.
    /// </summary>
    public byte[] ToPng(int? width = null, int? height = null, double scale = 1, ChartRenderer? renderer = null)
    {
        var key = (width ?? _state.Width ?? DefaultWidth, height ?? _state.Height ?? DefaultHeight, scale);
        if (_pngCache.TryGetValue(key, out var cached)) return cached;
        var png = (renderer ?? ChartRenderer.Default).RenderPng(this, key.Item1, key.Item2, scale);
        return _pngCache.GetOrAdd(key, png);
    }

    /// <summary>Writes <see cref="ToPng"/> to <paramref name="path"/> atomically.</summary>
    public void SavePng(string path, int? width = null, int? height = null, double scale = 1) =>
        AtomicFile.WriteAllBytes(path, ToPng(width, height, scale));

    /// <summary>The chart as an SVG document (text stays text; scales without blur).</summary>
    public string ToSvg(int? width = null, int? height = null, ChartRenderer? renderer = null) =>
        (renderer ?? ChartRenderer.Default).RenderSvg(this, width ?? _state.Width ?? DefaultWidth, height ?? _state.Height ?? DefaultHeight);

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/> atomically.</summary>
    public void SaveSvg(string path, int? width = null, int? height = null) =>
        AtomicFile.WriteAllText(path, ToSvg(width, height));
}
