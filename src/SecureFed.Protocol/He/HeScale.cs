// The scale of HE mode's exact integer sums. A client's residues (integers below 2^b) are
// coefficient-encoded at scale Δ and the aggregate decrypts to Δ·sum + e, where e is
// dominated by the custodians' flooding noise: each adds a value below 2^41 in magnitude, so
// t custodians add less than t·2^41. Rounding (Δ·sum + e)/Δ gives the exact sum while
// |e| < Δ/2; we keep a margin of 2^8 beyond that. The sum itself, below n·2^b, must stay
// under Q/8 after scaling so that its centred representative is never taken modulo Q.

using SecureFed.Crypto.Ckks;

namespace SecureFed.Protocol.He;

/// <summary>Picks the coefficient-encoding scale of HE mode's exact integer sums.</summary>
public static class HeScale
{
    /// <summary>log2 of the largest scale used: 2^80, spread over two or more primes.</summary>
    public const int MaxScaleBits = 80;

    /// <summary>log2 of one custodian's flooding bound (see CkksThresholdCustodian).</summary>
    public const int FloodingBits = 41;

    /// <summary>Margin, in bits, kept between the noise and half the scale.</summary>
    public const int MarginBits = 8;

    /// <summary>
    /// log2 of the scale for sums of <paramref name="clients"/> values of
    /// <paramref name="valueBits"/> bits, decrypted by up to <paramref name="custodians"/>
    /// custodians; 0 when the modulus cannot hold such sums exactly.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1 or the bits outside 1..62.</exception>
    public static int ScaleBits(CkksParameters parameters, int clients, int valueBits, int custodians = 16)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(custodians, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(valueBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(valueBits, 62);
        int sumBits = valueBits + CeilingLog2(clients);
        int noiseBits = FloodingBits + CeilingLog2(custodians);
        int bits = Math.Min(MaxScaleBits, parameters.CiphertextModulusBitCount - 3 - sumBits);
        return bits >= noiseBits + 1 + MarginBits ? bits : 0;
    }

    private static int CeilingLog2(int value) => value <= 1 ? 0 : 32 - int.LeadingZeroCount(value - 1);
}
