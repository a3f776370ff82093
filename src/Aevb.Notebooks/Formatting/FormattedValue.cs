namespace Aevb.Notebooks.Formatting;

/// <summary>A value rendered for a notebook: mime type → text (image/png as base64), plus notes.</summary>
/// <param name="Bundle">Every representation produced; always has at least one entry.</param>
/// <param name="PreferredMimeTypes">The type's <c>PreferredMimeTypes</c>, if its attribute set any.</param>
/// <param name="Warnings">Formatters that failed or wrote something unusable.</param>
public sealed record FormattedValue(
    IReadOnlyDictionary<string, string> Bundle,
    IReadOnlyList<string> PreferredMimeTypes,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The text/plain representation (always present unless restricted away).</summary>
    public string? PlainText => Bundle.TryGetValue("text/plain", out var t) ? t : null;
}
