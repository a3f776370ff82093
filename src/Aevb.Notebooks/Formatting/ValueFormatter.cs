using System.Collections.Concurrent;
using System.Reflection;

namespace Aevb.Notebooks.Formatting;

/// <summary>
/// Turns a value into a mime bundle (mime type → text) for a notebook output, honouring the
/// .NET Interactive formatter <em>convention</em> so a type renders the same in Polyglot Notebooks
/// and in the aevb runner, without either side referencing the other.
/// </summary>
/// <remarks>
/// <para><b>The contract</b> (what a library type does to get rich output):</para>
/// <list type="number">
/// <item>Declare, in your own library, an attribute class named exactly
/// <c>TypeFormatterSourceAttribute</c> (any namespace) with a public property
/// <c>Type FormatterSourceType</c> (set from the constructor argument) and, optionally, a public
/// property <c>string[] PreferredMimeTypes</c>. Put it on the type to format
/// (<c>[TypeFormatterSource(typeof(ChartFormatterSource))] class Chart</c>). The attribute is
/// looked up on the value's runtime type, then its base types, then its interfaces.</item>
/// <item>The source class has a public parameterless constructor and a public method
/// <c>IEnumerable&lt;object&gt; CreateTypeFormatters()</c>.</item>
/// <item>Each formatter object exposes a public <c>string MimeType</c> property and a public
/// method <c>bool Format(object instance, TextWriter writer)</c> that writes the representation
/// and returns true (false = "not for this instance", the mime type is then left out). An
/// optional <c>Type Type</c> property restricts the formatter to instances of that type.</item>
/// <item>Text types (<c>text/html</c>, <c>text/plain</c>, <c>text/markdown</c>,
/// <c>image/svg+xml</c>, <c>application/json</c>) are written as text.
/// <b>A formatter with MimeType <c>image/png</c> writes the PNG as base64 text</b> (plain
/// RFC 4648 base64, no <c>data:</c> prefix, no line breaks), which is what Jupyter stores and
/// what .NET Interactive forwards. A <c>data:image/png;base64,</c> prefix and whitespace are
/// tolerated and stripped; anything that is not base64 is dropped with a warning.</item>
/// </list>
/// <para>Every mime type the formatters produce goes into the output (e.g. text/html + image/png +
/// text/plain), so each viewer picks what it can show. When no formatter writes text/plain the
/// runner adds one (<see cref="PlainText"/>). <c>PreferredMimeTypes</c> is recorded in
/// <see cref="FormattedValue.PreferredMimeTypes"/> (the HTML export shows the first one present).
/// A formatter that throws is skipped and reported in <see cref="FormattedValue.Warnings"/>.</para>
/// </remarks>
public static class ValueFormatter
{
    private sealed record FormatterSet(IReadOnlyList<ConventionFormatter> Formatters, string[] Preferred);

    private sealed record ConventionFormatter(string MimeType, Type? AppliesTo, Func<object, TextWriter, bool> Format);

    private static readonly ConcurrentDictionary<Type, FormatterSet?> Cache = new();

    /// <summary>
    /// Formats <paramref name="value"/>. <paramref name="mimeTypes"/>, when given (as in
    /// <c>display(x, "text/html")</c>), restricts the bundle to those types (text/plain is kept
    /// only if asked for, unless nothing else could be produced).
    /// </summary>
    public static FormattedValue Format(object? value, IReadOnlyCollection<string>? mimeTypes = null)
    {
        var bundle = new Dictionary<string, string>(StringComparer.Ordinal);
        var warnings = new List<string>();
        string[] preferred = [];
        var restrict = mimeTypes is { Count: > 0 } ? new HashSet<string>(mimeTypes, StringComparer.OrdinalIgnoreCase) : null;

        if (value is not null && FindFormatters(value.GetType(), warnings) is { } set)
        {
            preferred = set.Preferred;
            foreach (var f in set.Formatters)
            {
                if (bundle.ContainsKey(f.MimeType)) continue;
                if (restrict is not null && !restrict.Contains(f.MimeType)) continue;
                if (f.AppliesTo is not null && !f.AppliesTo.IsInstanceOfType(value)) continue;
                try
                {
                    using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
                    if (!f.Format(value, writer)) continue;
                    var text = writer.ToString();
                    if (IsBinaryImage(f.MimeType))
                    {
                        var b64 = NormaliseBase64(text);
                        if (b64 is null)
                        {
                            warnings.Add($"the {value.GetType().Name} formatter for {f.MimeType} did not write base64 text; output left out.");
                            continue;
                        }
                        text = b64;
                    }
                    bundle[f.MimeType] = text;
                }
                catch (Exception e)
                {
                    var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
                    warnings.Add($"the {value.GetType().Name} formatter for {f.MimeType} failed: {inner.GetType().Name}: {inner.Message}");
                }
            }
        }

        if (!bundle.ContainsKey("text/plain") && (restrict is null || restrict.Contains("text/plain") || bundle.Count == 0))
            bundle["text/plain"] = PlainText.Format(value);
        return new FormattedValue(bundle, preferred, warnings);
    }

