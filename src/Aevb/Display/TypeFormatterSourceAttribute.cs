namespace Aevb.Display;

/// <summary>
/// Points a type at the class that makes its display formatters. .NET Interactive (Polyglot
/// Notebooks) recognises this attribute by its name and shape alone, without a reference to
/// its own assembly, and so does our notebook runner: any attribute class named
/// <c>TypeFormatterSourceAttribute</c> with a <see cref="FormatterSourceType"/> property.
/// The source type has a public parameterless constructor and a method
/// <c>IEnumerable&lt;object&gt; CreateTypeFormatters()</c>; each formatter object has
/// <c>string MimeType</c> and <c>bool Format(object instance, TextWriter writer)</c>
/// (see <see cref="DisplayFormatter"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
public sealed class TypeFormatterSourceAttribute : Attribute
{
    /// <summary>Names the formatter source class.</summary>
    public TypeFormatterSourceAttribute(Type formatterSourceType) =>
        FormatterSourceType = formatterSourceType ?? throw new ArgumentNullException(nameof(formatterSourceType));

    /// <summary>The class with <c>CreateTypeFormatters()</c>.</summary>
    public Type FormatterSourceType { get; }

    /// <summary>MIME types to produce when the value is displayed, most preferred first.</summary>
    public string[] PreferredMimeTypes { get; set; } = [];
}
