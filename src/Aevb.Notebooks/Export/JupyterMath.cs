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

    /// <summary>Renders <paramref name="markdown"/> with <paramref name="pipeline"/>, the math typeset by KaTeX later.</summary>
    public static string ToHtml(string markdown, MarkdownPipeline pipeline)
    {
        markdown = markdown.Replace("\r\n", "\n").Replace('\r', '\n');
        var (text, formulas) = Extract(markdown);
        var html = Markdown.ToHtml(text, pipeline);
        return formulas.Count == 0 ? html : Restore(html, formulas);
    }

    private static (string Text, List<Formula> Formulas) Extract(string text)
    {
        var formulas = new List<Formula>();
        if (text.IndexOf('$') < 0 && !text.Contains("\\begin{", StringComparison.Ordinal) && !text.Contains("\\\\(", StringComparison.Ordinal) && !text.Contains("\\\\[", StringComparison.Ordinal))
            return (text, formulas);

        var code = CodeRanges(text);
        var output = new StringBuilder(text.Length);
        var copied = 0;                       // text[..copied] is in output
        int start = -1, braces = 0;           // the open formula's first delimiter, or -1
        string? end = null;                   // the delimiter that closes it
        var nextCode = 0;

        void Cancel() { start = -1; end = null; braces = 0; }

        void Emit(int from, int to, Kind kind, string tex)
        {
            output.Append(text, copied, from - copied).Append(Open).Append(formulas.Count).Append(Close);
            formulas.Add(new Formula(kind, tex, text[from..to]));
            copied = to;
            Cancel();
        }

        for (var i = 0; i < text.Length;)
        {
            while (nextCode < code.Count && code[nextCode].End <= i) nextCode++;
            if (nextCode < code.Count && code[nextCode].Start <= i)
            {
                Cancel();                     // code wins: math does not reach into or across it
                i = code[nextCode].End;
                continue;
            }

            var c = text[i];
            var token = c switch
            {
                '$' => i + 1 < text.Length && text[i + 1] == '$' ? "$$" : "$",
                '\\' => Backslash(text, i),
                '{' or '}' => c.ToString(),
                '\n' => BlankLine(text, i) ? "\n\n" : null,
                _ => null,
            };
            if (token is null) { i++; continue; }
            var after = i + token.Length;

            if (start < 0)
            {
                if (token == "$$" || token == "\\\\[" || token == "\\\\(") { start = i; end = token == "$$" ? "$$" : token[..2] + (token[2] == '[' ? "]" : ")"); }
                else if (token == "$" && after < text.Length && !char.IsWhiteSpace(text[after])) { start = i; end = "$"; }
                else if (token.StartsWith("\\begin{", StringComparison.Ordinal)) { start = i; end = "\\end" + token[6..]; }
            }
            else if (token == "\n\n")
            {
                Cancel();
            }
            else if (token == end)
            {
                if (braces > 0) { i = after; continue; }
                if (end == "$")
                {
                    var closes = !char.IsWhiteSpace(text[i - 1]) && i - 1 > start && (after >= text.Length || !char.IsAsciiDigit(text[after]));
                    if (closes) Emit(start, after, Kind.Inline, text[(start + 1)..i]);
                    else if (after < text.Length && !char.IsWhiteSpace(text[after])) { start = i; braces = 0; }   // "$5 and $x$": this one opens
                    else Cancel();
                }
                else if (end == "$$")
                {
                    var tex = text[(start + 2)..i];
                    if (string.IsNullOrWhiteSpace(tex)) Cancel();
                    else Emit(start, after, Kind.Display, tex);
                }
                else if (end.StartsWith("\\end", StringComparison.Ordinal)) Emit(start, after, Kind.Display, text[start..after]);
                else Emit(start, after, end[2] == ')' ? Kind.Inline : Kind.Display, text[(start + 3)..i]);
            }
            else if (token == "{") braces++;
            else if (token == "}" && braces > 0) braces--;
            i = after;
        }
        output.Append(text, copied, text.Length - copied);
        return (output.ToString(), formulas);
    }

    /// <summary>The token a backslash starts: <c>\\(</c> and friends, <c>\begin{…}</c>, <c>\end{…}</c>, or the escape pair it skips (<c>\$</c>, <c>\{</c>, <c>\\</c>…).</summary>
    private static string Backslash(string text, int i)
    {
        if (i + 2 < text.Length && text[i + 1] == '\\' && text[i + 2] is '(' or ')' or '[' or ']') return text.Substring(i, 3);
        var env = Environment().Match(text, i);
        if (env.Success) return env.Value;
        return i + 1 < text.Length ? text.Substring(i, 2) : "\\";
    }

    /// <summary>Whether the line break at <paramref name="i"/> is followed by a blank line (a paragraph break).</summary>
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
            if (merged.Count > 0 && r.Start <= merged[^1].End) merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, r.End));
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
                if (TagName(tag) is "code" or "pre") codeDepth += tag.StartsWith("</", StringComparison.Ordinal) ? -1 : 1;
                return PlaceholderIn().Replace(tag, p => Html.Escape(formulas[Index(p)].Source));
            }
            var f = formulas[Index(m)];
            if (codeDepth > 0) return Html.Escape(f.Source);
            return f.Kind == Kind.Display
                ? $"<span class=\"math\">\\[{Html.Escape(f.Tex)}\\]</span>"
                : $"<span class=\"math\">\\({Html.Escape(f.Tex)}\\)</span>";
        });
    }

    private static int Index(Match m) => int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);

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
