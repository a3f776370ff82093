using System.Buffers;
using System.Text.Unicode;
using Aevb.IO;

namespace Aevb.Notebooks.Documents;

/// <summary>
/// Reads a notebook file's text strictly: only an ordinary file (<see cref="RegularFile"/>: a FIFO path would hang the
/// reader), and only valid UTF-8, nbformat's encoding. A lenient decoder turns invalid bytes into U+FFFD, and the next
/// in-place save would write that loss over the user's file; so the first invalid byte is reported by its offset.
/// </summary>
internal static class NotebookText
{
    public static string Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = RegularFile.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new NotebookFormatException($"{path}: no such notebook file.");
        }
        catch (InvalidDataException e)
        {
            throw new NotebookFormatException(e.Message, e);
        }
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0; // a UTF-8 byte order mark
        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes.AsSpan(start), chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
            throw new NotebookFormatException($"{path}: invalid UTF-8 at byte offset {start + read}; a notebook is UTF-8 text (fix the bytes there, or re-save the file as UTF-8).");
        return new string(chars, 0, written);
    }
}
