using Aevb.Plotting;

namespace Aevb.Display;

/// <summary>
/// Display formatters for <see cref="LatentExplorer"/>: <c>text/html</c> (the interactive explorer,
/// <see cref="LatentExplorer.ToHtml"/>), <c>image/png</c> (the static Figure 4 manifold, base64, no
/// data: prefix: what a reader without scripts shows) and <c>text/plain</c> (<see cref="LatentExplorer.ToString"/>).
/// </summary>
public sealed class LatentExplorerFormatterSource
{
    /// <summary>The three formatters.</summary>
    public IEnumerable<object> CreateTypeFormatters()
    {
        yield return new DisplayFormatter(typeof(LatentExplorer), MimeTypes.Html, (value, writer) =>
        {
            writer.Write(((LatentExplorer)value).ToHtml());
            return true;
        });
        yield return new DisplayFormatter(typeof(LatentExplorer), MimeTypes.Png, (value, writer) =>
        {
            writer.Write(((LatentExplorer)value).ToBase64Png());
            return true;
        });
        yield return new DisplayFormatter(typeof(LatentExplorer), MimeTypes.PlainText, (value, writer) =>
        {
            writer.Write(((LatentExplorer)value).ToString());
            return true;
        });
    }
}
