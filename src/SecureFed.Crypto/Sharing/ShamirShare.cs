// One holder's share of a 32-byte secret under Shamir (1979) "How to share a secret": the
// values at x = holder id of five polynomials over GF(2^61 - 1), one per 52-bit limb of
// the secret. Encoded as 5 little-endian uint64, 40 bytes; the holder id travels apart.

using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SecureFed.Crypto.Sharing;

/// <summary>
/// A share of a secret split by <see cref="ShamirSecretSharing"/>, bound to the participant
/// that holds it: the holder id is the point at which the sharing polynomials were evaluated.
/// </summary>
/// <remarks>
/// The field elements are secret material; <see cref="Dispose"/> clears them and
/// <see cref="ToString"/> shows only the holder id.
/// </remarks>
public sealed class ShamirShare : IDisposable
{
    /// <summary>Size of an encoded share in bytes: five little-endian uint64 elements.</summary>
    public const int EncodedSize = ShamirSecretSharing.LimbCount * sizeof(ulong);

    private readonly ulong[] _elements;
    private bool _disposed;

    /// <summary>Takes ownership of <paramref name="elements"/>, canonical field elements.</summary>
    internal ShamirShare(uint holderId, ulong[] elements)
    {
        Debug.Assert(holderId != 0);
        Debug.Assert(elements.Length == ShamirSecretSharing.LimbCount);
        Debug.Assert(Array.TrueForAll(elements, e => e < Mersenne61.Modulus));
        HolderId = holderId;
        _elements = elements;
    }

    /// <summary>The participant that holds this share, also its evaluation point.</summary>
    public uint HolderId { get; }

    /// <summary>Whether the field elements have been cleared.</summary>
    internal bool IsDisposed => _disposed;

    /// <summary>The five field elements, one per limb of the secret.</summary>
    internal ReadOnlySpan<ulong> Elements
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _elements;
        }
    }

    /// <summary>
    /// Reads a share received for <paramref name="holderId"/>. The id is not part of the
    /// encoding: the caller supplies the one the share was dealt to, which binds it.
    /// </summary>
    /// <exception cref="FormatException">
    /// The encoding is not 40 bytes, the holder id is zero, or an element is not below
    /// 2^61 - 1.
    /// </exception>
    public static ShamirShare Read(uint holderId, ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize)
        {
            throw new FormatException(
                $"A Shamir share is {EncodedSize} bytes, not {encoded.Length}.");
        }

        if (holderId == 0)
        {
            throw new FormatException("A Shamir share cannot belong to holder id 0.");
        }

        var elements = new ulong[ShamirSecretSharing.LimbCount];
        for (int i = 0; i < elements.Length; i++)
        {
            elements[i] = BinaryPrimitives.ReadUInt64LittleEndian(
                encoded.Slice(i * sizeof(ulong), sizeof(ulong)));
        }

        // Valid elements are secret, so the range check folds all of them into one word
        // with shifts instead of comparing them one by one: an element is at least
        // 2^61 - 1 exactly when it, or it plus one, has a bit at 2^61 or above.
        ulong outOfRange = 0;
        foreach (ulong element in elements)
        {
            outOfRange |= (element >> 61) | (unchecked(element + 1) >> 61);
        }

        if (outOfRange != 0)
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(elements.AsSpan()));
            throw new FormatException("A Shamir share element is not below 2^61 - 1.");
        }

        return new ShamirShare(holderId, elements);
    }

    /// <summary>Writes the 40-byte encoding to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The destination is not 40 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The share has been disposed.</exception>
    public void WriteTo(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length != EncodedSize)
        {
            throw new ArgumentException(
                $"The destination must be {EncodedSize} bytes, not {destination.Length}.",
                nameof(destination));
        }

        for (int i = 0; i < _elements.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(
                destination.Slice(i * sizeof(ulong), sizeof(ulong)), _elements[i]);
        }
    }

    /// <summary>Clears the field elements.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_elements.AsSpan()));
        _disposed = true;
    }

    /// <inheritdoc />
    public override string ToString() => $"ShamirShare(holder {HolderId})";
}
