using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Export;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aevb.Notebooks.Tests;

/// <summary>
/// Issue 20's security cases in the exports: markdown never becomes code in a file-based app, <c>#load</c> reads only inside
/// the notebook's folder tree, and <c>--sanitize</c> pages run no script from the notebook's markdown or outputs.
/// </summary>
[Collection("runner")]
public class ExportSecurityTests
{
    private static (int Code, string Error) Cli(params string[] args) => NotebookCli.Run(args);

    private static string Project => Path.Combine(OutputsOf.RepositoryRoot(), "src", "Aevb", "Aevb.csproj");

    [Theory]
    [InlineData("\u2028")]
    [InlineData("\u2029")]
    [InlineData("\u0085")]
    [InlineData("\r")]
    [InlineData("\r\n")]
    public void MarkdownNeverLeavesItsComment(string terminator)
    {
        using var dir = new TempNotebookDir();
        var injected = $"# Title{terminator}Console.WriteLine(\"INJECTED\");{terminator}";
        var path = dir.Write("md.ipynb", "md:" + injected, "var x = 1;", $"#!fsharp\nlet y = 1{terminator}System.Console.WriteLine(\"INJECTED2\")");
        var code = FileAppExporter.Export(Notebook.Load(path), dir.PathOf("md.cs"), Project).Code;

        // Compiled as C# would compile it: no token, only comment trivia, holds the markdown's text.
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Preview));
        var tokens = tree.GetRoot().DescendantTokens().Select(t => t.Text).ToList();
        Assert.DoesNotContain(tokens, t => t.Contains("INJECTED", StringComparison.Ordinal));
        Assert.Contains(tree.GetRoot().DescendantTrivia(), t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) && t.ToString().Contains("INJECTED", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadOutsideTheNotebookFolderIsRefusedUnlessAllowed()
    {
        using var dir = new TempNotebookDir();
        Directory.CreateDirectory(dir.PathOf("nb"));
        File.WriteAllText(dir.PathOf("secret.env"), "var token = \"SECRET-TOKEN\";\n");
        File.WriteAllText(dir.PathOf(Path.Combine("nb", "inside.csx")), "var fine = 1;\n");
        var app = dir.PathOf("out.cs");

        var inside = Path.Combine(dir.Dir, "nb", "inside.ipynb");
        File.Copy(dir.Write("inside.ipynb", "#load \"inside.csx\"\nfine"), inside);
        Assert.Equal(0, Cli("export", inside, "--app", app, "--project", Project).Code);
        Assert.Contains("var fine = 1;", File.ReadAllText(app));
        File.Delete(app);

        var outside = Path.Combine(dir.Dir, "nb", "outside.ipynb");
        File.Copy(dir.Write("outside.ipynb", "#load \"../secret.env\"\ntoken"), outside);
        var (code, error) = Cli("export", outside, "--app", app, "--project", Project);
        Assert.Equal(2, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("secret.env", error);
        Assert.Contains("outside the notebook's folder", error);
        Assert.Contains("--allow-load-outside", error);
        Assert.False(File.Exists(app));

        // A link inside the folder to a file outside is the same file: refused too.
        File.CreateSymbolicLink(dir.PathOf(Path.Combine("nb", "link.csx")), dir.PathOf("secret.env"));
        var linked = Path.Combine(dir.Dir, "nb", "linked.ipynb");
        File.Copy(dir.Write("linked.ipynb", "#load \"link.csx\"\ntoken"), linked);
        Assert.Equal(2, Cli("export", linked, "--app", app, "--project", Project).Code);
        Assert.False(File.Exists(app));

        // Asked for explicitly, it is inlined.
        Assert.Equal(0, Cli("export", outside, "--app", app, "--project", Project, "--allow-load-outside").Code);
        Assert.Contains("SECRET-TOKEN", File.ReadAllText(app));
    }

    /// <summary>A notebook whose markdown and outputs carry live script in every usual way, beside one of our charts.</summary>
    private static Notebook Hostile(TempNotebookDir dir)
    {
        var path = dir.Write("hostile.ipynb",
            "md:# Hostile\n\n<img src=x onerror=\"alert('md-onerror')\"><script>alert('md-script')</script>\n\n[link](javascript:alert('md-href')) $x^2$",
            "1");
        var notebook = Notebook.Load(path);
        var chart = Aevb.Plotting.Chart.Line([1.0, 2.0], [3.0, 4.0]).ToHtmlFragment();
        var outputs = (System.Text.Json.Nodes.JsonArray)notebook.Cells[1].Node["outputs"]!;
        System.Text.Json.Nodes.JsonObject Display(string mime, string value) => new()
        {
            ["output_type"] = "display_data",
            ["data"] = new System.Text.Json.Nodes.JsonObject { [mime] = value },
            ["metadata"] = new System.Text.Json.Nodes.JsonObject(),
        };
        outputs.Add(Display("text/html", "<b onmouseover=\"alert('out-handler')\">bold</b><iframe src=\"javascript:alert('out-frame')\"></iframe><a href=\"data:text/html,<script>alert('out-data')</script>\">d</a>"));
        outputs.Add(Display("text/html", chart));
        outputs.Add(Display("image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert('svg-script')</script></svg>"));
        outputs.Add(Display("text/markdown", "<img src=y onerror=\"alert('outmd')\">"));
        notebook.Save(path);
        return Notebook.Load(path);
    }

    [Fact]
    public void SanitizedPagesRunNoScriptFromTheNotebookButKeepCharts()
    {
        using var dir = new TempNotebookDir();
        var notebook = Hostile(dir);
        var raw = HtmlExporter.Export(notebook, new HtmlExportOptions { Assets = HtmlAssets.Cdn }).Html;
        Assert.Contains("onerror=\"alert('md-onerror')\"", raw); // the default passes the notebook's HTML through, as nbconvert does

        var page = HtmlExporter.Export(notebook, new HtmlExportOptions { Assets = HtmlAssets.Cdn, Sanitize = true }).Html;
        foreach (var marker in new[] { "md-onerror", "md-script", "md-href", "out-handler", "out-frame", "out-data", "svg-script", "outmd" })
        {
            // Gone, or only inert: inside an <img> data URI (base64, so not even the text is there) it could not run anyway.
            Assert.DoesNotContain(marker, page);
        }
        var main = page[page.IndexOf("<main>", StringComparison.Ordinal)..page.IndexOf("</main>", StringComparison.Ordinal)]; // the notebook's part
        Assert.DoesNotContain("onerror", main, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onmouseover", main, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", main, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script type=\"text/javascript\"", main);
        Assert.Contains("<b>bold</b>", page);
        Assert.Contains("class=\"math", page); // KaTeX still typesets math
        // The chart survives as data drawn by the page's own script; the notebook's chart script is gone.
        Assert.Contains($"class=\"{UntrustedHtml.FigureClass}\"", page);
        Assert.Contains("script.aevb-chart-figure", page);
        Assert.DoesNotContain("var fig =", main);
        Assert.Contains("data:image/svg+xml;base64,", page);
    }

    [Fact]
    public void ASanitizedChartDrawsInHeadlessChromium()
    {
        Browser.HeadlessChromium.Require(); // fails with the install command when Chromium or plotly.js is missing, as the other browser tests do
        using var dir = new TempNotebookDir();
        var page = HtmlExporter.Export(Hostile(dir), new HtmlExportOptions { Sanitize = true, PlotlyJsPath = Aevb.Plotting.PlotlyJs.FindLocal() });
        Assert.True(page.PlotlyInlined);
        var file = dir.PathOf("page.html");
        File.WriteAllText(file, page.Html);
        var dom = Browser.HeadlessChromium.DumpDom(file);
        Assert.Contains("data-aevb-status=\"rendered\"", dom);
        Assert.DoesNotContain("data-aevb-status=\"error\"", dom);
    }
}
