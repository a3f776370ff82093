using System.Text.Json.Nodes;

namespace Aevb.Notebooks.Documents;

/// <summary>
/// Builds nbformat 4 output objects with keys in the sorted order Jupyter writes, and reads them back.
/// </summary>
public static class NotebookOutputs
{
    /// <summary>A <c>stream</c> output (<paramref name="name"/> is <c>stdout</c> or <c>stderr</c>).</summary>
    public static JsonObject Stream(string name, string text) => new()
    {
        ["name"] = name,
        ["output_type"] = "stream",
        ["text"] = NotebookCell.SplitLines(text),
    };

    /// <summary>A <c>display_data</c> output from a mime bundle (mime type → text; image/png as base64).</summary>
    public static JsonObject DisplayData(IReadOnlyDictionary<string, string> bundle) => new()
    {
        ["data"] = Data(bundle),
        ["metadata"] = new JsonObject(),
        ["output_type"] = "display_data",
    };

    /// <summary>An <c>execute_result</c> output (the cell's final value).</summary>
    public static JsonObject ExecuteResult(IReadOnlyDictionary<string, string> bundle, int executionCount) => new()
    {
        ["data"] = Data(bundle),
        ["execution_count"] = executionCount,
        ["metadata"] = new JsonObject(),
        ["output_type"] = "execute_result",
    };

    /// <summary>An <c>error</c> output; <paramref name="traceback"/> is one entry per line, as Jupyter stores it.</summary>
    public static JsonObject Error(string ename, string evalue, IEnumerable<string> traceback) => new()
    {
        ["ename"] = ename,
        ["evalue"] = evalue,
        ["output_type"] = "error",
        ["traceback"] = new JsonArray(traceback.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
    };

    /// <summary>
    /// The <c>data</c> object of a bundle, keys sorted. As nbformat does, text types (<c>text/*</c>,
    /// SVG, JavaScript) are stored as line arrays; other types (image/png base64, JSON) as one string.
    /// </summary>
    public static JsonObject Data(IReadOnlyDictionary<string, string> bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in bundle.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            data[mime] = IsLineSplitMime(mime) ? NotebookCell.SplitLines(value) : JsonValue.Create(value);
        return data;
    }

    /// <summary>Reads an output's <c>data</c> back into mime type → text.</summary>
    public static Dictionary<string, string> ReadData(JsonObject output)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (output["data"] is not JsonObject data) return result;
        foreach (var (mime, value) in data)
            result[mime] = value switch
            {
                JsonObject => value.ToJsonString(),
                JsonArray a when a.Any(x => x is not JsonValue xv || !xv.TryGetValue<string>(out _)) => a.ToJsonString(),
                _ => NotebookCell.JoinMultiline(value),
            };
        return result;
    }

    public static bool IsLineSplitMime(string mime)
        => mime.StartsWith("text/", StringComparison.Ordinal) || mime is "image/svg+xml" or "application/javascript";
}
