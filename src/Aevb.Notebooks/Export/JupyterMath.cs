using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Mathematics;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Aevb.Notebooks.Export;

/// <summary>
/// Markdown with math read as Jupyter reads it. Markdig alone misses math that crosses a line break
/// (<c>$$…$$</c> over several lines inside a paragraph, <c>$…$</c> over a soft break) and mangles the
/// TeX it leaves as text (<c>\\</c> becomes <c>\</c>, <c>{aligned}</c> a generic attribute). So, like
/// JupyterLab's <c>removeMath</c>/<c>replaceMath</c>, the math is cut out of the source before Markdig
/// sees it (outside code spans and code blocks, found by a first Markdig parse) and put back into the
/// HTML afterwards: <c>$$…$$</c>, <c>\begin{env}…\end{env}</c> and <c>\\[…\\]</c> as display math
/// (<c>\[…\]</c>), <c>$…$</c> and <c>\\(…\\)</c> inline (<c>\(…\)</c>), each in a <c>.math</c> element
/// for KaTeX's auto-render. Math never crosses a blank line. A single <c>$</c> follows pandoc's rule
/// (VS Code's too) so prices stay text: the opening one is followed by a non-space, the closing one
/// preceded by a non-space and not followed by a digit.
/// </summary>
internal static partial class JupyterMath
{
    // Private-use characters: nobody types them, and Markdig passes them through as text.
    private const char Open = '\uE000', Close = '\uE001';

    /// <summary>Markdig without its math parsers: only to find where code is.</summary>
    private static readonly MarkdownPipeline StructurePipeline = BuildStructurePipeline();

    private static MarkdownPipeline BuildStructurePipeline()
    {
        var builder = new MarkdownPipelineBuilder().UseAdvancedExtensions().UsePreciseSourceLocation();
        builder.Extensions.RemoveAll(e => e is MathExtension);
        return builder.Build();
    }

    private enum Kind { Inline, Display }

    private sealed record Formula(Kind Kind, string Tex, string Source);

    /// <summary>
    /// Renders <paramref name="markdown"/> with <paramref name="pipeline"/>, the math typeset by KaTeX later.
    /// </summary>
    public static string ToHtml(string markdown, MarkdownPipeline pipeline)
    {
        markdown = markdown.Replace("\r\n", "\n").Replace('\r', '\n');
        var (text, formulas) = Extract(markdown);
        var html = Markdown.ToHtml(text, pipeline);
        return formulas.Count == 0 ? html : Restore(html, formulas);
    }

    private static (string Text, List<Formula> Formulas) Extract(string text)
    {
        if (text.IndexOf('$') < 0 && !text.Contains("\\begin{", StringComparison.Ordinal)
            && !text.Contains("\\\\(", StringComparison.Ordinal) && !text.Contains("\\\\[", StringComparison.Ordinal))
            return (text, []);

        var code = CodeRanges(text);
        var scanner = new Scanner(text);
        var nextCode = 0;
        for (var i = 0; i < text.Length;)
        {
            while (nextCode < code.Count && code[nextCode].End <= i) nextCode++;
            if (nextCode < code.Count && code[nextCode].Start <= i)
            {
                scanner.Cancel();             // code wins: math does not reach into or across it
                i = code[nextCode].End;
                continue;
            }
            var token = Token(text, i);
            if (token is null) { i++; continue; }
            i = scanner.Read(token, i);
        }
        return scanner.Finish();
    }

    /// <summary>The token at <paramref name="i"/> that can open, close or nest math; null for any other text.</summary>
    private static string? Token(string text, int i) => text[i] switch
    {
        '$' => i + 1 < text.Length && text[i + 1] == '$' ? "$$" : "$",
        '\\' => Backslash(text, i),
        '{' or '}' => text[i].ToString(),
        '\n' => BlankLine(text, i) ? "\n\n" : null,
        _ => null,
    };

