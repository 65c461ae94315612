// Bit-packing of vectors modulo 2^b: coordinate i occupies bits [i*b, (i+1)*b) of a
// little-endian bit string, and the unused bits of the last byte are zero. A masked input of
// d coordinates is ceil(d*b/8) bytes, not 8*d.

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SecureFed.Protocol.Masking;

/// <summary>Packs and unpacks vectors of b-bit values.</summary>
public static class PackedVector
{
    /// <summary>Encoded size of <paramref name="dimension"/> values of <paramref name="bits"/> bits.</summary>
    public static int ByteLength(int dimension, int bits) => checked((int)(((long)dimension * bits + 7) / 8));

    /// <summary>Packs <paramref name="values"/>, each below 2^<paramref name="bits"/>.</summary>
    /// <exception cref="ArgumentException">A value does not fit in <paramref name="bits"/> bits.</exception>
    public static byte[] Pack(ReadOnlySpan<ulong> values, int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        var packed = new byte[ByteLength(values.Length, bits)];
        ulong limit = Mask(bits);
        foreach (ulong value in values)
        {
            if (value > limit)
            {
                throw new ArgumentException($"A value does not fit in {bits} bits.", nameof(values));
            }
        }

        if (bits == 32)
        {
            var words = MemoryMarshal.Cast<byte, uint>(packed.AsSpan());
            for (int i = 0; i < values.Length; i++)
            {
                uint word = (uint)values[i];
                words[i] = BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
            }

            return packed;
        }

        long bit = 0;
        foreach (ulong value in values)
        {
            WriteBits(packed, bit, value, bits);
            bit += bits;
        }

        return packed;
    }

    /// <summary>
    /// Adds the packed vector into <paramref name="accumulator"/> modulo 2^<paramref name="bits"/>,
    /// after checking its length and padding.
    /// </summary>
    /// <exception cref="FormatException">The length or the padding bits are wrong.</exception>
    public static void AddTo(ReadOnlySpan<byte> packed, Span<ulong> accumulator, int bits)
    {
        Validate(packed, accumulator.Length, bits);
        ulong mask = Mask(bits);
        if (bits == 32 && BitConverter.IsLittleEndian)
        {
            AddWords32(MemoryMarshal.Cast<byte, uint>(packed), accumulator);
            return;
        }

        long bit = 0;
        unchecked
        {
            for (int i = 0; i < accumulator.Length; i++)
            {
                accumulator[i] = (accumulator[i] + ReadBits(packed, bit, bits)) & mask;
                bit += bits;
            }
        }
    }

    /// <summary>Unpacks a vector of <paramref name="dimension"/> values.</summary>
    /// <exception cref="FormatException">The length or the padding bits are wrong.</exception>
    public static ulong[] Unpack(ReadOnlySpan<byte> packed, int dimension, int bits)
    {
        var values = new ulong[dimension];
        AddTo(packed, values, bits);
        return values;
    }

    /// <summary>
    /// Whether <paramref name="packed"/> has the length of <paramref name="dimension"/>
    /// values of <paramref name="bits"/> bits and zero padding.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> packed, int dimension, int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        if (packed.Length != ByteLength(dimension, bits))
        {
            return false;
        }

        int usedBits = (int)(((long)dimension * bits) % 8);
        return usedBits == 0 || (packed[^1] >> usedBits) == 0;
    }

    private static void Validate(ReadOnlySpan<byte> packed, int dimension, int bits)
    {
        if (!IsWellFormed(packed, dimension, bits))
        {
            throw new FormatException(
                $"A packed vector of {dimension} {bits}-bit values is {ByteLength(dimension, bits)} bytes " +
                "with zero padding; this one is not.");
        }
    }

    // The server adds every masked input into the sum, so the common 32-bit case is
    // vectorised: eight words widened to 64 bits per step.
    private static void AddWords32(ReadOnlySpan<uint> words, Span<ulong> accumulator)
    {
        const ulong mask = uint.MaxValue;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var maskVector = Vector256.Create(mask);
            for (; i + Vector256<uint>.Count <= accumulator.Length; i += Vector256<uint>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(words.Slice(i, Vector256<uint>.Count)));
                var sum = accumulator.Slice(i, Vector256<uint>.Count);
                ((Vector256.Create((ReadOnlySpan<ulong>)sum[..4]) + low) & maskVector).CopyTo(sum[..4]);
                ((Vector256.Create((ReadOnlySpan<ulong>)sum[4..]) + high) & maskVector).CopyTo(sum[4..]);
            }
        }

        unchecked
        {
            for (; i < accumulator.Length; i++)
            {
                accumulator[i] = (accumulator[i] + words[i]) & mask;
            }
        }
    }

    private static ulong Mask(int bits) => bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;

    private static void WriteBits(byte[] packed, long bit, ulong value, int bits)
    {
        unchecked
        {
            int index = (int)(bit >> 3);
            int shift = (int)(bit & 7);
            int remaining = bits + shift;
            packed[index] |= (byte)(value << shift);
            value >>= 8 - shift;
            remaining -= 8;
            while (remaining > 0)
            {
                packed[++index] |= (byte)value;
                value >>= 8;
                remaining -= 8;
            }
        }
    }

    private static ulong ReadBits(ReadOnlySpan<byte> packed, long bit, int bits)
    {
        unchecked
        {
            int index = (int)(bit >> 3);
            int shift = (int)(bit & 7);
            UInt128 window = 0;
            int needed = (bits + shift + 7) / 8;
            for (int j = 0; j < needed; j++)
            {
                window |= (UInt128)packed[index + j] << (8 * j);
            }

            return (ulong)(window >> shift) & Mask(bits);
        }
    }
}
