using System.Text;

namespace Aevb.Notebooks.Export;

/// <summary>
/// A small C# syntax highlighter for the HTML export: comments, strings (regular, verbatim,
/// interpolated, raw), characters, numbers, keywords and directives (<c>#r</c>, <c>#load</c>,
/// <c>#!csharp</c>) become <c>&lt;span class="…"&gt;</c>; everything is HTML-escaped.
/// </summary>
public static class CSharpHighlighter
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
        "var", "async", "await", "record", "init", "get", "set", "yield", "when", "where", "with", "and", "or",
        "not", "nameof", "dynamic", "required", "file", "scoped", "value", "global", "nint", "nuint", "let",
        "from", "select", "orderby", "group", "by", "into", "join", "on", "equals", "ascending", "descending",
    };

    public static string ToHtml(string code)
    {
        var sb = new StringBuilder(code.Length * 2);
        var i = 0;
        var lineStart = true;
        while (i < code.Length)
        {
            var c = code[i];
            if (lineStart && c == '#')
            {
                var end = LineEnd(code, i);
                Span(sb, "pp", code[i..end]);
                i = end;
                continue;
            }
            if (c == '\n') { sb.Append('\n'); i++; lineStart = true; continue; }
            if (c is ' ' or '\t' or '\r') { sb.Append(c); i++; continue; }
            lineStart = false;

            var (next, cls) = Token(code, i);
            if (cls is null) sb.Append(Html.Escape(code[i..next]));
            else Span(sb, cls, code[i..next]);
            i = next;
        }
        return sb.ToString();
    }

    /// <summary>
    /// The end of the token at <paramref name="i"/> (not white space, not a directive) and its CSS class, null for
    /// plain text (an identifier that is neither keyword nor type, an operator, punctuation).
    /// </summary>
    private static (int End, string? Class) Token(string code, int i)
    {
        var c = code[i];
        if (c == '/' && i + 1 < code.Length && code[i + 1] == '/') return (LineEnd(code, i), "com");
        if (c == '/' && i + 1 < code.Length && code[i + 1] == '*')
        {
            var end = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
            return (end < 0 ? code.Length : end + 2, "com");
        }
        if (StringStart(code, i) is int quote) return (StringEnd(code, i, quote), "str");
        if (c == '\'')
        {
            var j = i + 1;
            while (j < code.Length && code[j] != '\'' && code[j] != '\n') j += code[j] == '\\' ? 2 : 1;
            return (Math.Min(code.Length, j + 1), "str");
        }
        if (char.IsDigit(c) || (c == '.' && i + 1 < code.Length && char.IsDigit(code[i + 1])))
        {
            var j = i;
            while (j < code.Length && (char.IsLetterOrDigit(code[j]) || code[j] is '.' or '_'
                   || (code[j] is '+' or '-' && j > i && code[j - 1] is 'e' or 'E'))) j++;
            return (j, "num");
        }
        if (char.IsLetter(c) || c is '_' or '@') return Word(code, i);
        return (i + 1, null);
    }

    /// <summary>
    /// An identifier or keyword: a capitalised name not followed by <c>(</c> is taken for a type (a method call is
    /// not), the guess a highlighter without a compiler can make.
    /// </summary>
    private static (int End, string? Class) Word(string code, int i)
    {
        var j = i + 1;
        while (j < code.Length && (char.IsLetterOrDigit(code[j]) || code[j] == '_')) j++;
        var word = code[i..j];
        if (Keywords.Contains(word)) return (j, "kw");
        if (char.IsUpper(word[0]) && j < code.Length && code[j] != '(') return (j, "type");
        return (j, null);
    }

    private static int LineEnd(string code, int i)
    {
        var end = code.IndexOf('\n', i);
        return end < 0 ? code.Length : end;
    }

    /// <summary>If a string literal starts at i, the index of its first quote character.</summary>
    private static int? StringStart(string code, int i)
    {
        var j = i;
        while (j < code.Length && j - i < 3 && code[j] is '$' or '@') j++;
        return j < code.Length && code[j] == '"' ? j : null;
    }

    private static int StringEnd(string code, int start, int quote)
    {
        var prefix = code[start..quote];
        var verbatim = prefix.Contains('@');
        var quotes = 0;
        while (quote + quotes < code.Length && code[quote + quotes] == '"') quotes++;
        if (quotes >= 3)
        {
            var close = code.IndexOf(new string('"', quotes), quote + quotes, StringComparison.Ordinal);
            return close < 0 ? code.Length : close + quotes;
        }
        var k = quote + 1;
        var depth = 0; // braces inside an interpolated string may hold quotes of their own
        var interpolated = prefix.Contains('$');
        while (k < code.Length)
        {
            var ch = code[k];
            if (interpolated && ch == '{')
            {
                if (k + 1 < code.Length && code[k + 1] == '{') { k += 2; continue; }
                depth++;
            }
            else if (interpolated && ch == '}' && depth > 0) depth--;
            else if (!verbatim && ch == '\\') { k += 2; continue; }
            else if (ch == '"' && depth == 0)
            {
                if (verbatim && k + 1 < code.Length && code[k + 1] == '"') { k += 2; continue; }
                return k + 1;
            }
            else if (ch == '\n' && !verbatim) return k;
            k++;
        }
        return code.Length;
    }

    private static void Span(StringBuilder sb, string cls, string text)
        => sb.Append("<span class=\"").Append(cls).Append("\">").Append(Html.Escape(text)).Append("</span>");
}
