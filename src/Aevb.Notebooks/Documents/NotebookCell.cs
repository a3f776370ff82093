using System.Text;
using System.Text.Json.Nodes;

namespace Aevb.Notebooks.Documents;

/// <summary>
/// One cell of a <see cref="Notebook"/>: a view over the cell's JSON object, so members we do not
/// model (ids, tags, attachments, editor metadata) stay exactly as they were.
/// </summary>
public sealed class NotebookCell
{
    internal NotebookCell(JsonObject node, int index)
    {
        Node = node;
        Index = index;
    }

    /// <summary>The cell's JSON; edit it directly for anything this class does not expose.</summary>
    public JsonObject Node { get; }

    /// <summary>0-based position among all cells of the notebook.</summary>
    public int Index { get; }

    /// <summary>1-based position among all cells, as a reader counts them in the editor ("cell 3").</summary>
    public int Number => Index + 1;

    /// <summary><c>code</c>, <c>markdown</c> or <c>raw</c>.</summary>
    public string CellType => Node["cell_type"]?.GetValue<string>() ?? "";

    public bool IsCode => CellType == "code";
    public bool IsMarkdown => CellType == "markdown";

    /// <summary>
    /// The cell text. nbformat stores it as a string or as an array of lines; reading joins the
    /// lines, writing stores Jupyter's form (lines each ending in "\n" except the last).
    /// </summary>
    public string Source
    {
        get => JoinMultiline(Node["source"]);
        set => Node["source"] = SplitLines(value);
    }

    /// <summary>The cell's metadata object (created empty if missing).</summary>
    public JsonObject Metadata
    {
        get
        {
            if (Node["metadata"] is JsonObject m) return m;
            var created = new JsonObject();
            Node["metadata"] = created;
            return created;
        }
    }

    /// <summary>
    /// The kernel the cell's metadata names (<c>polyglot_notebook.kernelName</c>, else the older
    /// <c>dotnet_interactive.language</c>), or null when it names none (the notebook default applies).
    /// </summary>
    public string? KernelName
        => (Node["metadata"]?["polyglot_notebook"]?["kernelName"] as JsonValue)?.TryGetValue<string>(out var k) == true ? k
         : (Node["metadata"]?["dotnet_interactive"]?["language"] as JsonValue)?.TryGetValue<string>(out var l) == true ? l
         : null;

    /// <summary>Code cells: the outputs array (created empty if missing).</summary>
    public JsonArray Outputs
    {
        get
        {
            if (Node["outputs"] is JsonArray a) return a;
            var created = new JsonArray();
            Node["outputs"] = created;
            return created;
        }
    }

    /// <summary>Code cells: <c>execution_count</c> (null when not run).</summary>
    public int? ExecutionCount
    {
        get => Node["execution_count"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;
        set => Node["execution_count"] = value is int n ? JsonValue.Create(n) : null;
    }

    /// <summary>Removes outputs and execution count, as "Clear All Outputs" does (a no-op on non-code cells).</summary>
    public void ClearOutputs()
    {
        if (!IsCode) return;
        if (Node["outputs"] is not JsonArray { Count: 0 }) Node["outputs"] = new JsonArray();
        if (Node["execution_count"] is not null) Node["execution_count"] = null;
    }

    /// <summary>Joins nbformat's multiline string (a string or an array of strings).</summary>
    public static string JoinMultiline(JsonNode? node)
    {
        switch (node)
        {
            case null: return "";
            case JsonValue v when v.TryGetValue<string>(out var s): return s;
            case JsonArray a:
                var sb = new StringBuilder();
                foreach (var item in a)
                    if (item is JsonValue iv && iv.TryGetValue<string>(out var line)) sb.Append(line);
                return sb.ToString();
            default: return node.ToJsonString();
        }
    }

    /// <summary>Splits text into Jupyter's line array: each line keeps its "\n"; the last has none unless the text ends with one.</summary>
    public static JsonArray SplitLines(string text)
    {
        var array = new JsonArray();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            array.Add(JsonValue.Create(text[start..(i + 1)]));
            start = i + 1;
        }
        if (start < text.Length) array.Add(JsonValue.Create(text[start..]));
        return array;
    }
}
