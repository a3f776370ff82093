using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Aevb.Notebooks.Formatting;

/// <summary>
/// The text/plain fallback for values without a formatter: readable one-liners for numbers,
/// collections, dictionaries, 2-D arrays and plain objects (whose inherited
/// <see cref="object.ToString"/> would only print the type name). Culture-invariant.
/// </summary>
public static class PlainText
{
    /// <summary>Items shown per collection before "… (N more)".</summary>
    public const int MaxItems = 20;

    public static string Format(object? value) => Format(value, depth: 0);

    private static string Format(object? value, int depth)
    {
        switch (value)
        {
            case null: return "<null>";
            case string s: return depth == 0 ? s : Quote(s);
            case char c: return depth == 0 ? c.ToString() : $"'{c}'";
            case bool b: return b ? "True" : "False";
            case float f: return f.ToString("R", CultureInfo.InvariantCulture);
            case double d: return d.ToString("R", CultureInfo.InvariantCulture);
            case Type t: return t.FullName ?? t.Name;
            case Array { Rank: 2 } a when depth == 0: return FormatMatrix(a);
            case IDictionary dict: return FormatDictionary(dict, depth);
            case IEnumerable e: return FormatSequence(e, depth);
            case IFormattable f: return f.ToString(null, CultureInfo.InvariantCulture);
        }
        var type = value.GetType();
        var toString = type.GetMethod("ToString", Type.EmptyTypes);
        if (toString?.DeclaringType == typeof(object) && depth < 2)
            return FormatProperties(value, type, depth);
        return value.ToString() ?? "";
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

    private static string FormatSequence(IEnumerable sequence, int depth)
    {
        if (depth >= 2) return sequence.GetType().Name;
        var sb = new StringBuilder();
        var count = 0;
        var more = 0;
        foreach (var item in sequence)
        {
            if (count < MaxItems)
            {
                sb.Append(count == 0 ? "" : ", ").Append(Format(item, depth + 1));
                count++;
            }
            else if (++more > 1_000_000)
            {
                break; // lazily infinite sequences: stop counting
            }
        }
        var prefix = sequence is Array arr ? $"{TypeName(arr.GetType().GetElementType())}[{arr.Length}] " : "";
        if (count == 0) return prefix + "[ ]";
        var tail = more > 0 ? (more > 1_000_000 ? ", …" : $", … ({more} more)") : "";
        return $"{prefix}[ {sb}{tail} ]";
    }

    private static string FormatDictionary(IDictionary dict, int depth)
    {
        if (depth >= 2) return dict.GetType().Name;
        var parts = new List<string>();
        foreach (DictionaryEntry entry in dict)
        {
            if (parts.Count == MaxItems) { parts.Add($"… ({dict.Count - MaxItems} more)"); break; }
            parts.Add($"{Format(entry.Key, depth + 1)}: {Format(entry.Value, depth + 1)}");
        }
        return parts.Count == 0 ? "{ }" : "{ " + string.Join(", ", parts) + " }";
    }

    private static string FormatMatrix(Array a)
    {
        var rows = a.GetLength(0);
        var cols = a.GetLength(1);
        var sb = new StringBuilder($"{TypeName(a.GetType().GetElementType())}[{rows}, {cols}]");
        for (var r = 0; r < Math.Min(rows, MaxItems); r++)
        {
            sb.Append("\n[ ");
            for (var c = 0; c < Math.Min(cols, MaxItems); c++)
                sb.Append(c == 0 ? "" : ", ").Append(Format(a.GetValue(r, c), 1));
            if (cols > MaxItems) sb.Append($", … ({cols - MaxItems} more)");
            sb.Append(" ]");
        }
        if (rows > MaxItems) sb.Append($"\n… ({rows - MaxItems} more rows)");
        return sb.ToString();
    }

    /// <summary>C# spelling of common element types (double[3], not Double[3]).</summary>
    private static string TypeName(Type? t) => t is null ? "object" : Type.GetTypeCode(t) switch
    {
        TypeCode.Boolean => "bool", TypeCode.Byte => "byte", TypeCode.SByte => "sbyte", TypeCode.Char => "char",
        TypeCode.Int16 => "short", TypeCode.UInt16 => "ushort", TypeCode.Int32 => "int", TypeCode.UInt32 => "uint",
        TypeCode.Int64 => "long", TypeCode.UInt64 => "ulong", TypeCode.Single => "float", TypeCode.Double => "double",
        TypeCode.Decimal => "decimal", TypeCode.String => "string",
        _ => t == typeof(object) ? "object" : t.Name,
    };

    private static string FormatProperties(object value, Type type, int depth)
    {
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead)
            .Take(MaxItems)
            .ToList();
        if (props.Count == 0) return type.Name;
        var parts = new List<string>();
        foreach (var p in props)
        {
            string text;
            try { text = Format(p.GetValue(value), depth + 1); }
            catch (TargetInvocationException e) { text = $"<{e.InnerException?.GetType().Name ?? "error"}>"; }
            parts.Add($"{p.Name} = {text}");
        }
        return $"{type.Name} {{ {string.Join(", ", parts)} }}";
    }
}
