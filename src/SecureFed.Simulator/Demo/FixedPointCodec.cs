// Fixed-point encoding of real-valued model updates as residues modulo 2^b, the input both
// protection modes aggregate. A value v becomes round(v * scale) in two's complement modulo
// 2^b; the sum of residues modulo 2^b decodes to the sum of the rounded values as long as
// that sum's magnitude stays below 2^(b-1). The codec is sized from a bound on the magnitude
// of the true sum, so no sum of clipped inputs can wrap.

namespace SecureFed.Simulator.Demo;

/// <summary>Signed fixed-point values as residues modulo 2^<see cref="Bits"/>.</summary>
public sealed class FixedPointCodec
{
    private readonly ulong _mask;

    /// <summary>Creates a codec; prefer <see cref="ForSumBound"/>, which sizes the modulus.</summary>
    /// <param name="bits">b, the residues' width, 2 to 62 (HE mode takes residues as longs).</param>
    /// <param name="scale">Multiplies a value before rounding; positive and finite.</param>
    public FixedPointCodec(int bits, double scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 62);
        if (!(scale > 0 && double.IsFinite(scale)))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "Must be positive and finite.");
        }

        Bits = bits;
        Scale = scale;
        _mask = (1UL << bits) - 1;
    }

    /// <summary>b: residues live modulo 2^b.</summary>
    public int Bits { get; }

    /// <summary>The fixed-point scale: one unit of a residue is 1 / Scale.</summary>
    public double Scale { get; }

    /// <summary>
    /// The codec whose modulus holds, without wrapping, any sum of <paramref name="terms"/>
    /// encoded values whose true sum has magnitude at most <paramref name="sumBound"/>:
    /// rounding adds at most half a unit per term.
    /// </summary>
    public static FixedPointCodec ForSumBound(double sumBound, int terms, double scale)
    {
        if (!(sumBound >= 0 && double.IsFinite(sumBound)))
        {
            throw new ArgumentOutOfRangeException(nameof(sumBound), sumBound, "Must be finite and not negative.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(terms);
        double largest = Math.Ceiling((sumBound * scale) + (0.5 * terms));

        // One bit for the sign, and the magnitude must stay strictly below 2^(b-1).
        int bits = 2 + (int)Math.Floor(Math.Log2(Math.Max(1, largest)));
        return new FixedPointCodec(bits, scale);
    }

    /// <summary>The residue of round(<paramref name="value"/> * <see cref="Scale"/>).</summary>
    public ulong Encode(double value)
    {
        long units = checked((long)Math.Round(value * Scale, MidpointRounding.ToEven));
        return unchecked((ulong)units) & _mask;
    }

    /// <summary>The value of a residue read as a signed number, divided by the scale.</summary>
    public double Decode(ulong residue) => ToSigned(residue) / Scale;

    /// <summary>A residue read as a signed integer in [-2^(b-1), 2^(b-1)).</summary>
    public long ToSigned(ulong residue)
    {
        ulong r = residue & _mask;
        return r >= 1UL << (Bits - 1) ? unchecked((long)r - (long)(1UL << Bits)) : (long)r;
    }

    /// <summary>The sum of residues modulo 2^b, as the aggregate of a round would give it.</summary>
    public ulong Add(ulong left, ulong right) => unchecked(left + right) & _mask;
}
