using System.Diagnostics;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Export;
using Aevb.Notebooks.Running;
using Aevb.Plotting;

namespace Aevb.Notebooks.Tests;

[Collection("runner")]
public class ExportTests
{
    private const string Png1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    private static Notebook ExecutedSample(TempNotebookDir dir)
    {
        var notebook = Notebook.CreatePolyglot();
        notebook.AddMarkdownCell("# The ELBO\n\nThe bound is *tight* when $q(z|x) = p(z|x)$:\n\n$$\\log p(x) \\ge \\mathcal{L}$$\n\n| N | bound |\n|---|---|\n| 3 | -120.5 |\n\nSee [the paper](https://arxiv.org/abs/1312.6114).");
        var code = notebook.AddCodeCell("var x = \"<tag>\"; // a comment\nConsole.WriteLine(x);");
        code.ExecutionCount = 1;
        code.Outputs.Add(NotebookOutputs.Stream("stdout", "<tag> & more\n"));
        code.Outputs.Add(NotebookOutputs.DisplayData(new Dictionary<string, string> { ["image/png"] = Png1x1, ["text/plain"] = "grid" }));
        code.Outputs.Add(NotebookOutputs.DisplayData(new Dictionary<string, string> { ["text/html"] = "<b class=\"chart\">bold chart</b>", ["text/plain"] = "chart" }));
        code.Outputs.Add(NotebookOutputs.ExecuteResult(new Dictionary<string, string> { ["text/plain"] = "42" }, 1));
        code.Outputs.Add(NotebookOutputs.Error("System.Exception", "bad", ["cell 2, line 2: System.Exception: bad \u001b[31mred\u001b[0m"]));
        var path = dir.PathOf("sample.ipynb");
        notebook.Save(path);
        return Notebook.Load(path);
    }

    [Fact]
    public void HtmlPageRendersMarkdownMathCodeAndEveryOutput()
    {
        using var dir = new TempNotebookDir();
        var page = HtmlExporter.Export(ExecutedSample(dir), new HtmlExportOptions { Assets = HtmlAssets.Cdn });
        var html = page.Html;
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<title>The ELBO</title>", html);
        Assert.Matches("<h1[^>]*>The ELBO</h1>", html);
        Assert.Contains("<em>tight</em>", html);
        Assert.Contains("<table>", html);
        Assert.Contains("<td>-120.5</td>", html);
        Assert.Contains("<a href=\"https://arxiv.org/abs/1312.6114\">the paper</a>", html);
        Assert.Contains("class=\"math\"", html);
        Assert.Contains("\\log p(x) \\ge \\mathcal{L}", html);
        Assert.Contains("renderMathInElement", html);
        Assert.False(page.KatexInlined);
        Assert.Contains("katex.min.js", html);
        // Code highlighted and escaped.
        Assert.Contains("<span class=\"kw\">var</span>", html);
        Assert.Contains("<span class=\"str\">&quot;&lt;tag&gt;&quot;</span>", html);
        Assert.Contains("<span class=\"com\">// a comment</span>", html);
        // Outputs: escaped stream, embedded PNG, inline HTML, result with its prompt, error without ANSI codes.
        Assert.Contains("<pre class=\"output stream stdout\">&lt;tag&gt; &amp; more\n</pre>", html);
        Assert.Contains($"<img alt=\"output\" src=\"data:image/png;base64,{Png1x1}\">", html);
        Assert.Contains("<b class=\"chart\">bold chart</b>", html);
        Assert.Contains("Out[1]:", html);
        Assert.Contains("<pre class=\"output text\">42</pre>", html);
        Assert.Contains("System.Exception: bad red", html);
        Assert.DoesNotContain("\u001b", html);
    }

