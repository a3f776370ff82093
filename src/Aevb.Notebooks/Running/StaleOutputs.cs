using System.Text.Json.Nodes;
using Aevb.Notebooks.Documents;

namespace Aevb.Notebooks.Running;

/// <summary>
/// Cells a run did not reach keep the outputs of an earlier run, marked in their metadata as
/// <c>"aevb": { "stale": "why" }</c> (other tools ignore the key); a cell that runs loses the mark.
/// </summary>
public static class StaleOutputs
{
    public const string MetadataKey = "aevb";

    /// <summary>Marks every code cell with outputs not in <paramref name="ran"/> (by index) as stale, and unmarks those in it.</summary>
    public static void Mark(IReadOnlyList<NotebookCell> cells, IReadOnlySet<int> ran, string reason)
    {
        foreach (var cell in cells.Where(c => c.IsCode))
        {
            var hasOutputs = cell.Node["outputs"] is JsonArray { Count: > 0 } || cell.ExecutionCount is not null;
            if (ran.Contains(cell.Index) || !hasOutputs)
            {
                if (cell.Node["metadata"] is JsonObject m && m[MetadataKey] is JsonObject a)
                {
                    a.Remove("stale");
                    if (a.Count == 0) m.Remove(MetadataKey);
                }
                continue;
            }
            var metadata = cell.Metadata;
            if (metadata[MetadataKey] is not JsonObject aevb) metadata[MetadataKey] = aevb = new JsonObject();
            aevb["stale"] = $"outputs from an earlier run: {reason}";
        }
    }

    /// <summary>The stale note of a cell, or null.</summary>
    public static string? Of(NotebookCell cell)
        => cell.Node["metadata"] is JsonObject m && m[MetadataKey] is JsonObject a ? a["stale"]?.GetValue<string>() : null;
}
