using System.Globalization;

namespace Aevb.Cli.Commands;

/// <summary>
/// The 1-, 5- and 15-minute load averages of the machine (Linux <c>/proc/loadavg</c>), null elsewhere.
/// </summary>
internal static class LoadAverage
{
    public static double[]? Read()
    {
        try
        {
            if (!File.Exists("/proc/loadavg")) return null;
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Busy: the 1-minute load is at least half the cores (another job would share ours).</summary>
    public static bool IsBusy(double[]? load) => load is { Length: > 0 } && load[0] >= 0.5 * Environment.ProcessorCount;

    public static string Format(double[]? load) => load is null
        ? "unknown"
        : string.Join(" ", load.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)));
}
