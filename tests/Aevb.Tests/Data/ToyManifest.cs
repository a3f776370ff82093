using Aevb.Data;

namespace Aevb.Tests.Data;

/// <summary>A one-dataset manifest over a small IDX file the test controls, with the file's bytes and checksum.</summary>
internal sealed class ToyManifest
{
    public ToyManifest(string[]? urls = null, string? npm = null, bool withMatAlternate = false)
    {
        Data = new byte[6 * 4 * 5];
        for (var i = 0; i < Data.Length; i++) Data[i] = (byte)(i * 7 % 256);
        Content = IdxFile.Encode([6, 4, 5], Data);
        Sha256 = Checksum.Sha256Hex(Content);
        var sources = new List<string>();
        foreach (var u in urls ?? []) sources.Add($$"""{ "url": "{{u}}" }""");
        if (npm is not null) sources.Add($$"""{ "npm": "{{npm}}", "path": "package/data/toy-idx3-ubyte" }""");
        var alternates = withMatAlternate ? """, "alternates": [ { "name": "toy.mat", "format": "mat", "variable": "X" } ]""" : "";
        Manifest = DataManifest.Parse($$"""
            {
              "schema": 1,
              "fetch_command": "aevb-test data fetch",
              "datasets": [
                { "name": "toy", "files": [
                  { "name": "toy-idx3-ubyte", "shape": [6, 4, 5], "sha256": "{{Sha256}}", "sources": [ {{string.Join(", ", sources)}} ]{{alternates}} }
                ] }
              ]
            }
            """);
    }

    public byte[] Data { get; }
    public byte[] Content { get; }
    public string Sha256 { get; }
    public DataManifest Manifest { get; }
    public DataManifest.FileEntry File => Manifest.FindFile("toy-idx3-ubyte");

    /// <summary>Same structure, different bytes: passes every check but the checksum.</summary>
    public byte[] WrongContent()
    {
        var c = (byte[])Content.Clone();
        c[^1] ^= 0x55;
        return c;
    }

    /// <summary>The data as a MAT variable X (20 x 6, one item per column) as MATLAB would hold it.</summary>
    public byte[] Mat() => MatWriter.Level5([MatWriter.UInt8("X", 20, 6, Data)]);
}
