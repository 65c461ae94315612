// HKDF with SHA-256, RFC 5869, on the platform's implementation.

using System.Security.Cryptography;

namespace SecureFed.Crypto.Kdf;

/// <summary>HKDF-SHA256 (RFC 5869): extract with a salt, expand with context info.</summary>
public static class HkdfSha256
{
    /// <summary>
    /// Derives <paramref name="output"/> from input keying material, a salt and context info.
    /// </summary>
    /// <exception cref="ArgumentException">The output is empty or longer than 255 blocks.</exception>
    public static void DeriveKey(
        ReadOnlySpan<byte> inputKeyMaterial,
        ReadOnlySpan<byte> salt,
        ReadOnlySpan<byte> info,
        Span<byte> output)
    {
        if (output.IsEmpty || output.Length > 255 * 32)
        {
            throw new ArgumentException("HKDF-SHA256 output must be 1 to 8160 bytes.", nameof(output));
        }

        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial, output, salt, info);
    }
}
