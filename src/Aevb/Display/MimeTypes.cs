namespace Aevb.Display;

/// <summary>The MIME types our formatters write.</summary>
public static class MimeTypes
{
    /// <summary>HTML (a fragment, not a page).</summary>
    public const string Html = "text/html";
    /// <summary>PNG, written as base64 text without a "data:" prefix (as Jupyter stores it).</summary>
    public const string Png = "image/png";
    /// <summary>Plain text.</summary>
    public const string PlainText = "text/plain";
}
