using System.Globalization;
using SecureFed.Crypto.Ckks;

namespace SecureFed.Protocol.He;

/// <summary>
/// Turns the decrypted plaintexts of an aggregate back into the exact integer sum of the
/// clients' vectors: the inverse of <see cref="HeContributionEncoder"/>'s chunking.
/// </summary>
public sealed class HeAggregateDecoder
{
    private readonly CkksEncoder _encoder;

    /// <summary>
    /// A decoder for vectors of <paramref name="length"/> values at scale
    /// 2^<paramref name="scaleBits"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length or scale exponent is out of range.</exception>
    public HeAggregateDecoder(CkksContext context, int length, int scaleBits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegative(scaleBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scaleBits, HeContributionEncoder.MaxScaleBits);
        Context = context;
        Length = length;
        ScaleBits = scaleBits;
        CiphertextCount = HeContributionEncoder.CiphertextCount(context, length);
        _encoder = new CkksEncoder(context);
    }

    /// <summary>The CKKS parameters' context.</summary>
    public CkksContext Context { get; }

    /// <summary>D, the vector length.</summary>
    public int Length { get; }

    /// <summary>k, where the scale is 2^k.</summary>
    public int ScaleBits { get; }

    /// <summary>ceil(D / N), the number of plaintexts expected.</summary>
    public int CiphertextCount { get; }

    /// <summary>Decodes the plaintexts, in chunk order, to the D integers of the sum.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="plaintexts"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The count, scale, encoding or parameters of the plaintexts are wrong.
    /// </exception>
    /// <exception cref="ProtocolViolationException">
    /// A value is beyond where decoding is exact, or a padding coefficient is not zero: the
    /// decryption shares or the aggregate were wrong.
    /// </exception>
    public long[] Decode(IReadOnlyList<CkksPlaintext> plaintexts)
    {
        ArgumentNullException.ThrowIfNull(plaintexts);
        if (plaintexts.Count != CiphertextCount)
        {
            throw new ArgumentException(
                $"Expected {CiphertextCount} plaintexts, got {plaintexts.Count}.", nameof(plaintexts));
        }

        double scale = Math.ScaleB(1, ScaleBits);
        foreach (CkksPlaintext plaintext in plaintexts)
        {
            ArgumentNullException.ThrowIfNull(plaintext, nameof(plaintexts));
            if (!Context.Parameters.Equals(plaintext.Context.Parameters))
            {
                throw new ArgumentException(
                    "A plaintext belongs to other CKKS parameters.", nameof(plaintexts));
            }

            if (plaintext.Scale != scale || plaintext.Encoding != CkksEncoding.Coefficients)
            {
                throw new ArgumentException(
                    $"The plaintexts must be coefficient-encoded at scale 2^{ScaleBits}.", nameof(plaintexts));
            }
        }

        int n = Context.RingDegree;
        var sum = new long[Length];
        for (int c = 0; c < plaintexts.Count; c++)
        {
            long[] values;
            try
            {
                values = _encoder.DecodeCoefficientsToIntegers(plaintexts[c]);
            }
            catch (OverflowException e)
            {
                throw new ProtocolViolationException(
                    $"Chunk {c} of the aggregate does not decode to integers: wrong shares or aggregate.", e);
            }

            int count = Math.Min(n, Length - (c * n));
            values.AsSpan(0, count).CopyTo(sum.AsSpan(c * n));
            for (int j = count; j < n; j++)
            {
                if (values[j] != 0)
                {
                    throw new ProtocolViolationException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Padding coefficient {j} of chunk {c} decodes to {values[j]}, not 0: wrong shares " +
                            $"or aggregate."));
                }
            }
        }

        return sum;
    }
}
