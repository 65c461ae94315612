// Ed25519 signatures, RFC 8032 (pure Ed25519, no context), through BouncyCastle.
// Private keys and public keys are 32 bytes, signatures 64.

using System.Security.Cryptography;
using BcEd25519 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace SecureFed.Crypto.Signatures;

/// <summary>
/// An Ed25519 signing key (a participant's identity) that owns its 32 secret bytes and
/// clears them when disposed.
/// </summary>
public sealed class Ed25519PrivateKey : IDisposable
{
    /// <summary>Size of a private key in bytes.</summary>
    public const int KeySize = 32;

    private readonly byte[] _secret;
    private bool _disposed;

    private Ed25519PrivateKey(byte[] secret)
    {
        _secret = secret;
        var publicKey = new byte[Ed25519PublicKey.KeySize];
        BcEd25519.GeneratePublicKey(_secret, publicKey);
        PublicKey = Ed25519PublicKey.Import(publicKey);
    }

    /// <summary>The matching public key.</summary>
    public Ed25519PublicKey PublicKey { get; }

    /// <summary>Generates a fresh signing key from the operating system's CSPRNG.</summary>
    public static Ed25519PrivateKey Generate()
    {
        var secret = new byte[KeySize];
        RandomNumberGenerator.Fill(secret);
        return new Ed25519PrivateKey(secret);
    }

    /// <summary>Loads a signing key from its 32 raw bytes (copied).</summary>
    /// <exception cref="ArgumentException">The input is not 32 bytes.</exception>
    public static Ed25519PrivateKey Import(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != KeySize)
        {
            throw new ArgumentException($"An Ed25519 private key is {KeySize} bytes.", nameof(secret));
        }

        return new Ed25519PrivateKey(secret.ToArray());
    }

    /// <summary>Signs <paramref name="message"/> and returns the 64-byte signature.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var signature = new byte[Ed25519PublicKey.SignatureSize];
        BcEd25519.Sign(_secret, PublicKey.Bytes.Span, message, signature);
        return signature;
    }

    /// <summary>Clears the secret bytes.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        CryptographicOperations.ZeroMemory(_secret);
        _disposed = true;
    }

    /// <inheritdoc />
    public override string ToString() => $"Ed25519PrivateKey(public {PublicKey})";
}
