using Markdig;
using Markdig.Extensions.Mathematics;
using Markdig.Renderers;
using Markdig.Renderers.Html;

namespace Aevb.Notebooks.Export;

/// <summary>
/// Math as Jupyter reads it: <c>$$…$$</c> is display math even inside a paragraph (Markdig makes
/// it inline unless the <c>$$</c> stand on lines of their own), so it is written as <c>\[…\]</c> for
/// KaTeX's auto-render; <c>$…$</c> stays inline (<c>\(…\)</c>).
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
