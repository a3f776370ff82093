namespace Aevb.Data;

/// <summary>A data file found on disk and how to read it.</summary>
/// <param name="Path">Full path of the file.</param>
/// <param name="Location">The search-path folder it was found in.</param>
/// <param name="Format"><c>idx</c> (raw or gzip) or <c>mat</c>.</param>
/// <param name="Variable">The MAT variable holding the data, for <c>mat</c>.</param>
public sealed record LocatedFile(string Path, DataLocation Location, string Format, string? Variable);

/// <summary>
/// Finds, reads and verifies the files listed in a <see cref="DataManifest"/>. Every failure is a
/// <see cref="DataFileException"/> naming the file, the problem and the fetch command that fixes it.
/// </summary>
public static class DataFiles
{
    /// <summary>
    /// The names a manifest file may have on disk, in the order they are preferred: the raw IDX
    /// file (fastest to load; what <c>aevb data fetch</c> writes), its gzip, then alternates such
    /// as the original <c>frey_rawface.mat</c>.
    /// </summary>
    public static IEnumerable<(string Name, string Format, string? Variable)> Candidates(DataManifest.FileEntry file)
    {
        yield return (file.Name, "idx", null);
        yield return (file.Name + ".gz", "idx", null);
        foreach (var a in file.Alternates) yield return (a.Name, a.Format, a.Variable);
    }

    /// <summary>The first candidate of <paramref name="file"/> present in a folder of <paramref name="search"/>, or null.</summary>
    public static LocatedFile? Locate(DataManifest.FileEntry file, IReadOnlyList<DataLocation> search)
    {
        foreach (var location in search)
            if (LocateIn(file, location) is { } found) return found;
        return null;
    }

    /// <summary>The first candidate of <paramref name="file"/> present in <paramref name="location"/>, or null.</summary>
    public static LocatedFile? LocateIn(DataManifest.FileEntry file, DataLocation location)
    {
        foreach (var (name, format, variable) in Candidates(file))
        {
            var path = Path.Combine(location.Directory, name);
            if (File.Exists(path)) return new LocatedFile(path, location, format, variable);
        }
        return null;
    }

    /// <summary>
    /// Finds <paramref name="file"/> on the search path (<paramref name="dataDirectory"/> when given,
    /// else <c>AEVB_DATA_DIR</c> then <c>data/cache</c>), reads it and checks its shape and, when
    /// <paramref name="verify"/> is set, its SHA-256.
    /// </summary>
    public static IdxArray Load(DataManifest.FileEntry file, string? dataDirectory = null, bool verify = true, DataManifest? manifest = null)
        => Load(file, DataDirectories.SearchPath(dataDirectory), verify, manifest);

    /// <summary>As above, searching the folders <paramref name="search"/> in order.</summary>
    public static IdxArray Load(DataManifest.FileEntry file, IReadOnlyList<DataLocation> search, bool verify = true, DataManifest? manifest = null)
    {
        var found = Locate(file, search) ?? throw Missing(file, search, manifest);
        return Read(found, file, verify, FixFor(file, found.Location, manifest));
    }

    /// <summary>Reads a located file into IDX form (converting a MAT file), validating shape and, optionally, checksum.</summary>
    public static IdxArray Read(LocatedFile found, DataManifest.FileEntry file, bool verify, string? fix = null)
    {
        try
        {
            RequireRegularFile(found.Path);
            var content = found.Format == "mat"
                ? ConvertMat(MatFile.Parse(File.ReadAllBytes(found.Path), found.Path), found.Variable ?? "", file, found.Path)
                : Gzip.ReadAllBytesDecompressed(found.Path);
            return Decode(content, file, found.Path, verify);
        }
        catch (DataFileException e)
        {
            throw e.WithFix(fix);
        }
    }

