using System.Security.Cryptography;

namespace Aevb.Data;

/// <summary>SHA-256 of a file's uncompressed content, as lowercase hex (what <c>sha256sum</c> prints).</summary>
/// <remarks>
/// Hashing the uncompressed bytes makes the checksum independent of how a file is stored
/// (raw, or gzip at any level), so a download from any mirror can be checked against one value.
/// </remarks>
public static class Checksum
{
    public static string Sha256Hex(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Throws a <see cref="DataFileException"/> when <paramref name="content"/> does not hash to <paramref name="expectedSha256"/>.</summary>
    public static void Verify(ReadOnlySpan<byte> content, string expectedSha256, string sourceName, string? fix = null)
    {
        var actual = Sha256Hex(content);
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new DataFileException(sourceName,
                $"checksum mismatch: SHA-256 of the uncompressed content is {actual}, the manifest expects {expectedSha256.ToLowerInvariant()} (file corrupt, or a different version)",
                fix);
    }
}
