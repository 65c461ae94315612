// AES-256-GCM (NIST SP 800-38D) on the platform's implementation, with 96-bit random
// nonces and 128-bit tags. A sealed box is nonce || ciphertext || tag.

using System.Security.Cryptography;

namespace SecureFed.Crypto.Aead;

/// <summary>
/// An AES-256-GCM key that owns its bytes and clears them when disposed. Every call binds
/// associated data; a failed open reveals nothing about why it failed.
/// </summary>
public sealed class AesGcmKey : IDisposable
{
    /// <summary>Key size in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>Nonce size in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>Tag size in bytes.</summary>
    public const int TagSize = 16;

    /// <summary>Bytes a sealed box adds to its plaintext.</summary>
    public const int Overhead = NonceSize + TagSize;

    private readonly AesGcm _aes;
    private bool _disposed;

    /// <summary>Creates a key from 32 bytes; the input is copied and may be cleared after.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public AesGcmKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An AES-256-GCM key is {KeySize} bytes.", nameof(key));
        }

        _aes = new AesGcm(key, TagSize);
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> under a fresh random nonce and returns
    /// nonce || ciphertext || tag.
    /// </summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var box = new byte[plaintext.Length + Overhead];
        var nonce = box.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        _aes.Encrypt(
            nonce,
            plaintext,
            box.AsSpan(NonceSize, plaintext.Length),
            box.AsSpan(NonceSize + plaintext.Length, TagSize),
            associatedData);
        return box;
    }

    /// <summary>
    /// Decrypts a sealed box into <paramref name="plaintext"/>, which must be exactly
    /// <c>box.Length - Overhead</c> bytes.
    /// </summary>
    /// <exception cref="CryptographicException">
    /// The box is malformed, or the key, ciphertext, tag or associated data do not match.
    /// The destination is cleared before this is thrown.
    /// </exception>
    public void Open(ReadOnlySpan<byte> box, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (box.Length < Overhead || plaintext.Length != box.Length - Overhead)
        {
            throw new CryptographicException("The sealed box could not be opened.");
        }

        try
        {
            _aes.Decrypt(
                box[..NonceSize],
                box[NonceSize..^TagSize],
                box[^TagSize..],
                plaintext,
                associatedData);
        }
        catch (CryptographicException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new CryptographicException("The sealed box could not be opened.");
        }
    }

    /// <summary>Clears the key schedule.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _aes.Dispose();
        _disposed = true;
    }

    /// <inheritdoc />
    public override string ToString() => "AesGcmKey(AES-256-GCM)";
}
