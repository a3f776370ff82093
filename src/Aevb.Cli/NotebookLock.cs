using System.Security.Cryptography;
using System.Text;
using Aevb.IO;

namespace Aevb.Cli;

/// <summary>
/// One <c>aevb notebook run</c> at a time per written notebook: two runs saving the same file after every cell would
/// overwrite each other's outputs (last writer wins). The lock file lives in the temp folder, named after the notebook's
/// full path, so no lock files appear beside the notebooks; the OS drops the lock when the process ends, however it ends.
/// </summary>
internal static class NotebookLock
{
    public static DirectoryLock Acquire(string notebookPath)
    {
        var full = Path.GetFullPath(notebookPath);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..24].ToLowerInvariant();
        var lockFile = Path.Combine(Path.GetTempPath(), $"aevb-notebook-{key}.lock");
        return DirectoryLock.AcquireFile(lockFile, full, "another `aevb notebook run`",
            "Wait for that run to end, or write this run's result elsewhere with --out.");
    }
}
