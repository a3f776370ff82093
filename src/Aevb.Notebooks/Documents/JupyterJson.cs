using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aevb.Notebooks.Documents;

/// <summary>
/// Reads and writes JSON exactly as Jupyter (<c>nbformat</c>: Python <c>json.dumps(indent=1,
/// ensure_ascii=False)</c>) and VS Code (<c>JSON.stringify(nb, null, indent)</c>) lay it out, so a
/// notebook we load and save unchanged keeps every byte and a diff shows only what really changed.
/// </summary>
/// <remarks>
/// System.Text.Json's own writer is not used because even its most relaxed encoder escapes
/// characters Jupyter writes raw (emoji and other non-BMP text, some symbols), and it cannot keep
/// a number's original spelling. Rules reproduced here:
/// <list type="bullet">
/// <item>objects and arrays open on their line, one member per line, indented by <c>indent</c>
/// spaces per level; empty ones are written <c>{}</c> and <c>[]</c>;</item>
/// <item><c>": "</c> after keys and <c>","</c> at line ends;</item>
/// <item>strings escape only <c>"</c>, <c>\</c> and control characters (<c>\n \r \t \b \f</c>,
/// else <c>\u00xx</c> in lower-case hex); <c>&lt; &gt; &amp; '</c>, non-ASCII and emoji stay raw;</item>
/// <item>numbers read from a file keep their original text; key order is kept as read.</item>
/// </list>
/// </remarks>
public static class JupyterJson
{
    /// <summary>Parses JSON into mutable nodes that keep key order and the original number text.</summary>
    public static JsonNode? Parse(string json)
        => JsonNode.Parse(json, new JsonNodeOptions { PropertyNameCaseInsensitive = false },
            new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256, AllowDuplicateProperties = false });

    /// <summary>Serialises <paramref name="node"/> in Jupyter's layout (no trailing newline).</summary>
    public static string Write(JsonNode? node, int indent = 1, string newLine = "\n")
    {
        var sb = new StringBuilder(16 * 1024);
        WriteNode(sb, node, 0, indent, newLine);
        return sb.ToString();
    }

    private static void WriteNode(StringBuilder sb, JsonNode? node, int depth, int indent, string nl)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                if (obj.Count == 0) { sb.Append("{}"); break; }
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    sb.Append(nl).Append(' ', (depth + 1) * indent);
                    WriteString(sb, key);
                    sb.Append(": ");
                    WriteNode(sb, value, depth + 1, indent, nl);
                }
                sb.Append(nl).Append(' ', depth * indent).Append('}');
                break;
            case JsonArray arr:
                if (arr.Count == 0) { sb.Append("[]"); break; }
                sb.Append('[');
                for (var i = 0; i < arr.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(nl).Append(' ', (depth + 1) * indent);
                    WriteNode(sb, arr[i], depth + 1, indent, nl);
                }
                sb.Append(nl).Append(' ', depth * indent).Append(']');
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
            default:
                throw new NotSupportedException($"Unexpected JSON node {node.GetType().Name}.");
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, value.GetValue<string>());
                break;
            case JsonValueKind.Number:
                // A number read from a file keeps its spelling (1.0 stays 1.0, 1e-05 stays 1e-05).
                if (value.TryGetValue<JsonElement>(out var element)) sb.Append(element.GetRawText());
                else sb.Append(FormatNumber(value));
                break;
            case JsonValueKind.True: sb.Append("true"); break;
            case JsonValueKind.False: sb.Append("false"); break;
            case JsonValueKind.Null: sb.Append("null"); break;
            default:
                // An element-backed object or array inside a value node: re-parse to walk it.
                var node = JsonNode.Parse(value.ToJsonString());
                sb.Append(node is null ? "null" : Write(node));
                break;
        }
    }

    private static string FormatNumber(JsonValue value)
    {
        if (value.TryGetValue<int>(out var i)) return i.ToString(CultureInfo.InvariantCulture);
        if (value.TryGetValue<long>(out var l)) return l.ToString(CultureInfo.InvariantCulture);
        if (value.TryGetValue<double>(out var d))
        {
            if (double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e16)
                return d.ToString("0.0", CultureInfo.InvariantCulture); // Python writes 3.0, not 3
            return d.ToString("R", CultureInfo.InvariantCulture);
        }
        return value.ToJsonString();
    }

    /// <summary>Appends a JSON string literal escaped the way Python's <c>json</c> does with <c>ensure_ascii=False</c>.</summary>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])))
                    {
                        // A lone surrogate cannot be written as UTF-8; escape it as JSON.stringify does.
                        if (char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(s[i - 1])) sb.Append(c);
                        else sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
