using System.CommandLine;
using Aevb.Notebooks;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Export;
using Aevb.Notebooks.Running;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb notebook export</c>: a notebook as a self-contained HTML page and/or a .NET 10 file-based app.
/// </summary>
internal static class NotebookExportCommand
{
    /// <summary>The command's argument and options, shared by its definition and its action.</summary>
    private sealed class Inputs
    {
        public readonly Argument<string> File =
            NotebookCommand.FileArgument("The notebook to export (.ipynb), usually an executed one.");
        public readonly Option<string?> Html = new("--html")
        {
            Description = "Write a self-contained HTML page (markdown and LaTeX rendered, code highlighted, outputs "
                + "shown).",
        };
        public readonly Option<string?> App = new("--app")
        {
            Description = "Write a .NET 10 file-based app (run with `dotnet run OUT.cs`) with the notebook's code.",
        };
        public readonly Option<string?> Project = new("--project")
        {
            Description = "For --app: the library project to reference (default: src/Aevb/Aevb.csproj found above "
                + "the notebook).",
        };
        public readonly Option<bool> AllowLoadOutside = new("--allow-load-outside")
        {
            Description = "For --app: also inline #load files outside the notebook's folder and its subfolders. "
                + "By default such a #load is refused, " +
                "so an export never copies a file from elsewhere (../../secret.env) into an app you may share.",
        };
        public readonly Option<string?> Katex = new("--katex")
        {
            Description = "For --html: folder of the npm package katex to inline (default: node_modules/katex found "
                + "above the notebook or the current folder; else the CDN).",
        };
        public readonly Option<bool> Offline = new("--offline")
        {
            Description = "For --html: the page must work offline: inline plotly.js and KaTeX, and fail if a local "
                + "copy is missing (default: inline what is found, the CDN for the rest).",
        };
        public readonly Option<bool> Cdn = new("--cdn")
        {
            Description = "For --html: load plotly.js and KaTeX from their CDNs (a small page that needs a network "
                + "for charts and math).",
        };
        public readonly Option<bool> Sanitize = new("--sanitize")
        {
            Description = "For --html: for a notebook you did not write: strip scripts, event-handler attributes "
                + "(onerror=…) and javascript: URLs " +
                "from its markdown and its HTML, markdown and SVG outputs; this project's charts still draw (their "
                + "data is kept, drawn by the page's own script). " +
                "Off by default, as in Jupyter's nbconvert: your own notebook's page shows its outputs exactly as "
                + "the notebook does, scripts included.",
        };
    }

    public static Command Create()
    {
        var inputs = new Inputs();
        var command = new Command("export",
            "Export a notebook to a self-contained HTML page (--html) and/or a .NET 10 file-based app (--app).")
        {
            inputs.File, inputs.Html, inputs.App, inputs.Project, inputs.AllowLoadOutside, inputs.Katex,
            inputs.Offline, inputs.Cdn, inputs.Sanitize,
        };
        command.SetAction(parseResult => Export(parseResult, inputs));
        return command;
    }

    private static int Export(ParseResult parseResult, Inputs inputs)
    {
        var path = parseResult.GetValue(inputs.File)!;
        var htmlOut = parseResult.GetValue(inputs.Html);
        var appOut = parseResult.GetValue(inputs.App);
        if (htmlOut is null && appOut is null)
        {
            Console.Error.WriteLine("aevb notebook export: say what to write: --html OUT.html and/or --app OUT.cs "
                + $"(e.g. `aevb notebook export {path} --html {Path.ChangeExtension(path, ".html")}`).");
            return 2;
        }
        if (parseResult.GetValue(inputs.Offline) && parseResult.GetValue(inputs.Cdn))
        {
            Console.Error.WriteLine("aevb notebook export: --offline and --cdn contradict each other; pass one "
                + "(or neither: inline what is found locally).");
            return 2;
        }
        try
        {
            var notebook = Notebook.Load(path);
            // Both targets checked before any work, so a bad one fails first and alone, in one line.
            if (htmlOut is not null) OutputTarget.Check(htmlOut, 1 << 20);
            if (appOut is not null) OutputTarget.Check(appOut, 64 << 10);
            if (htmlOut is not null) WriteHtml(parseResult, inputs, notebook, path, htmlOut);
            if (appOut is not null) WriteApp(parseResult, inputs, notebook, path, appOut);
            return 0;
        }
        catch (NotebookFormatException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"aevb notebook export: {OutputTarget.OneLine(e.Message)}");
            return 1;
        }
    }

    private static void WriteHtml(ParseResult parseResult, Inputs inputs, Notebook notebook, string path,
        string htmlOut)
    {
        var options = new HtmlExportOptions
        {
            KatexDirectory = parseResult.GetValue(inputs.Katex),
            Assets = parseResult.GetValue(inputs.Offline) ? HtmlAssets.Inline
                : parseResult.GetValue(inputs.Cdn) ? HtmlAssets.Cdn
                : HtmlAssets.Auto,
            Sanitize = parseResult.GetValue(inputs.Sanitize),
        };
        var page = HtmlExporter.Export(notebook, options);
        Aevb.IO.AtomicFile.WriteAllText(htmlOut, page.Html);
        foreach (var note in page.Notes) Console.Error.WriteLine($"{path}: note: {note}");
        var scripts = new List<string>();
        if (page.HasMath) scripts.Add(page.KatexInlined ? "KaTeX inlined" : "KaTeX from the CDN");
        if (page.HasCharts) scripts.Add(page.PlotlyInlined ? "plotly.js inlined" : "plotly.js from the CDN");
        var how = (page.SelfContained ? "self-contained, works offline" : "needs a network") +
                  (parseResult.GetValue(inputs.Sanitize) ? "; sanitized: no script from the notebook runs" : "");
        var what = scripts.Count == 0 ? how : string.Join(", ", scripts) + "; " + how;
        Console.Error.WriteLine($"{path}: wrote {htmlOut} ({what}).");
    }

    private static void WriteApp(ParseResult parseResult, Inputs inputs, Notebook notebook, string path,
        string appOut)
    {
        var projectPath = parseResult.GetValue(inputs.Project) ?? FileAppExporter.FindLibraryProject(notebook.Path!)
            ?? throw new NotebookFormatException(
                $"{path}: cannot find src/Aevb/Aevb.csproj above the notebook; pass --project PATH/TO/Aevb.csproj.");
        if (!File.Exists(projectPath))
            throw new NotebookFormatException($"{projectPath}: no such project file (--project).");
        var export = FileAppExporter.Export(notebook, appOut, projectPath,
            parseResult.GetValue(inputs.AllowLoadOutside));
        Aevb.IO.AtomicFile.WriteAllText(appOut, export.Code);
        foreach (var w in export.Warnings) Console.Error.WriteLine($"{path}: warning: {w}");
        Console.Error.WriteLine($"{path}: wrote {appOut}; run it with `dotnet run {appOut}`.");
    }
}
