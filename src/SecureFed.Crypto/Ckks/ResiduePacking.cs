// Bit packing of residue rows for CkksSerializer: each residue modulo q takes exactly
// BitCount(q) bits, little-endian bit order, consecutively. A 60-bit prime thus costs 60 bits
// per residue rather than 64, 6.25 % less on the wire.
//
// Both directions move 64 bits at a time through an accumulator and never branch on residue
// values, so that a secret row (a custodian's Shamir share) packs and unpacks in a time that
// depends on its length alone.

using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SecureFed.Crypto.Ckks;

/// <summary>Packs rows of canonical residues at their prime's bit width.</summary>
internal static class ResiduePacking
{
    /// <summary>The bytes a row of <paramref name="count"/> residues of
    /// <paramref name="bits"/> bits takes, padded up to a whole byte.</summary>
    public static int RowBytes(int count, int bits) => (int)((((long)count * bits) + 7) / 8);

    /// <summary>
    /// Writes <paramref name="row"/> into <paramref name="destination"/>, which must be
    /// exactly <see cref="RowBytes"/> long. Every residue must be below 2^bits; padding bits
    /// of the last byte are written as zero.
    /// </summary>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    public static void Pack(ReadOnlySpan<ulong> row, int bits, Span<byte> destination)
    {
        RequireShape(row.Length, bits, destination.Length);

        // The lengths were checked above, so the loop indexes through references: at 60 bits
        // a residue the bounds checks would cost about as much as the packing itself.
        ref ulong source = ref MemoryMarshal.GetReference(row);
        ref byte target = ref MemoryMarshal.GetReference(destination);
        unchecked
        {
            // bits is at most 61, so filled + bits >= 64 implies filled >= 3 and every shift
            // below is in [0, 63].
            ulong accumulator = 0;
            int filled = 0;
            int position = 0;
            for (int j = 0; j < row.Length; j++)
            {
                ulong value = Unsafe.Add(ref source, j);
                accumulator |= value << filled;
                int total = filled + bits;
                if (total >= 64)
                {
                    // position + 8 <= destination.Length: the bits written so far, these 64
                    // included, are at most the row's count * bits.
                    Unsafe.WriteUnaligned(
                        ref Unsafe.Add(ref target, position), LittleEndian(accumulator));
                    position += 8;
                    accumulator = value >> (64 - filled);
                    filled = total - 64;
                }
                else
                {
                    filled = total;
                }
            }

            // The remaining filled bits fit the last (filled + 7) / 8 bytes exactly.
            for (; filled > 0; filled -= 8)
            {
                destination[position++] = (byte)accumulator;
                accumulator >>= 8;
            }
        }
    }

    /// <summary>
    /// Reads <paramref name="destination"/>.Length residues of <paramref name="bits"/> bits
    /// from <paramref name="source"/>, which must be exactly <see cref="RowBytes"/> long.
    /// </summary>
    /// <returns>
    /// False when a residue is not below <paramref name="modulus"/> or a padding bit is set;
    /// the destination then holds garbage the caller must discard.
    /// </returns>
    /// <exception cref="ArgumentException">The source has the wrong length.</exception>
    public static bool TryUnpack(
        ReadOnlySpan<byte> source, int bits, ulong modulus, Span<ulong> destination)
    {
        RequireShape(destination.Length, bits, source.Length);
        ref byte input = ref MemoryMarshal.GetReference(source);
        ref ulong output = ref MemoryMarshal.GetReference(destination);
        unchecked
        {
            ulong mask = (1UL << bits) - 1;
            ulong accumulator = 0;
            int available = 0;
            int position = 0;

            // Bit 63 of (q - 1 - v) is set exactly when v >= q, since q and v are below 2^61;
            // or-ing it in avoids a data-dependent branch.
            ulong invalid = 0;
            for (int j = 0; j < destination.Length; j++)
            {
                ulong value;
                if (available >= bits)
                {
                    value = accumulator & mask;
                    accumulator >>= bits;
                    available -= bits;
                }
                else
                {
                    int remaining = source.Length - position;
                    ulong next;
                    int loaded;
                    if (remaining >= 8)
                    {
                        next = LittleEndian(
                            Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref input, position)));
                        loaded = 64;
                        position += 8;
                    }
                    else
                    {
                        next = ReadPartial(source.Slice(position, remaining));
                        loaded = 8 * remaining;
                        position += remaining;
                    }

                    // available < bits <= 61: the left shift is in [0, 60] and the right
                    // one in [1, 61]. The exact source length guarantees loaded >= used.
                    int used = bits - available;
                    value = (accumulator | (next << available)) & mask;
                    accumulator = next >> used;
                    available = loaded - used;
                }

                Unsafe.Add(ref output, j) = value;
                invalid |= (modulus - 1 - value) >> 63;
            }

            // Whatever is left over is padding of the last byte and must be zero.
            invalid |= accumulator != 0 ? 1UL : 0UL;
            return invalid == 0;
        }
    }

    private static void RequireShape(int count, int bits, int byteLength)
    {
        if (bits is < 1 or > Modulus.MaxBitCount || byteLength != RowBytes(count, bits))
        {
            throw new ArgumentException(
                "A packed row must be exactly count * bits / 8 bytes, rounded up.");
        }
    }

    private static ulong LittleEndian(ulong value) =>
        BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);

    private static ulong ReadPartial(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        for (int i = bytes.Length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }
}
