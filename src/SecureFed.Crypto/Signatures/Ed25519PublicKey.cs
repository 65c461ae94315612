// Ed25519 public keys, RFC 8032, validated once on import and decoded once for fast
// repeated verification.

using BcEd25519 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace SecureFed.Crypto.Signatures;

/// <summary>An Ed25519 public key, checked to be a valid point of the prime-order group.</summary>
public sealed class Ed25519PublicKey : IEquatable<Ed25519PublicKey>
{
    /// <summary>Size of a public key in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>Size of a signature in bytes.</summary>
    public const int SignatureSize = 64;

    private readonly byte[] _bytes;
    private readonly BcEd25519.PublicPoint _point;

    private Ed25519PublicKey(byte[] bytes, BcEd25519.PublicPoint point)
    {
        _bytes = bytes;
        _point = point;
    }

    /// <summary>The encoded key.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>Imports an encoded public key and checks that it is a valid group element.</summary>
    /// <exception cref="FormatException">The key is not 32 bytes or not a valid point.</exception>
    public static Ed25519PublicKey Import(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != KeySize)
        {
            throw new FormatException($"An Ed25519 public key is {KeySize} bytes, not {encoded.Length}.");
        }

        var point = BcEd25519.ValidatePublicKeyFullExport(encoded)
            ?? throw new FormatException("The Ed25519 public key is not a valid point.");
        return new Ed25519PublicKey(encoded.ToArray(), point);
    }

    /// <summary>Checks a signature over <paramref name="message"/>.</summary>
    /// <returns>True when the signature is valid; false for any malformed or wrong signature.</returns>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize)
        {
            return false;
        }

        return BcEd25519.Verify(signature, _point, message);
    }

    /// <inheritdoc />
    public bool Equals(Ed25519PublicKey? other) =>
        other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Ed25519PublicKey);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);

    /// <inheritdoc />
    public override string ToString() => Convert.ToHexString(_bytes);
}
