// Arithmetic modulo one prime q < 2^61 of an RNS-CKKS modulus chain.
// Products are reduced with Barrett's method (Barrett 1986, "Implementing the RSA public
// key encryption algorithm on a standard digital signal processor", CRYPTO '86) using the
// 128-bit constant floor(2^128 / q); products by a fixed operand use Shoup's precomputed
// quotient floor(w * 2^64 / q) (as in Harvey 2014, "Faster arithmetic for number-theoretic
// transforms", J. Symb. Comp. 60). Elements are canonical uint64 values in [0, q).
// Reductions use masks, never a branch on a value, so operands may be secret.

using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A prime modulus q below 2^61 of the CKKS modulus chain, with its precomputed Barrett
/// constant and constant-time modular arithmetic on canonical residues in [0, q).
/// </summary>
/// <remarks>
/// The element operations do not check their operands in release builds: a range check
/// would put a branch on possibly secret values on the hot path. Operands must be
/// canonical (below <see cref="Value"/>) unless a method says otherwise.
/// </remarks>
public sealed class Modulus
{
    /// <summary>The largest bit length a modulus may have.</summary>
    public const int MaxBitCount = 61;

    private readonly ulong _value;

    // floor(2^128 / q), split in 64-bit halves.
    private readonly ulong _ratioHigh;
    private readonly ulong _ratioLow;

    /// <summary>Creates the modulus <paramref name="value"/>.</summary>
    /// <param name="value">An odd prime below 2^61.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="value"/> is below 3 or not below 2^61.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not prime.</exception>
    public Modulus(ulong value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 3UL);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, 1UL << MaxBitCount);
        if (!MillerRabin.IsPrime(value))
        {
            throw new ArgumentException(
                $"The modulus {value} is not prime.", nameof(value));
        }

        _value = value;
        BitCount = 64 - BitOperations.LeadingZeroCount(value);

        // q is odd, so it does not divide 2^128 and (2^128 - 1) / q has the same floor.
        UInt128 ratio = UInt128.MaxValue / value;
        _ratioHigh = (ulong)(ratio >> 64);
        _ratioLow = (ulong)(ratio & ulong.MaxValue);
    }

    /// <summary>The prime q.</summary>
    public ulong Value => _value;

    /// <summary>The number of significant bits of q.</summary>
    public int BitCount { get; }

    /// <summary>Returns a + b mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Add(ulong a, ulong b)
    {
        Debug.Assert(a < _value && b < _value);
        return ReduceOnce(a + b);
    }

    /// <summary>Returns a - b mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Subtract(ulong a, ulong b)
    {
        Debug.Assert(a < _value && b < _value);
        unchecked
        {
            // a - b wraps to a number with the top bit set exactly when a < b; that bit,
            // spread to a mask, adds q back.
            ulong difference = a - b;
            ulong mask = 0UL - (difference >> 63);
            return difference + (_value & mask);
        }
    }

    /// <summary>Returns -a mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Negate(ulong a)
    {
        Debug.Assert(a < _value);
        unchecked
        {
            // a | -a has its top bit set exactly when a is non-zero; zero must map to zero,
            // not to q.
            ulong nonZero = 0UL - ((a | (0UL - a)) >> 63);
            return (_value - a) & nonZero;
        }
    }

    /// <summary>Returns a * b mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Multiply(ulong a, ulong b)
    {
        Debug.Assert(a < _value && b < _value);
        ulong high = Math.BigMul(a, b, out ulong low);
        return Reduce(high, low);
    }

    /// <summary>Returns x mod q for any 64-bit <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(ulong x) => Reduce(0, x);

    /// <summary>Returns x mod q for any 128-bit <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(UInt128 x) =>
        Reduce((ulong)(x >> 64), (ulong)(x & ulong.MaxValue));

    /// <summary>
    /// Returns a^e mod q. The time taken depends on neither the base nor the exponent.
    /// </summary>
    /// <param name="a">The canonical base.</param>
    /// <param name="exponent">Any 64-bit exponent; 0^0 is 1.</param>
    public ulong Power(ulong a, ulong exponent)
    {
        Debug.Assert(a < _value);
        ulong result = 1;
        ulong power = a;

        // All 64 bits are walked and both products formed each time, so that the
        // exponent's length and weight do not show in the running time.
        for (int bit = 0; bit < 64; bit++)
        {
            ulong product = Multiply(result, power);
            ulong take = unchecked(0UL - ((exponent >> bit) & 1));
            result = (product & take) | (result & ~take);
            power = Multiply(power, power);
        }

        return result;
    }

    /// <summary>Returns the inverse of a non-zero residue, a^(q-2) by Fermat.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="a"/> is not below q.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="a"/> is zero.</exception>
    public ulong Inverse(ulong a)
    {
        // The checks only tell an observer what the exception tells the caller: for every
        // valid input the work is the same.
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(a, _value);
        if (a == 0)
        {
            throw new ArgumentException("Zero has no inverse.", nameof(a));
        }

        return Power(a, _value - 2);
    }

    /// <summary>
    /// Returns Shoup's quotient floor(w * 2^64 / q) for a fixed multiplier
    /// <paramref name="w"/>, for use with <see cref="MultiplyShoup"/>.
    /// </summary>
    /// <remarks>
    /// The 128-bit division is not constant-time; use it for public constants such as
    /// twiddle factors.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="w"/> is not below q.
    /// </exception>
    public ulong ShoupPrecompute(ulong w)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(w, _value);
        return (ulong)(((UInt128)w << 64) / _value);
    }

    /// <summary>
    /// Returns x * w mod q, given <paramref name="wShoup"/> from
    /// <see cref="ShoupPrecompute"/>. <paramref name="x"/> may be any 64-bit value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong MultiplyShoup(ulong x, ulong w, ulong wShoup) =>
        ReduceOnce(MultiplyShoupLazy(x, w, wShoup));

    /// <summary>Returns a value in [0, 2q) congruent to x * w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong MultiplyShoupLazy(ulong x, ulong w, ulong wShoup)
    {
        Debug.Assert(w < _value);
        unchecked
        {
            // The estimate floor(x * wShoup / 2^64) falls short of floor(x * w / q) by at
            // most one, so the exact remainder, which fits in 64 bits, is below 2q.
            ulong quotient = (ulong)(Math.BigMul(x, wShoup) >> 64);
            return (x * w) - (quotient * _value);
        }
    }

    /// <summary>Maps a value in [0, 2q) to [0, q) without branching on it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong ReduceOnce(ulong x)
    {
        Debug.Assert(x < 2 * _value);
        unchecked
        {
            ulong reduced = x - _value;
            ulong mask = 0UL - (reduced >> 63);
            return reduced + (_value & mask);
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Modulus({_value})");

    /// <summary>Barrett reduction of the 128-bit value high * 2^64 + low.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Reduce(ulong high, ulong low)
    {
        unchecked
        {
            // The quotient estimate is floor(x * r / 2^128) with r = floor(2^128 / q),
            // computed exactly from the four 64x64 partial products. It is floor(x / q)
            // or one less, so the remainder is below 2q and one subtraction finishes.
            ulong lowLowCarry = Math.BigMul(low, _ratioLow, out _);
            ulong lowHigh = Math.BigMul(low, _ratioHigh, out ulong lowHighLow);
            ulong highLow = Math.BigMul(high, _ratioLow, out ulong highLowLow);

            UInt128 middle = (UInt128)lowLowCarry + lowHighLow + highLowLow;
            ulong quotient = (high * _ratioHigh) + lowHigh + highLow + (ulong)(middle >> 64);

            return ReduceOnce(low - (quotient * _value));
        }
    }
}
