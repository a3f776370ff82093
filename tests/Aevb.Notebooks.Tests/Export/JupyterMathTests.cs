using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Export;

namespace Aevb.Notebooks.Tests.Export;

/// <summary>Markdown math in the HTML export read as Jupyter reads it, line breaks and code included.</summary>
public sealed class JupyterMathTests
{
    /// <summary>The body of the exported page for one markdown cell (CDN assets: no KaTeX lookup).</summary>
    private static string Export(string markdown)
    {
        var notebook = Notebook.CreatePolyglot();
        notebook.AddMarkdownCell(markdown);
        var html = HtmlExporter.Export(notebook, new HtmlExportOptions { Assets = HtmlAssets.Cdn }).Html;
        var start = html.IndexOf("<main>", StringComparison.Ordinal);
        return html[start..html.IndexOf("</main>", StringComparison.Ordinal)];
    }

    [Fact]
    public void Multi_line_double_dollar_block_with_aligned_is_one_display_formula_with_its_tex_intact()
    {
        var body = Export("The bound:\n\n$$\\begin{aligned}\n\\log p(x) &\\ge \\mathcal{L} \\\\\n&= -D_{KL} + \\mathbb{E}[x_1 * y_2]\n\\end{aligned}$$\n\nDone.");
        Assert.Contains("<div class=\"math\">\\[\\begin{aligned}\n\\log p(x) &amp;\\ge \\mathcal{L} \\\\\n&amp;= -D_{KL} + \\mathbb{E}[x_1 * y_2]\n\\end{aligned}\\]</div>", body);
        Assert.DoesNotContain("aligned=", body);     // not taken for a {generic attribute}
        Assert.DoesNotContain("$$", body);
        Assert.Contains("<p>Done.</p>", body);
    }

    [Fact]
    public void Double_dollars_on_their_own_lines_stay_a_display_block()
    {
        var body = Export("$$\n\\int f \\, dx\n$$");
        Assert.Matches(@"<div class=""math"">\\\[\s*\\int f \\, dx\s*\\\]</div>", body);
    }

    [Fact]
    public void Double_dollars_inside_a_paragraph_across_lines_are_display_math()
    {
        var body = Export("The ELBO is\n$$\\mathcal{L} =\n\\mathbb{E}_{q}[\\log p(x|z)]$$\nfor every datapoint.");
        Assert.Contains("<span class=\"math\">\\[\\mathcal{L} =\n\\mathbb{E}_{q}[\\log p(x|z)]\\]</span>", body);
        Assert.Contains("for every datapoint.</p>", body);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(body, "<p>"));
    }

    [Fact]
    public void Inline_dollar_math_may_cross_a_soft_line_break()
    {
        var body = Export("Each sample $z = \\mu +\n\\sigma \\odot \\epsilon$ is differentiable, and $a_1$ too.");
        Assert.Contains("<span class=\"math\">\\(z = \\mu +\n\\sigma \\odot \\epsilon\\)</span>", body);
        Assert.Contains("<span class=\"math\">\\(a_1\\)</span>", body);
    }

    [Fact]
    public void Math_does_not_cross_a_blank_line()
    {
        var body = Export("Costs $x\n\nand y$ here.");
        Assert.DoesNotContain("class=\"math\"", body);
        Assert.Contains("<p>Costs $x</p>", body);
    }

    [Fact]
    public void Dollars_in_inline_code_and_fenced_code_are_left_untouched()
    {
        var body = Export("Write `$\"{a} and {b}\"` or `$x$`, then $y$:\n\n```csharp\nvar s = $\"{a}\";\nvar t = $\"$$ {b} $$\";\n```\n\n    indented $z$ code");
        Assert.Contains("<code>$&quot;{a} and {b}&quot;</code>", body);
        Assert.Contains("<code>$x$</code>", body);
        Assert.Contains("<span class=\"math\">\\(y\\)</span>", body);
        Assert.Contains("var s = $&quot;{a}&quot;;\nvar t = $&quot;$$ {b} $$&quot;;", body);
        Assert.Contains("indented $z$ code", body);
        Assert.Equal(1, Count(body, "class=\"math\""));
    }

    [Fact]
    public void Math_does_not_reach_across_a_code_span()
    {
        var body = Export("Use `$\"a\"` here\nand `$\"b\"` there.");
        Assert.DoesNotContain("class=\"math\"", body);
        Assert.Contains("<code>$&quot;a&quot;</code>", body);
        Assert.Contains("<code>$&quot;b&quot;</code>", body);
    }

    [Fact]
    public void Escaped_dollars_and_prices_stay_text()
    {
        var body = Export("It costs \\$5 or \\$10,\nnot $5 and $10 today; but $x$ is math.");
        Assert.Contains("It costs $5 or $10,\nnot $5 and $10 today; but <span class=\"math\">\\(x\\)</span> is math.", body);
        Assert.Equal(1, Count(body, "class=\"math\""));
    }

    [Fact]
    public void Escaped_dollar_inside_math_does_not_close_it()
    {
        var body = Export("Price $p = \\$3 \\cdot n$ total.");
        Assert.Contains("<span class=\"math\">\\(p = \\$3 \\cdot n\\)</span>", body);
    }

    [Fact]
    public void Environments_and_double_backslash_delimiters_are_math_as_in_jupyter()
    {
        var body = Export("\\begin{equation}\na_{1} = b * c\n\\end{equation}\n\nInline \\\\(x_1\\\\) and display \\\\[y_2\\\\].");
        Assert.Contains("<div class=\"math\">\\[\\begin{equation}\na_{1} = b * c\n\\end{equation}\\]</div>", body);
        Assert.Contains("<span class=\"math\">\\(x_1\\)</span>", body);
        Assert.Contains("<span class=\"math\">\\[y_2\\]</span>", body);
    }

    [Fact]
    public void Math_in_a_heading_or_image_alt_keeps_the_markup_valid()
    {
        var body = Export("# The $\\beta$ bound\n\n![plot of $x^2$](nothere.png)");
        Assert.Contains("<span class=\"math\">\\(\\beta\\)</span> bound</h1>", body);
        Assert.Contains("alt=\"plot of $x^2$\"", body);
        Assert.DoesNotContain("\uE000", body);
    }

    [Fact]
    public void Markdown_outputs_render_math_the_same_way()
    {
        var html = HtmlExporter.RenderBundle(new Dictionary<string, string> { ["text/markdown"] = "$$a\n+ b$$ and $c\nd$" });
        Assert.Contains("<span class=\"math\">\\[a\n+ b\\]</span>", html);
        Assert.Contains("<span class=\"math\">\\(c\nd\\)</span>", html);
    }

    private static int Count(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
