using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Aevb.Training.Runs;

/// <summary>Where and from what a run was produced: the git revision of the sources and the machine.</summary>
public static class RunProvenance
{
    /// <summary>
    /// <c>git rev-parse HEAD</c> in <paramref name="directory"/> (with <c>+dirty</c> when tracked files differ),
    /// or <c>unknown</c> where git or a repository is not available.
    /// </summary>
    public static string GitRevision(string? directory = null)
    {
        directory ??= Aevb.Data.DataDirectories.FindRepositoryRoot() ?? Directory.GetCurrentDirectory();
        var head = Git(directory, "rev-parse HEAD");
        if (head is null) return "unknown";
        var status = Git(directory, "status --porcelain --untracked-files=no");
        return string.IsNullOrWhiteSpace(status) ? head : head + "+dirty";
    }

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

    private static string? Git(string directory, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(10_000)) { process.Kill(); return null; }
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }
}
