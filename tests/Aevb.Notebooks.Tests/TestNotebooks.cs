using System.Text.Json.Nodes;
using Aevb.Notebooks.Documents;

namespace Aevb.Notebooks.Tests;

/// <summary>Builds notebooks in a fresh temp folder for a test, and cleans up.</summary>
internal sealed class TempNotebookDir : IDisposable
{
    public TempNotebookDir()
    {
        Dir = Path.Combine(Path.GetTempPath(), "aevb-nb-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; }

    public string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>Writes a Polyglot notebook with the given cells ("md:" prefix = markdown) and returns its path.</summary>
    public string Write(string name, params string[] cells)
    {
        var notebook = Notebook.CreatePolyglot();
        foreach (var cell in cells)
        {
            if (cell.StartsWith("md:", StringComparison.Ordinal)) notebook.AddMarkdownCell(cell[3..]);
            else notebook.AddCodeCell(cell);
        }
        var path = PathOf(name);
        notebook.Save(path);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class OutputsOf
{
    public static List<JsonObject> Cell(Notebook notebook, int cellNumber)
        => notebook.Cells[cellNumber - 1].Outputs.OfType<JsonObject>().ToList();

    public static string Type(JsonObject output) => output["output_type"]!.GetValue<string>();

    public static string Text(JsonObject output, string mime = "text/plain")
        => NotebookOutputs.ReadData(output)[mime];

    public static string StreamText(JsonObject output) => NotebookCell.JoinMultiline(output["text"]);

    /// <summary>The repository root (holds src/Aevb/Aevb.csproj), found above the test's output folder.</summary>
    public static string RepositoryRoot()
        => NotebookTemplate.FindRepositoryRoot(AppContext.BaseDirectory)
           ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
}
