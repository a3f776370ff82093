using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aevb.IO;

namespace Aevb.Notebooks.Documents;

/// <summary>
/// An nbformat 4 notebook (<c>.ipynb</c>) held as its JSON tree, so that everything we do not
/// model (unknown metadata, cell ids, attachments, key order, number spelling) survives a
/// load/save round trip byte for byte. Saving uses Jupyter's layout (see <see cref="JupyterJson"/>).
/// </summary>
public sealed class Notebook
{
    private Notebook(JsonObject root, string? path, int indent, string newLine)
    {
        Root = root;
        Path = path;
        Indent = indent;
        NewLine = newLine;
    }

    /// <summary>The whole document.</summary>
    public JsonObject Root { get; }

    /// <summary>The file it was loaded from, if any (used in error messages and to resolve relative paths).</summary>
    public string? Path { get; private set; }

    /// <summary>Spaces per indentation level; read from the file (Jupyter and VS Code write 1).</summary>
    public int Indent { get; set; }

    /// <summary>Line break used when saving; "\r\n" only when the file already used it.</summary>
    public string NewLine { get; set; }

    public int FormatMajor => Root["nbformat"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
    public int FormatMinor => Root["nbformat_minor"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;

    /// <summary>Notebook metadata (created empty if missing).</summary>
    public JsonObject Metadata
    {
        get
        {
            if (Root["metadata"] is JsonObject m) return m;
            var created = new JsonObject();
            Root["metadata"] = created;
            return created;
        }
    }

    /// <summary>The cells in order, as views over the JSON (a fresh list each call; cheap).</summary>
    public IReadOnlyList<NotebookCell> Cells
    {
        get
        {
            var list = new List<NotebookCell>();
            if (Root["cells"] is JsonArray cells)
                for (var i = 0; i < cells.Count; i++)
                    if (cells[i] is JsonObject o) list.Add(new NotebookCell(o, i));
            return list;
        }
    }

    /// <summary>The notebook's default kernel (<c>polyglot_notebook.kernelInfo.defaultKernelName</c>), or null.</summary>
    public string? DefaultKernelName
        => Metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Reads a notebook file; throws <see cref="NotebookFormatException"/> naming the file on bad input.</summary>
    public static Notebook Load(string path)
    {
        if (Directory.Exists(path)) throw new NotebookFormatException($"{path}: is a folder, not a notebook file.");
        string text;
        try
        {
            text = NotebookText.Read(path); // strict UTF-8, ordinary files only
        }
        catch (FileNotFoundException)
        {
            throw new NotebookFormatException($"{path}: no such notebook file.");
        }
        catch (DirectoryNotFoundException)
        {
            throw new NotebookFormatException($"{path}: no such notebook file (the folder does not exist).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException($"{path}: cannot be read ({e.Message.ReplaceLineEndings(" ").Trim()}).", e);
        }
        var notebook = Parse(text, path);
        notebook.Path = System.IO.Path.GetFullPath(path);
        return notebook;
    }

    /// <summary>Parses notebook JSON; <paramref name="path"/> only names the source in error messages.</summary>
    public static Notebook Parse(string json, string? path = null)
    {
        var name = path ?? "notebook";
        if (json.Length > 0 && json[0] == '\uFEFF') json = json[1..];
        JsonNode? node;
        try
        {
            node = JupyterJson.Parse(json);
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException($"{name}: not valid JSON ({e.Message}). Is it a notebook that was cut off or merged with conflict markers?", e);
        }
        if (node is not JsonObject root)
            throw new NotebookFormatException($"{name}: not a notebook (the top level is not a JSON object).");
        if (root["cells"] is not JsonArray)
            throw new NotebookFormatException($"{name}: not an nbformat 4 notebook (no \"cells\" array).");
        var major = root["nbformat"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
        if (major != 4)
            throw new NotebookFormatException($"{name}: nbformat {major} is not supported; only nbformat 4 notebooks are (open and re-save it in Jupyter or VS Code to upgrade).");
        CheckCellSources(root["cells"]!.AsArray(), name);
        return new Notebook(root, path, DetectIndent(json), json.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n");
    }

    /// <summary>
    /// Every cell is an object whose "source" is a string or an array of strings (nbformat 4); anything else (e.g.
    /// <c>"source": 42</c>) would otherwise be read as its JSON text and run as code.
    /// </summary>
    private static void CheckCellSources(JsonArray cells, string name)
    {
        static bool IsString(JsonNode? n) => n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String;
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject cell)
                throw new NotebookFormatException($"{name}: cell {i + 1} is not a JSON object.");
            var source = cell["source"];
            if (!(IsString(source) || source is JsonArray lines && lines.All(IsString)))
            {
                var shown = source?.ToJsonString() ?? "missing";
                throw new NotebookFormatException($"{name}: cell {i + 1}: \"source\" must be a string or an array of strings (nbformat 4), not {(shown.Length > 40 ? shown[..40] + "…" : shown)}.");
            }
        }
    }

    /// <summary>
    /// A new, empty Polyglot Notebooks notebook (ARCHITECTURE.md, "Notebooks"): kernelspec <c>.net-csharp</c>,
    /// <c>polyglot_notebook.kernelInfo</c> with default kernel <c>csharp</c>, nbformat 4.2 as VS Code writes it.
    /// </summary>
    public static Notebook CreatePolyglot()
    {
        var root = new JsonObject
        {
            ["cells"] = new JsonArray(),
            ["metadata"] = PolyglotMetadata.NotebookMetadata(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 2,
        };
        return new Notebook(root, null, 1, "\n");
    }

    /// <summary>Appends a C# code cell carrying the Polyglot per-cell kernel metadata.</summary>
    public NotebookCell AddCodeCell(string source)
    {
        var cell = new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = PolyglotMetadata.CodeCellMetadata(),
            ["outputs"] = new JsonArray(),
            ["source"] = NotebookCell.SplitLines(source),
        };
        return Append(cell);
    }

    /// <summary>Appends a markdown cell.</summary>
    public NotebookCell AddMarkdownCell(string source)
    {
        var cell = new JsonObject
        {
            ["cell_type"] = "markdown",
            ["metadata"] = new JsonObject(),
            ["source"] = NotebookCell.SplitLines(source),
        };
        return Append(cell);
    }

    private NotebookCell Append(JsonObject cell)
    {
        var cells = (JsonArray)Root["cells"]!;
        cells.Add(cell);
        return new NotebookCell(cell, cells.Count - 1);
    }

    /// <summary>The document in Jupyter's layout, ending with a newline.</summary>
    public string ToJson() => JupyterJson.Write(Root, Indent, NewLine) + NewLine;

    /// <summary>Writes the notebook atomically (temp file, then rename) as UTF-8 without BOM.</summary>
    public void Save(string path)
    {
        AtomicFile.WriteAllText(path, ToJson());
        Path ??= System.IO.Path.GetFullPath(path);
    }

    /// <summary>A deep copy (same layout settings and path).</summary>
    public Notebook Clone() => new((JsonObject)Root.DeepClone(), Path, Indent, NewLine);

    private static int DetectIndent(string json)
    {
        // The first nested member sits on the second line; its leading spaces are one level.
        var nl = json.IndexOf('\n');
        if (nl < 0) return 1;
        var count = 0;
        for (var i = nl + 1; i < json.Length && json[i] == ' '; i++) count++;
        return count is >= 1 and <= 8 ? count : 1;
    }
}
