using System.Security.Cryptography;
using Aevb.Notebooks.Documents;

namespace Aevb.Notebooks.Running;

/// <summary>The file a run writes was changed by someone else while the run went on (e.g. an edit saved in an editor).</summary>
public sealed class NotebookChangedException(string message) : IOException(message);

/// <summary>
/// Saves a running notebook over its file only while nobody else has changed that file since the run read it or last
/// wrote it: the runner saves after every cell, and an edit saved in an editor meanwhile would otherwise be overwritten
/// without a word. The file's content is compared by hash (timestamps are too coarse and can be restored).
/// </summary>
internal sealed class UnchangedFileGuard(string path)
{
    private byte[]? _expected = HashOf(path);

    public void Save(Notebook notebook)
    {
        if (!Same(HashOf(path), _expected))
            throw new NotebookChangedException($"{path}: changed on disk while the notebook ran (an edit saved elsewhere?); not overwriting it. Run it again to run the changed file.");
        notebook.Save(path);
        _expected = HashOf(path);
    }

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private static byte[]? HashOf(string path)
    {
        if (!File.Exists(path)) return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return SHA256.HashData(stream);
    }
}