    [Fact]
    public void KatexIsInlinedFromALocalCopyForOfflinePages()
    {
        using var dir = new TempNotebookDir();
        // A stand-in package with the files the exporter reads.
        var katex = Path.Combine(dir.Dir, "node_modules", "katex");
        Directory.CreateDirectory(Path.Combine(katex, "dist", "contrib"));
        Directory.CreateDirectory(Path.Combine(katex, "dist", "fonts"));
        File.WriteAllText(Path.Combine(katex, "dist", "katex.min.css"),
            "@font-face{font-family:KaTeX_Main;src:url(fonts/KaTeX_Main-Regular.woff2) format(\"woff2\"),url(fonts/KaTeX_Main-Regular.woff) format(\"woff\")}.katex{font:normal 1.21em KaTeX_Main}");
        File.WriteAllBytes(Path.Combine(katex, "dist", "fonts", "KaTeX_Main-Regular.woff2"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(katex, "dist", "katex.min.js"), "var katex={render:function(){}};/* </script> */");
        File.WriteAllText(Path.Combine(katex, "dist", "contrib", "auto-render.min.js"), "function renderMathInElement(){}");

        var page = HtmlExporter.Export(ExecutedSample(dir)); // found above the notebook
        Assert.True(page.KatexInlined);
        Assert.Contains("src:url(data:font/woff2;base64,AQID) format(\"woff2\")}", page.Html);
        Assert.DoesNotContain("cdn.jsdelivr", page.Html);
        Assert.Contains("<\\/script> */", page.Html);

        Assert.Throws<NotebookFormatException>(() => HtmlExporter.Export(ExecutedSample(dir), new HtmlExportOptions { KatexDirectory = dir.Dir }));
    }

    [Fact]
    public void DoubleDollarMathIsDisplayMathAsInJupyterAndSingleDollarStaysInline()
    {
        var notebook = Notebook.CreatePolyglot();
        notebook.AddMarkdownCell("Inline $a^2$, display in a paragraph $$\\sum_i x_i$$ and on its own lines:\n\n$$\n\\int f\n$$");
        var html = HtmlExporter.Export(notebook, new HtmlExportOptions { Assets = HtmlAssets.Cdn }).Html;
        Assert.Contains("<span class=\"math\">\\(a^2\\)</span>", html);
        Assert.Contains("<span class=\"math\">\\[\\sum_i x_i\\]</span>", html);
        Assert.Matches(@"<div class=""math"">\s*\\\[\s*\\int f\s*\\\]\s*</div>", html);
    }

    /// <summary>A notebook with two chart outputs (HTML fragment + static PNG) and no math.</summary>
    private static Notebook ChartNotebook(TempNotebookDir dir)
    {
        var notebook = Notebook.CreatePolyglot();
        var code = notebook.AddCodeCell("display(a);\ndisplay(b);");
        code.ExecutionCount = 1;
        foreach (var chart in new[] { Chart.Line(new[] { 1, 10, 100 }, new[] { 3, 2, 1 }, name: "a").WithXAxis(log: true), Chart.Histogram(new[] { 1, 2, 2 }) })
            code.Outputs.Add(NotebookOutputs.DisplayData(new Dictionary<string, string>
            {
                ["text/html"] = chart.ToHtmlFragment(), ["image/png"] = Png1x1, ["text/plain"] = chart.ToString(),
            }));
        var path = dir.PathOf("charts.ipynb");
        notebook.Save(path);
        return Notebook.Load(path);
    }

    private static int Count(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    [Fact]
    public void ChartPagesCarryPlotlyOnceInTheHeadAndEachChartsImageForReadersWithoutScripts()
    {
        using var dir = new TempNotebookDir();
        var plotly = dir.PathOf("stand-in-plotly.min.js");
        File.WriteAllText(plotly, "window.Plotly = { version: 'stand-in' }; /* </script> */");
        var page = HtmlExporter.Export(ChartNotebook(dir), new HtmlExportOptions { PlotlyJsPath = plotly });
        var html = page.Html;
        var headEnd = html.IndexOf("</head>", StringComparison.Ordinal);
        Assert.True(page.HasCharts && page.PlotlyInlined && page.SelfContained);
        Assert.False(page.HasMath);
        Assert.Equal(1, Count(html, "window.Plotly = { version: 'stand-in' }"));
        Assert.True(html.IndexOf("window.Plotly = { version: 'stand-in' }", StringComparison.Ordinal) < headEnd, "plotly.js belongs in the head, before the charts");
        Assert.Contains("<\\/script> */", html);
        Assert.DoesNotContain("katex", html, StringComparison.OrdinalIgnoreCase);         // no math, no KaTeX
        Assert.DoesNotContain("renderMathInElement", html);
        // Interactive HTML first, the PNG in a <noscript> (and swapped in if plotly.js cannot load).
        Assert.Equal(2, Count(html, "<div class=\"output rich\">"));
        Assert.Equal(2, Count(html, $"<noscript class=\"fallback\"><div class=\"output image\"><img alt=\"output\" src=\"data:image/png;base64,{Png1x1}\"></div></noscript>"));
        Assert.True(html.IndexOf("data-aevb-chart", StringComparison.Ordinal) < html.IndexOf("<noscript class=\"fallback\">", StringComparison.Ordinal));
        Assert.Contains(".output.rich", html[headEnd..]);   // the fallback script

        var cdn = HtmlExporter.Export(ChartNotebook(dir), new HtmlExportOptions { Assets = HtmlAssets.Cdn });
        Assert.False(cdn.PlotlyInlined || cdn.SelfContained);
        Assert.Empty(cdn.Notes);   // asked for: nothing to warn about
        Assert.Contains($"<script src=\"{PlotlyJs.CdnUrl}\" charset=\"utf-8\"></script>\n</head>", cdn.Html);
        Assert.DoesNotContain("stand-in", cdn.Html);
    }

    [Fact]
    public void PlotlyIsFoundAboveTheNotebookAndAMissingCopyIsAnErrorOnlyWhenOfflineIsRequired()
    {
        using var dir = new TempNotebookDir();
        var previous = Environment.GetEnvironmentVariable(PlotlyJs.EnvironmentVariable);
        try
        {
            // A copy in node_modules above the notebook is found first.
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, null);
            var package = Path.Combine(dir.Dir, "node_modules", PlotlyJs.PackageName);
            Directory.CreateDirectory(package);
            File.WriteAllText(Path.Combine(package, "plotly.min.js"), "window.Plotly = { version: 'beside the notebook' };");
            Assert.Contains("beside the notebook", HtmlExporter.Export(ChartNotebook(dir)).Html);

            // None anywhere (the variable names a missing file, which disables the search).
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, dir.PathOf("missing.js"));
            var e = Assert.Throws<NotebookFormatException>(() => HtmlExporter.Export(ChartNotebook(dir), new HtmlExportOptions { Assets = HtmlAssets.Inline }));
            Assert.Contains("offline", e.Message);
            Assert.Contains("npm ci", e.Message);
            Assert.Contains("--cdn", e.Message);
            var auto = HtmlExporter.Export(ChartNotebook(dir));
            Assert.True(auto.HasCharts);
            Assert.False(auto.PlotlyInlined);
            Assert.Contains($"<script src=\"{PlotlyJs.CdnUrl}\"", auto.Html);
            var note = Assert.Single(auto.Notes);
            Assert.Contains("need a network", note);
            Assert.Contains(PlotlyJs.EnvironmentVariable, note);

            // A page without charts needs no plotly.js, so offline export works regardless.
            var plain = Notebook.CreatePolyglot();
            plain.AddMarkdownCell("# No charts");
            var page = HtmlExporter.Export(plain, new HtmlExportOptions { Assets = HtmlAssets.Inline });
            Assert.True(page.SelfContained);
            Assert.False(page.HasCharts || page.HasMath);
            Assert.DoesNotContain("<script", page.Html);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, previous);
        }
    }

    [Fact]
    public void KatexCdnVersionIsThePinnedPackage()
    {
        var pkg = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(OutputsOf.RepositoryRoot(), "package.json"))).RootElement;
        Assert.Equal(KatexAssets.CdnVersion, pkg.GetProperty("dependencies").GetProperty("katex").GetString());
    }

    [Fact]
    public void FileAppTurnsScriptCodeIntoAProgram()
    {
        using var dir = new TempNotebookDir();
        var root = OutputsOf.RepositoryRoot();
        var project = Path.Combine(root, "src", "Aevb", "Aevb.csproj");
        var dll = Path.GetRelativePath(dir.Dir, Path.Combine(AppContext.BaseDirectory, "Aevb.dll")).Replace('\\', '/');
        File.WriteAllText(dir.PathOf("helpers.csx"), "using System.Globalization;\nstring Fmt(double v) => v.ToString(\"0.00\", CultureInfo.InvariantCulture);\n");
        var path = dir.Write("app.ipynb",
            $"#!csharp\n#r \"{dll}\"\nusing Aevb;",
            "md:## Part one\n\nText.",
            "#load \"helpers.csx\"\npublic static int Twice(int v) => 2 * v;\nrecord Pair(int A, int B);\nvar x = 21;",
            "#!fsharp\nlet y = 1",
            "new Pair(Twice(x), 1)");
        var appPath = Path.Combine(dir.Dir, "app", "app.cs");
        var export = FileAppExporter.Export(Notebook.Load(path), appPath, project);
        var code = export.Code;
        var expectedProject = Path.GetRelativePath(Path.Combine(dir.Dir, "app"), project).Replace('\\', '/');
        Assert.StartsWith($"#:project {expectedProject}\n", code);
        Assert.DoesNotContain("\n#r ", code);
        Assert.Contains("// #r \"" + dll + "\" -> #:project", code);
        Assert.True(code.IndexOf("using Aevb;", StringComparison.Ordinal) < code.IndexOf("// ---- cell 1", StringComparison.Ordinal));
        Assert.True(code.IndexOf("using System.Globalization;", StringComparison.Ordinal) < code.IndexOf("// ---- cell 1", StringComparison.Ordinal));
        Assert.Contains("// ## Part one", code);
        Assert.Contains("string Fmt(double v)", code);
        Assert.Contains("\nstatic int Twice(int v) => 2 * v;", code); // no access modifier on a local function
        Assert.Contains("display(new Pair(Twice(x), 1));", code);
        Assert.True(code.IndexOf("record Pair", StringComparison.Ordinal) > code.IndexOf("display(new Pair", StringComparison.Ordinal));
        Assert.Contains("// let y = 1", code);
        Assert.Contains(export.Warnings, w => w.Contains("cell 4"));
        Assert.Contains("static class NotebookDisplay", code);
    }

    [Fact]
    public async Task ExportedAppRunsWithDotnetRun()
    {
        using var dir = new TempNotebookDir();
        var root = OutputsOf.RepositoryRoot();
        var dll = Path.GetRelativePath(dir.Dir, Path.Combine(AppContext.BaseDirectory, "Aevb.dll")).Replace('\\', '/');
        var path = dir.Write("run-me.ipynb",
            $"#r \"{dll}\"\nusing Aevb;",
            "md:# A note",
            "var x = 21;\nint Twice(int v) => 2 * v;\nrecord Pair(int A, int B);",
            "Console.WriteLine($\"quick={Environment.GetEnvironmentVariable(\"AEVB_QUICK\")}\");\ndisplay(new Pair(Twice(x), 1));\n\"via extension\".Display();\ntypeof(AssemblyMarker).Assembly.GetName().Name",
            "Console.WriteLine(\"read: \" + System.IO.File.ReadAllText(\"beside-the-notebook.txt\"));\ndisplay(Aevb.Plotting.Chart.Line(new double[] { 1, 2 }, new double[] { 3, 4 }))");
        File.WriteAllText(dir.PathOf("beside-the-notebook.txt"), "relative to the notebook");
        // The app lives (and is started) in another folder: its cells still run in the notebook's folder.
        Directory.CreateDirectory(dir.PathOf("app"));
        var appPath = dir.PathOf(Path.Combine("app", "run-me.cs"));
        var export = FileAppExporter.Export(Notebook.Load(path), appPath, Path.Combine(root, "src", "Aevb", "Aevb.csproj"));
        Assert.Empty(export.Warnings);
        File.WriteAllText(appPath, export.Code);

        var start = new ProcessStartInfo("dotnet", ["run", "run-me.cs"])
        {
            WorkingDirectory = dir.PathOf("app"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test host's MSBuild variables would point the nested build at the wrong SDK pieces.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["AEVB_QUICK"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("dotnet run of the exported app did not finish in 8 minutes");
        }
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Contains("quick=1", output);
        Assert.Contains("Pair { A = 42, B = 1 }", output);
        Assert.Contains("via extension", output);
        Assert.Contains("Aevb", output.Split('\n').Select(l => l.Trim()));
        Assert.Contains("read: relative to the notebook", output);
        Assert.False(Directory.Exists(dir.PathOf("display-output")), "a display-output folder beside the notebook");
        Assert.False(Directory.Exists(dir.PathOf(Path.Combine("app", "display-output"))), "a display-output folder where the app started");
        Assert.Contains(Path.Combine(Path.GetTempPath(), "aevb-display"), output); // rich displays are saved outside the repository
    }
}
