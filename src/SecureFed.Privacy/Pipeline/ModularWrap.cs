namespace SecureFed.Privacy.Pipeline;

/// <summary>
/// Maps signed integers onto Z/2^b for secure aggregation and back: a value v in
/// [-2^(b-1), 2^(b-1)) becomes v mod 2^b, and a residue r becomes r if r &lt; 2^(b-1), else
/// r - 2^b. Sums of wrapped values unwrap to the true sum as long as it stays in range.
/// </summary>
public static class ModularWrap
{
    /// <summary>The residue of <paramref name="value"/> modulo 2^<paramref name="bits"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The bits are outside 1..64, or the value outside [-2^(b-1), 2^(b-1)).
    /// </exception>
    public static ulong Wrap(long value, int bits)
    {
        CheckBits(bits);
        if (bits < 64)
        {
            long half = 1L << (bits - 1);
            if (value < -half || value >= half)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Does not fit in {bits} signed bits.");
            }
        }

        return unchecked((ulong)value) & Mask(bits);
    }

    /// <summary>
    /// The signed value whose residue modulo 2^<paramref name="bits"/> is
    /// <paramref name="residue"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The bits are outside 1..64 or the residue is not below 2^b.
    /// </exception>
    public static long Unwrap(ulong residue, int bits)
    {
        CheckBits(bits);
        if (residue > Mask(bits))
        {
            throw new ArgumentOutOfRangeException(nameof(residue), residue, $"Is not below 2^{bits}.");
        }

        // Sign-extend from bit b - 1.
        int shift = 64 - bits;
        return unchecked((long)(residue << shift) >> shift);
    }

    private static ulong Mask(int bits) => bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;

    private static void CheckBits(int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
    }
}