    /// <summary>
    /// Refuses, before opening it, a path that is not a regular file with content: reading a FIFO blocks until someone
    /// writes to it (a hang) and a device never ends. Such paths (and empty files) report a length of 0.
    /// </summary>
    public static void RequireRegularFile(string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists) throw new DataFileException(path, "does not exist");
            if (Aevb.IO.RegularFile.Length(info) > 0) return; // symlinks followed: a link to /dev/zero or a FIFO is refused too
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot be read: {e.Message}", inner: e);
        }
        throw new DataFileException(path, "is empty (0 bytes) or not a regular file (a FIFO, socket or device), so it was not read; a data file is a regular file of the data set's bytes");
    }

    /// <summary>Validates uncompressed IDX <paramref name="content"/> against <paramref name="file"/>'s shape and (optionally) checksum.</summary>
    public static IdxArray Decode(byte[] content, DataManifest.FileEntry file, string sourceName, bool verify = true)
    {
        var idx = IdxFile.Parse(content, sourceName, file.Shape.ToArray());
        if (verify) Checksum.Verify(idx.Content, file.Sha256, sourceName);
        return idx;
    }

    /// <summary>
    /// Converts a MAT variable to the IDX bytes of <paramref name="file"/>. The variable must be
    /// <c>[D, N]</c> with <c>N = shape[0]</c> items and <c>D</c> the product of the other
    /// dimensions, one item per column (MATLAB is column-major, so the columns are already
    /// consecutive items); a transposed <c>[N, D]</c> variable is accepted and transposed.
    /// </summary>
    public static byte[] ConvertMat(IReadOnlyList<MatVariable> variables, string variableName, DataManifest.FileEntry file, string sourceName)
    {
        var v = MatFile.Find(variables, variableName, sourceName);
        var shape = file.Shape.ToArray();
        var n = shape[0];
        var d = IdxArray.Product(shape.AsSpan(1));
        if (!v.IsNumeric || v.IsComplex)
            throw new DataFileException(sourceName, $"MAT variable '{v.Name}' is a {(v.IsComplex ? "complex " : "")}{v.Class} array, expected real numeric {d} x {n}");
        var dims = v.Dimensions;
        var columnsAreItems = dims.Length == 2 && dims[0] == d && dims[1] == n;
        var rowsAreItems = dims.Length == 2 && dims[0] == n && dims[1] == d;
        if (!columnsAreItems && !rowsAreItems)
            throw new DataFileException(sourceName, $"wrong dimensions: MAT variable '{v.Name}' is {string.Join(" x ", dims)}, expected {d} x {n} (one {IdxFile.FormatShape(shape.AsSpan(1))} item per column)");
        byte[] bytes;
        try
        {
            bytes = v.ToUInt8();
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(sourceName, e.Message, inner: e);
        }
        if (!columnsAreItems)
        {
            // [N, D] column-major: item i, element j sits at i + j*N.
            var t = new byte[bytes.Length];
            for (var i = 0; i < n; i++)
                for (var j = 0; j < d; j++) t[i * d + j] = bytes[i + j * n];
            bytes = t;
        }
        return IdxFile.Encode(shape, bytes);
    }

    /// <summary>The "file not found" error: the file, every place looked and the fetch command.</summary>
    public static DataFileException Missing(DataManifest.FileEntry file, IReadOnlyList<DataLocation> search, DataManifest? manifest = null)
    {
        var names = string.Join(", ", Candidates(file).Select(c => c.Name));
        var where = DataDirectories.Describe(search);
        var problem = $"not found. Looked for {names} in:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", where);
        return new DataFileException(file.Name, problem, FixFor(file, null, manifest));
    }

    /// <summary>
    /// The command that (re)creates <paramref name="file"/>: <c>aevb data fetch</c> for its data set,
    /// into <paramref name="location"/> when the bad file lives outside the default cache.
    /// </summary>
    public static string FixFor(DataManifest.FileEntry file, DataLocation? location, DataManifest? manifest = null)
    {
        var command = $"{(manifest ?? DataManifest.Default).FetchCommand} --dataset {file.DatasetName}";
        if (location is not null && location.Origin == DataDirectories.BundledOrigin)
            return $"restore the copy shipped in git: `git checkout -- data/` (or run `{command}`, which writes a verified copy to data/cache, searched first)";
        if (location is not null && location.Origin != "data/cache")
            return $"replace the file: `{command} --dir \"{location.Directory}\"` (run from the repository root) writes a verified copy there";
        var local = file.Alternates.Count > 0
            ? $"; with a local copy, add --from DIR (a folder holding {file.Name}.gz or {file.Alternates[0].Name})"
            : "; with a local copy, add --from DIR";
        return $"run `{command}` from the repository root (fills data/cache){local}; or set {DataDirectories.EnvironmentVariable} to a folder holding the files";
    }
}
