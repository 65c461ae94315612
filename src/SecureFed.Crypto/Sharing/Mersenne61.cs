// Arithmetic in GF(p) for the Mersenne prime p = 2^61 - 1, the field of Shamir sharing.
// Elements are canonical uint64 values in [0, p). Products are 122 bits wide and reduce
// with shifts, because 2^61 = 1 (mod p). Reductions use masks, never a branch on a value.

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SecureFed.Crypto.Sharing;

/// <summary>Field arithmetic modulo the Mersenne prime 2^61 - 1.</summary>
internal static class Mersenne61
{
    /// <summary>The modulus, 2^61 - 1.</summary>
    public const ulong Modulus = (1UL << 61) - 1;

    /// <summary>Returns a + b mod p for canonical a and b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong a, ulong b)
    {
        Debug.Assert(a < Modulus && b < Modulus);
        return SubtractModulusIfNeeded(a + b);
    }

    /// <summary>Returns a - b mod p for canonical a and b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Subtract(ulong a, ulong b)
    {
        Debug.Assert(a < Modulus && b < Modulus);
        return SubtractModulusIfNeeded(a + (Modulus - b));
    }

    /// <summary>Returns a * b mod p for canonical a and b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Multiply(ulong a, ulong b)
    {
        Debug.Assert(a < Modulus && b < Modulus);
        UInt128 product = Math.BigMul(a, b);

        // The product is h * 2^61 + l with l < 2^61, and 2^61 = 1, so it is congruent to
        // h + l. Since a, b < p the product is below p * (p + 1), which keeps h below p and
        // the sum below 2p. The first cast drops the high half on purpose.
        ulong lowBits = unchecked((ulong)product) & Modulus;
        ulong highBits = unchecked((ulong)(product >> 61));
        return SubtractModulusIfNeeded(lowBits + highBits);
    }

    /// <summary>
    /// Returns the inverse of a non-zero element, a^(p-2) by Fermat's little theorem.
    /// </summary>
    /// <remarks>
    /// The exponent is public, so the square-and-multiply ladder may branch on its bits.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Invert(ulong a)
    {
        Debug.Assert(a != 0 && a < Modulus);
        ulong result = 1;
        ulong power = a;
        for (ulong exponent = Modulus - 2; exponent != 0; exponent >>= 1)
        {
            if ((exponent & 1) != 0)
            {
                result = Multiply(result, power);
            }

            power = Multiply(power, power);
        }

        return result;
    }

    /// <summary>
    /// Writes the inverse of every element of <paramref name="values"/> to
    /// <paramref name="inverses"/> with one field inversion (Montgomery's trick).
    /// </summary>
    /// <remarks>The spans must not overlap and no value may be zero.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InvertBatch(ReadOnlySpan<ulong> values, Span<ulong> inverses)
    {
        Debug.Assert(values.Length == inverses.Length && values.Length > 0);
        Debug.Assert(!values.Overlaps(inverses));

        // Prefix products first: inverses[i] = values[0] * ... * values[i].
        inverses[0] = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            inverses[i] = Multiply(inverses[i - 1], values[i]);
        }

        // Walking back, the inverse of the whole product peels off one value at a time.
        ulong inverse = Invert(inverses[^1]);
        for (int i = values.Length - 1; i > 0; i--)
        {
            inverses[i] = Multiply(inverse, inverses[i - 1]);
            inverse = Multiply(inverse, values[i]);
        }

        inverses[0] = inverse;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with field elements drawn uniformly from the
    /// operating system's CSPRNG: 61 random bits each, redrawn when they equal p.
    /// </summary>
    public static void FillRandom(Span<ulong> destination)
    {
        // Writing the random bytes straight into the destination leaves no second copy
        // of the secret coefficients to clear.
        RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(destination));
        Span<byte> redraw = stackalloc byte[sizeof(ulong)];
        try
        {
            for (int i = 0; i < destination.Length; i++)
            {
                ulong candidate = destination[i] & Modulus;

                // Rejection happens with probability 2^-61 per draw, so the branch tells
                // an observer nothing useful about the element that is finally kept.
                while (candidate == Modulus)
                {
                    RandomNumberGenerator.Fill(redraw);
                    candidate = MemoryMarshal.Read<ulong>(redraw) & Modulus;
                }

                destination[i] = candidate;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(redraw);
        }
    }

    /// <summary>Maps a value in [0, 2p) to [0, p) without branching on it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubtractModulusIfNeeded(ulong value)
    {
        Debug.Assert(value < 2 * Modulus);
        unchecked
        {
            // value - p wraps to a number with the top bit set exactly when value < p;
            // that bit, spread to a mask, adds p back.
            ulong reduced = value - Modulus;
            ulong mask = 0UL - (reduced >> 63);
            return reduced + (Modulus & mask);
        }
    }
}