    /// <summary>
    /// The state of <see cref="Extract"/>'s one pass: the formula open so far (if any) and the text copied out, each
    /// formula replaced by a placeholder.
    /// </summary>
    private sealed class Scanner(string text)
    {
        private readonly StringBuilder _output = new(text.Length);
        private readonly List<Formula> _formulas = [];
        private int _copied;                  // text[.._copied] is in _output
        private int _start = -1, _braces;     // the open formula's first delimiter, or -1
        private string? _end;                 // the delimiter that closes it

        public void Cancel() { _start = -1; _end = null; _braces = 0; }

        /// <summary>Reads <paramref name="token"/> at <paramref name="i"/>; returns where to read on.</summary>
        public int Read(string token, int i)
        {
            var after = i + token.Length;
            if (_start < 0) OpenAt(token, i, after);
            else if (token == "\n\n") Cancel();
            else if (token == _end)
            {
                if (_braces > 0) return after;
                CloseAt(i, after);
            }
            else if (token == "{") _braces++;
            else if (token == "}" && _braces > 0) _braces--;
            return after;
        }

        public (string Text, List<Formula> Formulas) Finish()
        {
            _output.Append(text, _copied, text.Length - _copied);
            return (_output.ToString(), _formulas);
        }

        private void OpenAt(string token, int i, int after)
        {
            if (token == "$$" || token == "\\\\[" || token == "\\\\(")
            {
                _start = i;
                _end = token == "$$" ? "$$" : token[..2] + (token[2] == '[' ? "]" : ")");
            }
            else if (token == "$" && after < text.Length && !char.IsWhiteSpace(text[after])) { _start = i; _end = "$"; }
            else if (token.StartsWith("\\begin{", StringComparison.Ordinal))
            {
                _start = i;
                _end = "\\end" + token[6..];
            }
        }

        /// <summary>The closing delimiter at <paramref name="i"/>, outside braces.</summary>
        private void CloseAt(int i, int after)
        {
            if (_end == "$")
            {
                var closes = !char.IsWhiteSpace(text[i - 1]) && i - 1 > _start
                    && (after >= text.Length || !char.IsAsciiDigit(text[after]));
                if (closes) Emit(_start, after, Kind.Inline, text[(_start + 1)..i]);
                // "$5 and $x$": this one opens.
                else if (after < text.Length && !char.IsWhiteSpace(text[after])) { _start = i; _braces = 0; }
                else Cancel();
            }
            else if (_end == "$$")
            {
                var tex = text[(_start + 2)..i];
                if (string.IsNullOrWhiteSpace(tex)) Cancel();
                else Emit(_start, after, Kind.Display, tex);
            }
            else if (_end!.StartsWith("\\end", StringComparison.Ordinal))
                Emit(_start, after, Kind.Display, text[_start..after]);
            else Emit(_start, after, _end[2] == ')' ? Kind.Inline : Kind.Display, text[(_start + 3)..i]);
        }

        private void Emit(int from, int to, Kind kind, string tex)
        {
            _output.Append(text, _copied, from - _copied).Append(Open).Append(_formulas.Count).Append(Close);
            _formulas.Add(new Formula(kind, tex, text[from..to]));
            _copied = to;
            Cancel();
        }
    }

    /// <summary>
    /// The token a backslash starts: <c>\\(</c> and friends, <c>\begin{…}</c>, <c>\end{…}</c>, or the escape pair it
    /// skips (<c>\$</c>, <c>\{</c>, <c>\\</c>…).
    /// </summary>
    private static string Backslash(string text, int i)
    {
        if (i + 2 < text.Length && text[i + 1] == '\\' && text[i + 2] is '(' or ')' or '[' or ']')
            return text.Substring(i, 3);
        var env = Environment().Match(text, i);
        if (env.Success) return env.Value;
        return i + 1 < text.Length ? text.Substring(i, 2) : "\\";
    }

    /// <summary>
    /// Whether the line break at <paramref name="i"/> is followed by a blank line (a paragraph break).
    /// </summary>
    private static bool BlankLine(string text, int i)
    {
        for (var j = i + 1; j < text.Length && char.IsWhiteSpace(text[j]); j++)
            if (text[j] == '\n') return true;
        return false;
    }

