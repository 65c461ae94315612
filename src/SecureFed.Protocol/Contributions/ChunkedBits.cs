// Reading a little-endian bit field of up to 64 bits out of a byte stream that is held
// only as its 4096-byte commitment chunks (ContributionCommitment). Both kinds of
// contribution pack values this way: a masked vector b bits per coordinate (PackedVector),
// a CKKS ciphertext BitCount(q_i) bits per residue (CkksSerializer). A field of 64 bits
// starting anywhere in a byte touches at most 9 bytes, which may straddle two chunks.

using System.Buffers.Binary;

namespace SecureFed.Protocol.Contributions;

/// <summary>Reads bit fields of a contribution from its commitment chunks.</summary>
public static class ChunkedBits
{
    /// <summary>
    /// The commitment chunks that hold bits [<paramref name="bitOffset"/>,
    /// <paramref name="bitOffset"/> + <paramref name="bitCount"/>): one, or two when the
    /// field straddles a chunk boundary.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The offset is negative or the width is not 1 to 64.
    /// </exception>
    public static (int First, int Last) ChunksOf(long bitOffset, int bitCount)
    {
        Check(bitOffset, bitCount);
        long firstByte = bitOffset / 8;
        long lastByte = (bitOffset + bitCount - 1) / 8;
        return ((int)(firstByte / ContributionCommitment.ChunkSize),
            (int)(lastByte / ContributionCommitment.ChunkSize));
    }

    /// <summary>
    /// Reads the <paramref name="bitCount"/>-bit field at <paramref name="bitOffset"/>:
    /// <paramref name="chunk"/> returns chunk i's bytes and is asked only for the chunks
    /// <see cref="ChunksOf"/> names.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The offset is negative or the width is not 1 to 64.
    /// </exception>
    /// <exception cref="ArgumentException">A chunk is shorter than the field needs.</exception>
    public static ulong Read(Func<int, ReadOnlyMemory<byte>> chunk, long bitOffset, int bitCount)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        Check(bitOffset, bitCount);
        long firstByte = bitOffset / 8;
        int byteCount = (int)(((bitOffset + bitCount - 1) / 8) - firstByte + 1);

        Span<byte> window = stackalloc byte[16];
        window.Clear();
        for (int b = 0; b < byteCount; b++)
        {
            long at = firstByte + b;
            ReadOnlySpan<byte> bytes = chunk((int)(at / ContributionCommitment.ChunkSize)).Span;
            int within = (int)(at % ContributionCommitment.ChunkSize);
            if (within >= bytes.Length)
            {
                throw new ArgumentException("A chunk is shorter than the field needs.", nameof(chunk));
            }

            window[b] = bytes[within];
        }

        return Extract(window[..byteCount], (int)(bitOffset % 8), bitCount);
    }

    /// <summary>
    /// Reads the <paramref name="bitCount"/>-bit field at <paramref name="bitOffset"/> of a
    /// whole byte stream.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The offset is negative, the width is not 1 to 64, or the field runs past the stream.
    /// </exception>
    public static ulong Read(ReadOnlySpan<byte> stream, long bitOffset, int bitCount)
    {
        Check(bitOffset, bitCount);
        long firstByte = bitOffset / 8;
        int byteCount = (int)(((bitOffset + bitCount - 1) / 8) - firstByte + 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(
            firstByte + byteCount, stream.Length, nameof(bitOffset));
        return Extract(stream.Slice((int)firstByte, byteCount), (int)(bitOffset % 8), bitCount);
    }

    // bytes holds every byte the field touches, at most 9; shift is its first bit's place.
    private static ulong Extract(ReadOnlySpan<byte> bytes, int shift, int bits)
    {
        Span<byte> padded = stackalloc byte[16];
        padded.Clear();
        bytes.CopyTo(padded);
        UInt128 word = BinaryPrimitives.ReadUInt128LittleEndian(padded);
        // Masked before the narrowing: the top byte may hold the next field's bits, which
        // a checked cast would take for an overflow.
        UInt128 mask = (UInt128.One << bits) - 1;
        return (ulong)((word >> shift) & mask);
    }

    private static void Check(long bitOffset, int bitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bitOffset);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitCount, 64);
    }
}
