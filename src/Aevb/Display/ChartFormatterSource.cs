using Aevb.Plotting;

namespace Aevb.Display;

/// <summary>
/// Display formatters for <see cref="Chart"/>:
/// <list type="bullet">
/// <item><c>text/html</c>: <see cref="Chart.ToHtmlFragment"/> (interactive; loads plotly.js if the page lacks it).</item>
/// <item><c>image/png</c>: base64 PNG rendered by <see cref="ChartRenderer.Default"/> at the chart's size
/// (default 800x500); returns false and writes nothing when no renderer is available or rendering fails.</item>
/// <item><c>text/plain</c>: <see cref="Chart.ToString"/>, plus a line saying why there is no static image when there is none.</item>
/// </list>
/// </summary>
public sealed class ChartFormatterSource
{
    private readonly Func<ChartRenderer> _renderer;

    /// <summary>Formatters that use <see cref="ChartRenderer.Default"/> as it is when they run.</summary>
    public ChartFormatterSource() : this(() => ChartRenderer.Default) { }

    internal ChartFormatterSource(Func<ChartRenderer> renderer) => _renderer = renderer;

    /// <summary>The three formatters (text/html, image/png, text/plain).</summary>
    public IEnumerable<object> CreateTypeFormatters()
    {
        yield return new DisplayFormatter(typeof(Chart), MimeTypes.Html, (value, writer) =>
        {
            writer.Write(((Chart)value).ToHtmlFragment());
            return true;
        });
        yield return new DisplayFormatter(typeof(Chart), MimeTypes.Png, (value, writer) =>
        {
            var png = TryRender((Chart)value, out _);
            if (png is null) return false;
            writer.Write(Convert.ToBase64String(png));
            return true;
        });
        yield return new DisplayFormatter(typeof(Chart), MimeTypes.PlainText, (value, writer) =>
        {
            var chart = (Chart)value;
            writer.Write(chart.ToString());
            if (TryRender(chart, out var problem) is null)
            {
                writer.Write('\n');
                writer.Write("(no static image: ");
                writer.Write(problem);
                writer.Write(')');
            }
            return true;
        });
    }

    // Rendering is cached on the chart, so the PNG and plain-text formatters share one Chromium run.
    private byte[]? TryRender(Chart chart, out string? problem)
    {
        var renderer = _renderer();
        problem = renderer.UnavailableReason;
        if (problem is not null) return null;
        try
        {
            return chart.ToPng(renderer: renderer);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or FormatException)
        {
            problem = e.Message;
            return null;
        }
    }
}
