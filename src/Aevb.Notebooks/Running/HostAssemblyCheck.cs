using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;

namespace Aevb.Notebooks.Running;

/// <summary>
/// Warns when a notebook's <c>#r "x.dll"</c> names an assembly the runner process ships itself
/// (Aevb.dll, most likely) but from a different build. .NET resolves the assembly by name from
/// the host first, so the cell compiles against the notebook's file yet runs the host's copy;
/// a stale runner would then fail with MissingMethodException or behave like the old code.
/// </summary>
internal static class HostAssemblyCheck
{
    private static readonly Lazy<Dictionary<string, string>> HostAssemblies = new(() =>
        (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .GroupBy(p => Path.GetFileName(p), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase));

    public static IEnumerable<string> Warnings(Compilation compilation)
    {
        foreach (var reference in compilation.DirectiveReferences.OfType<PortableExecutableReference>())
        {
            if (reference.FilePath is not { } path) continue;
            if (!HostAssemblies.Value.TryGetValue(Path.GetFileName(path), out var host)) continue;
            if (string.Equals(Path.GetFullPath(host), Path.GetFullPath(path), StringComparison.Ordinal)) continue;
            if (Mvid(host) is { } a && Mvid(path) is { } b && a != b)
                yield return $"warning: {path} is a different build from the runner's own {host}; " +
                             "the runner's copy is what runs. Rebuild both (e.g. `dotnet build -c Release`) so they match.";
        }
    }

    private static Guid? Mvid(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            return reader.GetGuid(reader.GetModuleDefinition().Mvid);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or InvalidOperationException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
