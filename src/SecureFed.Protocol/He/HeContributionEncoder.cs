// A client's HE-mode contribution: the integer vector that the distributed DP pipeline
// outputs (Kairouz, Liu and Steinke, ICML 2021), of any length D, cut into ceil(D / N)
// chunks of N coefficients, each coefficient-encoded at scale 2^k (CKKS coefficient
// encoding, exact for integers) and encrypted under the custodians' collective public key
// (Mouchet et al., PETS 2021). With k = 80 and the default N = 8192 chain (Q of 180 bits), an
// integer sum up to about 2^50 in magnitude survives t flooded decryption shares exactly.

using SecureFed.Crypto.Ckks;

namespace SecureFed.Protocol.He;

/// <summary>
/// Encrypts a client's integer vector under the collective public key, one ciphertext per
/// N coefficients. Thread-safe.
/// </summary>
public sealed class HeContributionEncoder
{
    /// <summary>The largest scale exponent: a double scale must stay finite.</summary>
    public const int MaxScaleBits = 1000;

    private readonly CkksEncoder _encoder;
    private readonly CkksEncryptor _encryptor;

    /// <summary>
    /// Prepares encryption under <paramref name="publicKey"/> at scale 2^<paramref name="scaleBits"/>.
    /// </summary>
    /// <param name="context">The CKKS parameters' context.</param>
    /// <param name="publicKey">The collective public key of the custodians.</param>
    /// <param name="scaleBits">k, the scale's exponent, 0 to 1000 (80 by design).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The key has other parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The scale exponent is out of range.</exception>
    public HeContributionEncoder(CkksContext context, CkksPublicKey publicKey, int scaleBits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(publicKey);
        if (!context.Parameters.Equals(publicKey.Context.Parameters))
        {
            throw new ArgumentException("The public key belongs to other CKKS parameters.", nameof(publicKey));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(scaleBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scaleBits, MaxScaleBits);
        Context = context;
        ScaleBits = scaleBits;
        _encoder = new CkksEncoder(context);
        _encryptor = new CkksEncryptor(publicKey);
    }

    /// <summary>The CKKS parameters' context.</summary>
    public CkksContext Context { get; }

    /// <summary>k, where the scale is 2^k.</summary>
    public int ScaleBits { get; }

    /// <summary>The number of ciphertexts a vector of <paramref name="length"/> values takes.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length is not positive.</exception>
    public static int CiphertextCount(CkksContext context, int length)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return (int)(((long)length + context.RingDegree - 1) / context.RingDegree);
    }

    /// <summary>
    /// Encrypts <paramref name="values"/>: chunk c holds values [c N, (c + 1) N), the last one
    /// padded with zeros.
    /// </summary>
    /// <returns>The serialized ciphertexts, in chunk order.</returns>
    /// <exception cref="ArgumentException">
    /// The vector is empty, or a value times the scale reaches Q / 2.
    /// </exception>
    public IReadOnlyList<byte[]> Encrypt(ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("A contribution needs at least one value.", nameof(values));
        }

        int n = Context.RingDegree;
        double scale = Math.ScaleB(1, ScaleBits);
        var ciphertexts = new byte[CiphertextCount(Context, values.Length)][];
        for (int c = 0; c < ciphertexts.Length; c++)
        {
            ReadOnlySpan<long> chunk = values.Slice(c * n, Math.Min(n, values.Length - (c * n)));

            // The plaintext is the client's update itself: it is cleared once encrypted.
            CkksPlaintext plaintext = _encoder.EncodeCoefficients(chunk, scale);
            try
            {
                ciphertexts[c] = CkksSerializer.Serialize(_encryptor.Encrypt(plaintext));
            }
            finally
            {
                plaintext.Clear();
            }
        }

        return ciphertexts;
    }
}