    /// <summary>The source ranges Markdig reads as code (blocks and spans), in order and not overlapping.</summary>
    private static List<(int Start, int End)> CodeRanges(string text)
    {
        var document = Markdown.Parse(text, StructurePipeline);
        var ranges = new List<(int Start, int End)>();
        foreach (var node in document.Descendants())
        {
            var span = node switch
            {
                CodeBlock block => block.Span,
                CodeInline inline => inline.Span,
                _ => SourceSpan.Empty,
            };
            if (!span.IsEmpty && span.Start >= 0) ranges.Add((span.Start, Math.Min(text.Length, span.End + 1)));
        }
        ranges.Sort();
        var merged = new List<(int Start, int End)>();
        foreach (var r in ranges)
        {
            if (merged.Count > 0 && r.Start <= merged[^1].End)
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, r.End));
            else merged.Add(r);
        }
        return merged;
    }

    /// <summary>Puts the formulas back: as math in text, as their source inside tags (attributes) and code.</summary>
    private static string Restore(string html, List<Formula> formulas)
    {
        // A display formula alone in its paragraph is a block, as Markdig writes a $$ block.
        html = LonePlaceholder().Replace(html, m =>
        {
            var f = formulas[int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)];
            return f.Kind == Kind.Display ? $"<div class=\"math\">\\[{Html.Escape(f.Tex)}\\]</div>" : m.Value;
        });
        var codeDepth = 0;
        return TagOrPlaceholder().Replace(html, m =>
        {
            if (m.Groups["tag"].Success)
            {
                var tag = m.Value;
                if (TagName(tag) is "code" or "pre")
                    codeDepth += tag.StartsWith("</", StringComparison.Ordinal) ? -1 : 1;
                return PlaceholderIn().Replace(tag, p => Html.Escape(formulas[Index(p)].Source));
            }
            var f = formulas[Index(m)];
            if (codeDepth > 0) return Html.Escape(f.Source);
            return f.Kind == Kind.Display
                ? $"<span class=\"math\">\\[{Html.Escape(f.Tex)}\\]</span>"
                : $"<span class=\"math\">\\({Html.Escape(f.Tex)}\\)</span>";
        });
    }

    private static int Index(Match m) =>
        int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static string TagName(string tag) => TagNamePattern().Match(tag).Groups[1].Value.ToLowerInvariant();

    [GeneratedRegex(@"\G\\(?:begin|end)\{[A-Za-z]*\*?\}")]
    private static partial Regex Environment();

    [GeneratedRegex("<p>\uE000(?<n>[0-9]+)\uE001</p>")]
    private static partial Regex LonePlaceholder();

    [GeneratedRegex("(?<tag><[^>]*>)|\uE000(?<n>[0-9]+)\uE001")]
    private static partial Regex TagOrPlaceholder();

    [GeneratedRegex("\uE000(?<n>[0-9]+)\uE001")]
    private static partial Regex PlaceholderIn();

    [GeneratedRegex(@"^</?([A-Za-z0-9]+)")]
    private static partial Regex TagNamePattern();
}

/// <summary>
/// Math as Jupyter reads it, for what <see cref="JupyterMath"/> leaves to Markdig (a <c>$$</c> block
/// across blank lines): <c>$$…$$</c> is display math even inside a paragraph, written as <c>\[…\]</c>
/// for KaTeX's auto-render; <c>$…$</c> stays inline (<c>\(…\)</c>).
/// </summary>
internal sealed class JupyterMathExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline) { }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is HtmlRenderer html && !html.ObjectRenderers.Contains<JupyterMathInlineRenderer>())
            html.ObjectRenderers.ReplaceOrAdd<HtmlMathInlineRenderer>(new JupyterMathInlineRenderer());
    }

    private sealed class JupyterMathInlineRenderer : HtmlObjectRenderer<MathInline>
    {
        protected override void Write(HtmlRenderer renderer, MathInline obj)
        {
            var display = obj.DelimiterCount >= 2;
            renderer.Write("<span").WriteAttributes(obj).Write(display ? ">\\[" : ">\\(");
            renderer.WriteEscape(ref obj.Content);
            renderer.Write(display ? "\\]</span>" : "\\)</span>");
        }
    }
}
