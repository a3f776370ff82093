namespace Aevb.Display;

/// <summary>
/// One formatter in the .NET Interactive convention: it turns instances of <see cref="Type"/> into
/// text of one <see cref="MimeType"/>. <see cref="Format"/> returns false (writing nothing) when it
/// does not apply, e.g. an image/png formatter for a chart when no renderer is available; the
/// caller then falls back to another formatter or leaves that MIME type out.
/// For <c>image/png</c> the text written is the PNG's base64, with no <c>data:</c> prefix.
/// </summary>
public sealed class DisplayFormatter
{
    private readonly Func<object, TextWriter, bool> _format;

    /// <summary>A formatter for <paramref name="type"/> producing <paramref name="mimeType"/>.</summary>
    public DisplayFormatter(Type type, string mimeType, Func<object, TextWriter, bool> format)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(mimeType);
        ArgumentNullException.ThrowIfNull(format);
        Type = type;
        MimeType = mimeType;
        _format = format;
    }

    /// <summary>The type this formatter formats (and its subtypes).</summary>
    public Type Type { get; }

    /// <summary>The MIME type of the text <see cref="Format"/> writes.</summary>
    public string MimeType { get; }

    /// <summary>Writes <paramref name="instance"/> to <paramref name="writer"/>; false if it did not apply.</summary>
    public bool Format(object instance, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return instance is not null && Type.IsInstanceOfType(instance) && _format(instance, writer);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{MimeType} formatter for {Type.Name}";
}
