using Aevb.Plotting;

namespace Aevb.Display;

/// <summary>Display formatters for <see cref="Table"/>: <c>text/html</c> (<see cref="Table.ToHtml"/>) and <c>text/plain</c> (aligned columns).</summary>
public sealed class TableFormatterSource
{
    /// <summary>The two formatters.</summary>
    public IEnumerable<object> CreateTypeFormatters()
    {
        yield return new DisplayFormatter(typeof(Table), MimeTypes.Html, (value, writer) =>
        {
            writer.Write(((Table)value).ToHtml());
            return true;
        });
        yield return new DisplayFormatter(typeof(Table), MimeTypes.PlainText, (value, writer) =>
        {
            writer.Write(((Table)value).ToString());
            return true;
        });
    }
}
