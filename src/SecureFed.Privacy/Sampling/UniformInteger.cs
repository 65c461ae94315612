// Uniform integers in [0, m) without modulo bias.
// For m < 2^64: Lemire, "Fast Random Integer Generation in an Interval", ACM TOMACS 29(1),
// 2019 (multiply-and-reject; exactly uniform, almost never divides), with 32-bit words
// when m < 2^32 to spend half the randomness.
// For larger m (BigInteger): draw bitlength(m) bits and reject values >= m (fewer than two
// tries on average).

using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;

namespace SecureFed.Privacy.Sampling;

/// <summary>Exactly uniform integers below a bound, by rejection sampling.</summary>
internal static class UniformInteger
{
    /// <summary>Returns an integer uniform in [0, <paramref name="bound"/>).</summary>
    public static ulong Below(IRandomBits bits, ulong bound)
    {
        Debug.Assert(bound >= 1);
        if (bound <= uint.MaxValue)
        {
            return Below(bits, (uint)bound);
        }

        ulong high = Math.BigMul(bits.NextUInt64(), bound, out ulong low);

        // Among the 2^64 words, (2^64 mod bound) would map to the low results once more
        // than the others; those words are exactly the ones whose low half falls below the
        // threshold, so rejecting them leaves every result equally likely.
        if (low < bound)
        {
            ulong threshold = unchecked(0UL - bound) % bound;
            while (low < threshold)
            {
                high = Math.BigMul(bits.NextUInt64(), bound, out low);
            }
        }

        return high;
    }

    /// <summary>Returns an integer uniform in [0, <paramref name="bound"/>).</summary>
    public static uint Below(IRandomBits bits, uint bound)
    {
        Debug.Assert(bound >= 1);
        ulong product = (ulong)bits.NextUInt32() * bound;

        // The same rejection as above, with 32-bit words.
        if (unchecked((uint)product) < bound)
        {
            uint threshold = (uint)((0x1_0000_0000UL - bound) % bound);
            while (unchecked((uint)product) < threshold)
            {
                product = (ulong)bits.NextUInt32() * bound;
            }
        }

        return (uint)(product >> 32);
    }

    /// <summary>Returns an integer uniform in [0, <paramref name="bound"/>).</summary>
    public static BigInteger Below(IRandomBits bits, BigInteger bound)
    {
        Debug.Assert(bound.Sign > 0);
        if (bound <= ulong.MaxValue)
        {
            return Below(bits, (ulong)bound);
        }

        long bitLength = bound.GetBitLength();
        int words = checked((int)((bitLength + 63) / 64));
        int topBits = (int)(bitLength - (64L * (words - 1)));
        ulong topMask = topBits == 64 ? ulong.MaxValue : (1UL << topBits) - 1;
        var buffer = new byte[words * sizeof(ulong)];
        try
        {
            while (true)
            {
                // Keeping only bitlength(bound) bits makes a candidate below 2 * bound,
                // so at least half of the candidates are accepted.
                for (int i = 0; i < words; i++)
                {
                    ulong word = bits.NextUInt64();
                    if (i == words - 1)
                    {
                        word &= topMask;
                    }

                    BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(i * sizeof(ulong)), word);
                }

                var candidate = new BigInteger(buffer, isUnsigned: true, isBigEndian: false);
                if (candidate < bound)
                {
                    return candidate;
                }
            }
        }
        finally
        {
            Array.Clear(buffer);
        }
    }
}
