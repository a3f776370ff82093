using System.Text.Json.Nodes;

namespace Aevb.Notebooks.Documents;

/// <summary>
/// Checks that a notebook is a well-formed nbformat 4 Polyglot C# notebook (ARCHITECTURE.md, "Notebooks") the runner
/// can execute: the metadata Polyglot Notebooks needs, well-formed cells, and no cell in a kernel
/// or with a magic the runner cannot execute.
/// </summary>
public static class NotebookValidator
{
    /// <summary>All problems found (empty when the notebook is fine).</summary>
    public static IReadOnlyList<NotebookProblem> Check(Notebook notebook)
    {
        var problems = new List<NotebookProblem>();
        var meta = notebook.Metadata;

        var spec = meta["kernelspec"]?["name"] is JsonValue sv && sv.TryGetValue<string>(out var s) ? s : null;
        if (spec is null)
            problems.Add(new(null, null, $"metadata.kernelspec is missing; a Polyglot C# notebook has kernelspec.name '{PolyglotMetadata.KernelSpecName}'.", Fixable: true));
        else if (spec != PolyglotMetadata.KernelSpecName)
            problems.Add(new(null, null, $"metadata.kernelspec.name is '{spec}'; a Polyglot C# notebook has '{PolyglotMetadata.KernelSpecName}'.", Fixable: true));

        var defaultKernel = notebook.DefaultKernelName;
        if (defaultKernel is null)
            problems.Add(new(null, null, "metadata.polyglot_notebook.kernelInfo.defaultKernelName is missing (should be 'csharp').", Fixable: true));
        else if (!PolyglotMetadata.IsCSharp(defaultKernel))
            problems.Add(new(null, null, $"metadata.polyglot_notebook.kernelInfo.defaultKernelName is '{defaultKernel}'; the aevb runner executes C# ('csharp') only."));

        if (notebook.FormatMinor < 0 || notebook.Root["nbformat_minor"] is null)
            problems.Add(new(null, null, "nbformat_minor is missing.", Fixable: true));

        foreach (var cell in notebook.Cells)
        {
            var type = cell.CellType;
            if (type is not ("code" or "markdown" or "raw"))
            {
                problems.Add(new(cell.Number, null, $"unknown cell_type '{type}' (expected code, markdown or raw)."));
                continue;
            }
            var source = cell.Node["source"];
            if (source is not (JsonArray or JsonValue) || (source is JsonArray arr && arr.Any(x => x is not JsonValue xv || !xv.TryGetValue<string>(out _)))
                || (source is JsonValue v && !v.TryGetValue<string>(out _)))
                problems.Add(new(cell.Number, null, "source must be a string or an array of strings."));
            if (cell.Node["metadata"] is not JsonObject)
                problems.Add(new(cell.Number, null, "metadata object is missing.", Fixable: true));
            if (!cell.IsCode) continue;

            if (cell.Node["outputs"] is not JsonArray)
                problems.Add(new(cell.Number, null, "code cell has no outputs array.", Fixable: true));
            if (cell.Node["execution_count"] is JsonNode ec && !(ec is JsonValue ev && ev.TryGetValue<int>(out _)))
                problems.Add(new(cell.Number, null, "execution_count must be an integer or null."));
            var (_, cellProblems) = CellCode.Prepare(cell, defaultKernel);
            problems.AddRange(cellProblems);
            if (cell.Node["metadata"]?["polyglot_notebook"]?["kernelName"] is null && cellProblems.Count == 0)
                problems.Add(new(cell.Number, null, "code cell has no metadata.polyglot_notebook.kernelName (Polyglot Notebooks would guess its language).", Fixable: true));
        }
        return problems;
    }

    /// <summary>
    /// Adds the Polyglot metadata a C# notebook lacks (kernelspec, kernel info, per-cell kernel
    /// names of C# cells, empty outputs); leaves everything else as it is. Returns the number of edits.
    /// </summary>
    public static int Fix(Notebook notebook)
    {
        var edits = 0;
        var meta = notebook.Metadata;
        var template = PolyglotMetadata.NotebookMetadata();
        if (meta["kernelspec"]?["name"] is not JsonValue sv || sv.GetValue<string>() != PolyglotMetadata.KernelSpecName)
        {
            meta["kernelspec"] = template["kernelspec"]!.DeepClone();
            edits++;
        }
        if (meta["language_info"] is null)
        {
            meta["language_info"] = template["language_info"]!.DeepClone();
            edits++;
        }
        if (notebook.DefaultKernelName is null)
        {
            meta["polyglot_notebook"] = template["polyglot_notebook"]!.DeepClone();
            edits++;
        }
        if (notebook.Root["nbformat_minor"] is null)
        {
            notebook.Root["nbformat_minor"] = 2;
            edits++;
        }
        foreach (var cell in notebook.Cells)
        {
            if (cell.Node["metadata"] is not JsonObject) { _ = cell.Metadata; edits++; }
            if (!cell.IsCode) continue;
            if (cell.Node["outputs"] is not JsonArray) { _ = cell.Outputs; edits++; }
            if (cell.Node["metadata"]?["polyglot_notebook"]?["kernelName"] is null
                && CellCode.Prepare(cell, notebook.DefaultKernelName).Problems.Count == 0)
            {
                var m = cell.Metadata;
                if (m["dotnet_interactive"] is null) m["dotnet_interactive"] = new JsonObject { ["language"] = PolyglotMetadata.CSharpKernel };
                m["polyglot_notebook"] = new JsonObject { ["kernelName"] = PolyglotMetadata.CSharpKernel };
                edits++;
            }
        }
        return edits;
    }
}
