using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;

namespace Aevb.Polyglot.Tests;

/// <summary>
/// Runs a notebook cell by cell in Polyglot Notebooks' own C# kernel (.NET Interactive's <see cref="CSharpKernel"/>
/// inside a <see cref="CompositeKernel"/>, in this process), as the VS Code extension does, and records each cell's
/// outputs in the shape our runner writes them to .ipynb.
/// </summary>
internal static class PolyglotKernel
{
    /// <summary>
    /// Parses <paramref name="notebookPath"/> with .NET Interactive's own reader and runs its C# cells in order with
    /// the working directory set to the notebook's folder (as Polyglot does) and <paramref name="environment"/> set
    /// for the run. Returns one <see cref="CellOutputs"/> per code cell.
    /// </summary>
    public static async Task<List<CellOutputs>> RunAsync(string notebookPath, IReadOnlyDictionary<string, string> environment)
    {
        var kernels = new KernelInfoCollection { new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", languageName: "C#", aliases: ["c#", "C#"]) };
        InteractiveDocument document;
        await using (var stream = File.OpenRead(notebookPath))
            document = Notebook.Read(stream, kernels);

        var savedDirectory = Directory.GetCurrentDirectory();
        var savedEnvironment = environment.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!);
        foreach (var (k, v) in environment) Environment.SetEnvironmentVariable(k, v);
        try
        {
            // As dotnet-interactive sets the C# kernel up: with its helpers (display(...), HTML(...), ...).
            using var kernel = new CompositeKernel { new CSharpKernel().UseKernelHelpers() };
            kernel.DefaultKernelName = "csharp";
            var cells = new List<CellOutputs>();
            var index = 0;
            foreach (var element in document.Elements)
            {
                index++;
                if (element.KernelName is "markdown") continue;
                var result = await kernel.SendAsync(new SubmitCode(element.Contents, "csharp"));
                cells.Add(CellOutputs.From(index, result.Events));
            }
            return cells;
        }
        finally
        {
            Directory.SetCurrentDirectory(savedDirectory);
            foreach (var (k, v) in savedEnvironment) Environment.SetEnvironmentVariable(k, v);
        }
    }
}

/// <summary>One code cell's outputs: its displayed values (each a set of MIME types with their text), its
/// standard output and error, and its failure if it failed.</summary>
internal sealed record CellOutputs(int Index, List<Dictionary<string, string>> Values, string Stdout, string Stderr, string? Failure)
{
    public static CellOutputs From(int index, IEnumerable<KernelEvent> events)
    {
        var values = new List<Dictionary<string, string>>();
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        string? failure = null;
        foreach (var e in events)
        {
            switch (e)
            {
                case StandardOutputValueProduced o:
                    stdout.Append(o.FormattedValues.First(v => v.MimeType == "text/plain").Value);
                    break;
                case StandardErrorValueProduced o:
                    stderr.Append(o.FormattedValues.First(v => v.MimeType == "text/plain").Value);
                    break;
                case ErrorProduced err:
                    failure = (failure is null ? "" : failure + "\n") + err.Message;
                    break;
                case DisplayEvent d:   // display(...), a cell's return value, an updated display
                    // .NET Interactive lists a MIME type even when its formatter returned false and wrote nothing
                    // (our chart formatter does that for image/png when no renderer is available); a front end
                    // shows nothing for it, and our runner leaves it out: leave it out here too.
                    values.Add(d.FormattedValues.Where(v => v.Value.Length > 0).ToDictionary(v => v.MimeType, v => v.Value));
                    break;
                case CommandFailed f:
                    failure = (failure is null ? "" : failure + "\n") + f.Message + (f.Exception is null ? "" : "\n" + f.Exception);
                    break;
            }
        }
        return new CellOutputs(index, values, stdout.ToString(), stderr.ToString(), failure);
    }
}
