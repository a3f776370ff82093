using System.Text.Json.Nodes;

namespace Aevb.Notebooks.Documents;

/// <summary>
/// The metadata Polyglot Notebooks (VS Code) writes for a C# notebook (ARCHITECTURE.md, "Notebooks"). Keys are in
/// sorted order, as Jupyter and VS Code write them, so new notebooks diff cleanly after an edit there.
/// </summary>
public static class PolyglotMetadata
{
    public const string KernelSpecName = ".net-csharp";
    public const string KernelSpecDisplayName = ".NET (C#)";
    public const string CSharpKernel = "csharp";

    /// <summary>Kernel names (and Polyglot aliases) that mean C#, the only language the runner executes.</summary>
    public static bool IsCSharp(string? kernel)
        => kernel is not null && (kernel.Equals("csharp", StringComparison.OrdinalIgnoreCase)
                                  || kernel.Equals("c#", StringComparison.OrdinalIgnoreCase)
                                  || kernel.Equals("cs", StringComparison.OrdinalIgnoreCase));

    public static JsonObject NotebookMetadata() => new()
    {
        ["kernelspec"] = new JsonObject
        {
            ["display_name"] = KernelSpecDisplayName,
            ["language"] = "C#",
            ["name"] = KernelSpecName,
        },
        ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
        ["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = CSharpKernel,
                ["items"] = new JsonArray(new JsonObject
                {
                    ["aliases"] = new JsonArray(),
                    ["languageName"] = "C#",
                    ["name"] = CSharpKernel,
                }),
            },
        },
    };

    public static JsonObject CodeCellMetadata() => new()
    {
        ["dotnet_interactive"] = new JsonObject { ["language"] = CSharpKernel },
        ["polyglot_notebook"] = new JsonObject { ["kernelName"] = CSharpKernel },
    };
}
