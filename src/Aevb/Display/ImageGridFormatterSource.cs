using Aevb.Plotting;

namespace Aevb.Display;

/// <summary>
/// Display formatters for <see cref="ImageGrid"/>: <c>text/html</c> (<see cref="ImageGrid.ToHtml"/>,
/// with labels and title as captions), <c>image/png</c> (base64, no data: prefix) and
/// <c>text/plain</c> (<see cref="ImageGrid.ToString"/>).
/// </summary>
public sealed class ImageGridFormatterSource
{
    /// <summary>The three formatters.</summary>
    public IEnumerable<object> CreateTypeFormatters()
    {
        yield return new DisplayFormatter(typeof(ImageGrid), MimeTypes.Html, (value, writer) =>
        {
            writer.Write(((ImageGrid)value).ToHtml());
            return true;
        });
        yield return new DisplayFormatter(typeof(ImageGrid), MimeTypes.Png, (value, writer) =>
        {
            writer.Write(((ImageGrid)value).ToBase64Png());
            return true;
        });
        yield return new DisplayFormatter(typeof(ImageGrid), MimeTypes.PlainText, (value, writer) =>
        {
            writer.Write(((ImageGrid)value).ToString());
            return true;
        });
    }
}
