using System.Security.Cryptography;
using System.Text;

namespace Aevb.Cli;

/// <summary>
/// Lets a resumed <c>reproduce all</c> skip a notebook it already executed from the same inputs: a stamp file beside
/// the executed copy (<c>.NAME.ipynb.inputs</c>) holds a hash of what the run depended on — the notebook's bytes, the
/// engine (Aevb.dll), quick mode, the data folder, and the figure runs' run.json/log.csv that notebooks 04 and 05 plot.
/// Any change to one of them runs the notebook again.
/// </summary>
internal static class NotebookStamp
{
    public static string Key(string notebook, bool quick, string? dataDirectory, string runsDirectory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string label, ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(label + "\0"));
            hash.AppendData(bytes);
        }
        Add("notebook", File.ReadAllBytes(notebook));
        Add("engine", File.ReadAllBytes(typeof(Aevb.Training.Runs.FigureRun).Assembly.Location));
        Add("quick", [quick ? (byte)1 : (byte)0]);
        Add("data", Encoding.UTF8.GetBytes(dataDirectory is null ? "" : Path.GetFullPath(dataDirectory)));
        foreach (var figure in new[] { "fig2", "fig3" })
        {
            var dir = Path.Combine(runsDirectory, figure);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                         .Where(f => Path.GetFileName(f) is "run.json" or "log.csv").Order(StringComparer.Ordinal))
                Add(Path.GetRelativePath(runsDirectory, file), File.ReadAllBytes(file));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Whether <paramref name="executed"/> and its HTML page exist and were made from inputs with this key.</summary>
    public static bool IsCurrent(string executed, string key)
    {
        var stamp = PathOf(executed);
        return File.Exists(executed) && File.Exists(Path.ChangeExtension(executed, ".html")) && File.Exists(stamp)
               && File.ReadAllText(stamp).Trim() == key;
    }

    public static void Write(string executed, string key) => Aevb.IO.AtomicFile.WriteAllText(PathOf(executed), key + "\n");

    public static void Delete(string executed)
    {
        try { File.Delete(PathOf(executed)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string PathOf(string executed) => Path.Combine(Path.GetDirectoryName(executed)!, "." + Path.GetFileName(executed) + ".inputs");
}
