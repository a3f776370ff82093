using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Aevb.Training.Runs;

/// <summary>Where and from what a run was produced: the git revision of the sources it was built from and the
/// machine.</summary>
public static class RunProvenance
{
    /// <summary>
    /// The git revision of the sources this library was built from, embedded by the build
    /// (<c>src/Aevb/SourceRevision.targets</c>): <c>git rev-parse HEAD</c>, with <c>+dirty</c> when a tracked file
    /// that goes into the build differed (changes under <c>results/</c> or in the notebooks do not count), or
    /// <c>unknown</c> for a build without git. Not the repository of the working directory: a run started there
    /// with an older binary would otherwise claim code it did not run.
    /// </summary>
    public static string GitRevision() => BuiltFrom(typeof(RunProvenance).Assembly);

    /// <summary>The revision <paramref name="assembly"/>'s build embedded, or <c>unknown</c>.</summary>
    internal static string BuiltFrom(Assembly assembly)
        => assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == SourceRevisionKey)?.Value is { Length: > 0 } revision ? revision : "unknown";

    /// <summary>The <see cref="AssemblyMetadataAttribute"/> key the build writes the revision under.</summary>
    public const string SourceRevisionKey = "AevbSourceRevision";

    public static JsonObject Machine() => new()
    {
        ["name"] = Environment.MachineName,
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
        ["cpu"] = CpuModel(),
        ["cores"] = Environment.ProcessorCount,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["avx512"] = System.Runtime.Intrinsics.X86.Avx512F.IsSupported,
        // Other work on the machine slows a run down; the 1-minute load average says how busy it was.
        ["load_average"] = LoadAverage(),
    };

    private static double? LoadAverage()
    {
        try
        {
            if (!File.Exists("/proc/loadavg")) return null;
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.TryParse(first, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                        return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return "unknown";
    }
}