    /// <summary>True when the value's type (or a base type or interface) carries a formatter source.</summary>
    public static bool HasConventionFormatters(Type type) => FindFormatters(type, []) is not null;

    private static FormatterSet? FindFormatters(Type type, List<string> warnings)
    {
        if (Cache.TryGetValue(type, out var cached)) return cached;
        FormatterSet? set = null;
        foreach (var candidate in SelfBasesAndInterfaces(type))
        {
            var attribute = candidate.GetCustomAttributes(inherit: false)
                .FirstOrDefault(a => a.GetType().Name == "TypeFormatterSourceAttribute");
            if (attribute is null) continue;
            try
            {
                set = Build(attribute);
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
                warnings.Add($"the formatter source on {candidate.Name} could not be used: {inner.GetType().Name}: {inner.Message}");
                return null; // not cached: a transient failure should not stick
            }
            if (set is not null) break;
        }
        Cache[type] = set;
        return set;
    }

    private static FormatterSet? Build(object attribute)
    {
        var attrType = attribute.GetType();
        if (attrType.GetProperty("FormatterSourceType")?.GetValue(attribute) is not Type sourceType) return null;
        var preferred = attrType.GetProperty("PreferredMimeTypes")?.GetValue(attribute) as string[] ?? [];
        var source = Activator.CreateInstance(sourceType, nonPublic: true)
                     ?? throw new InvalidOperationException($"{sourceType.Name} could not be created.");
        var create = sourceType.GetMethod("CreateTypeFormatters", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes)
                     ?? throw new MissingMethodException($"{sourceType.Name} has no CreateTypeFormatters() method.");
        if (create.Invoke(source, null) is not System.Collections.IEnumerable formatters)
            throw new InvalidOperationException($"{sourceType.Name}.CreateTypeFormatters() returned null.");

        var list = new List<ConventionFormatter>();
        foreach (var formatter in formatters)
        {
            if (formatter is null) continue;
            var ft = formatter.GetType();
            if (ft.GetProperty("MimeType")?.GetValue(formatter) is not string mime) continue;
            var format = ft.GetMethod("Format", BindingFlags.Public | BindingFlags.Instance, [typeof(object), typeof(TextWriter)]);
            if (format is null || format.ReturnType != typeof(bool)) continue;
            var appliesTo = ft.GetProperty("Type")?.GetValue(formatter) as Type;
            list.Add(new ConventionFormatter(mime, appliesTo, (o, w) => (bool)format.Invoke(formatter, [o, w])!));
        }
        return list.Count == 0 ? null : new FormatterSet(list, preferred);
    }

    private static IEnumerable<Type> SelfBasesAndInterfaces(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType) yield return t;
        foreach (var i in type.GetInterfaces()) yield return i;
    }

    /// <summary>Raster image types (image/png, image/jpeg, …), which formatters write as base64; SVG is text.</summary>
    public static bool IsBinaryImage(string mime)
        => mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && !mime.Contains("svg", StringComparison.OrdinalIgnoreCase);

    private static string? NormaliseBase64(string text)
    {
        var s = text.Trim();
        var comma = s.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? s.IndexOf(',') : -1;
        if (comma >= 0) s = s[(comma + 1)..];
        s = string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
        if (s.Length == 0) return null;
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out _) ? s : null;
    }
}
