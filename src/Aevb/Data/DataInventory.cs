namespace Aevb.Data;

/// <summary>The state of one manifest file on the search path.</summary>
/// <param name="Dataset">Data set name (<c>mnist</c>, <c>frey</c>).</param>
/// <param name="Name">Canonical file name.</param>
/// <param name="Shape">Expected shape, e.g. <c>60000 x 28 x 28</c>.</param>
/// <param name="Path">Where it was found, or null.</param>
/// <param name="Origin">Which search-path folder (<c>AEVB_DATA_DIR</c>, <c>data/cache</c>, <c>argument</c>), or null.</param>
/// <param name="Bytes">Size on disk, or null.</param>
/// <param name="Verified">Structure, shape and SHA-256 all match the manifest.</param>
/// <param name="Problem">Why it is missing or not verified, or null.</param>
public sealed record DataFileStatus(string Dataset, string Name, string Shape, string? Path, string? Origin, long? Bytes, bool Verified, string? Problem);

/// <summary>What is present and verified: the report behind <c>aevb data info</c>.</summary>
public static class DataInventory
{
    /// <summary>Locates and (with <paramref name="verify"/>) fully checks every manifest file on the search path.</summary>
    public static IReadOnlyList<DataFileStatus> Check(string? dataDirectory = null, DataManifest? manifest = null, bool verify = true)
    {
        manifest ??= DataManifest.Default;
        var search = DataDirectories.SearchPath(dataDirectory);
        var result = new List<DataFileStatus>();
        foreach (var dataset in manifest.Datasets)
        foreach (var file in dataset.Files)
        {
            var shape = IdxFile.FormatShape(file.Shape.ToArray());
            if (DataFiles.Locate(file, search) is not { } found)
            {
                result.Add(new(dataset.Name, file.Name, shape, null, null, null, false, "not found"));
                continue;
            }
            var bytes = new FileInfo(found.Path).Length;
            try
            {
                DataFiles.Read(found, file, verify);
                result.Add(new(dataset.Name, file.Name, shape, found.Path, found.Location.Origin, bytes, verify, verify ? null : "not checked"));
            }
            catch (DataFileException e)
            {
                result.Add(new(dataset.Name, file.Name, shape, found.Path, found.Location.Origin, bytes, false, e.Problem));
            }
        }
        return result;
    }
}
