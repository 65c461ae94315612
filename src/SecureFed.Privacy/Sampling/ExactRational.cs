// Exact rational helpers for sampler parameters: the exact value of a double as a fraction
// (IEEE 754 binary64: mantissa * 2^exponent, so the denominator is a power of two),
// reduction to lowest terms, and the integer square root (Newton's method on integers).

using System.Diagnostics;
using System.Numerics;

namespace SecureFed.Privacy.Sampling;

/// <summary>Exact conversions for the rational parameters of the samplers.</summary>
internal static class ExactRational
{
    /// <summary>
    /// Writes the exact binary value of a finite, positive double as a fraction in lowest
    /// terms. No rounding happens: 0.1 becomes 3602879701896397 / 2^55.
    /// </summary>
    public static (BigInteger Numerator, BigInteger Denominator) FromDouble(double value)
    {
        Debug.Assert(double.IsFinite(value) && value > 0);
        long raw = BitConverter.DoubleToInt64Bits(value);
        int biasedExponent = (int)((raw >> 52) & 0x7FF);
        long mantissa = raw & 0xF_FFFF_FFFF_FFFF;

        // Normal numbers carry an implicit leading one; subnormals share the least exponent.
        int exponent;
        if (biasedExponent == 0)
        {
            exponent = -1074;
        }
        else
        {
            mantissa |= 1L << 52;
            exponent = biasedExponent - 1075;
        }

        return exponent >= 0
            ? (new BigInteger(mantissa) << exponent, BigInteger.One)
            : Reduce(mantissa, BigInteger.One << -exponent);
    }

    /// <summary>Divides both terms of a positive fraction by their greatest common divisor.</summary>
    public static (BigInteger Numerator, BigInteger Denominator) Reduce(
        BigInteger numerator, BigInteger denominator)
    {
        Debug.Assert(numerator.Sign > 0 && denominator.Sign > 0);
        BigInteger divisor = BigInteger.GreatestCommonDivisor(numerator, denominator);
        return (numerator / divisor, denominator / divisor);
    }

    /// <summary>Returns floor(sqrt(value)) for a non-negative integer.</summary>
    public static BigInteger FloorSquareRoot(BigInteger value)
    {
        Debug.Assert(value.Sign >= 0);
        if (value < 2)
        {
            return value;
        }

        // Starting above the root, Newton's integer iteration decreases strictly until it
        // reaches floor(sqrt(value)), then would stop decreasing.
        BigInteger current = BigInteger.One << (int)((value.GetBitLength() + 1) / 2);
        while (true)
        {
            BigInteger next = (current + (value / current)) >> 1;
            if (next >= current)
            {
                return current;
            }

            current = next;
        }
    }
}
