namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A CKKS public key (b, a) with b = -a s + e, in NTT form modulo Q P. In threshold mode b is the sum
/// of every custodian's b_i over one common a, and no party knows the whole s.
/// </summary>
public sealed class CkksPublicKey
{
    private readonly byte[] _seed;

    /// <summary>Wraps b and the seed that a is expanded from.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="b"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The seed is not 32 bytes, or b is not in NTT form modulo Q P.
    /// </exception>
    public CkksPublicKey(RnsPolynomial b, ReadOnlySpan<byte> seed)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (seed.Length != CkksCiphertext.SeedSize)
        {
            throw new ArgumentException(
                $"The seed must be {CkksCiphertext.SeedSize} bytes.", nameof(seed));
        }

        if (!b.IsNttForm || !b.IsKeyLevel)
        {
            throw new ArgumentException(
                "A public key is kept in NTT form modulo Q P.", nameof(b));
        }

        B = b;
        _seed = seed.ToArray();
        A = RingSampler.ExpandUniform(b.Context, seed, atKeyLevel: true);
        BShoup = ShoupQuotients(B);
        AShoup = ShoupQuotients(A);
    }

    /// <summary>b = -a s + e, in NTT form.</summary>
    public RnsPolynomial B { get; }

    /// <summary>The uniform polynomial a, in NTT form, expanded from <see cref="Seed"/>.</summary>
    public RnsPolynomial A { get; }

    /// <summary>The public seed a is expanded from.</summary>
    public ReadOnlySpan<byte> Seed => _seed;

    /// <summary>The context of the key's parameters.</summary>
    public CkksContext Context => B.Context;

    /// <summary>
    /// Shoup quotients of every residue of <see cref="B"/>, row-major like its residues:
    /// each encryption multiplies by the same key, so a product costs one high and two low
    /// multiplications instead of a Barrett reduction.
    /// </summary>
    internal ulong[] BShoup { get; }

    /// <summary>Shoup quotients of every residue of <see cref="A"/>.</summary>
    internal ulong[] AShoup { get; }

    /// <summary>
    /// Makes the public key of <paramref name="secretKey"/> over a fresh random a.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="secretKey"/> is null.</exception>
    public static CkksPublicKey Generate(CkksSecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        Span<byte> seed = stackalloc byte[CkksCiphertext.SeedSize];
        System.Security.Cryptography.RandomNumberGenerator.Fill(seed);
        return Generate(secretKey, seed);
    }

    /// <summary>
    /// Makes the public key of <paramref name="secretKey"/> over the a expanded from
    /// <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="secretKey"/> is null.</exception>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static CkksPublicKey Generate(CkksSecretKey secretKey, ReadOnlySpan<byte> seed)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        RnsPolynomial b = ComputeKeyShare(secretKey.Polynomial, seed);
        return new CkksPublicKey(b, seed);
    }

    private static ulong[] ShoupQuotients(RnsPolynomial polynomial)
    {
        int n = polynomial.RingDegree;
        var quotients = new ulong[n * polynomial.ModulusCount];
        for (int i = 0; i < polynomial.ModulusCount; i++)
        {
            Modulus modulus = polynomial.Context.ModulusAt(i);
            Span<ulong> row = polynomial.Row(i);
            Span<ulong> target = quotients.AsSpan(i * n, n);
            for (int j = 0; j < n; j++)
            {
                target[j] = modulus.ShoupPrecompute(row[j]);
            }
        }

        return quotients;
    }

    /// <summary>
    /// -a s + e modulo Q P for the a expanded from <paramref name="seed"/>, in NTT form;
    /// <paramref name="secret"/> is s modulo Q P.
    /// </summary>
    internal static RnsPolynomial ComputeKeyShare(RnsPolynomial secret, ReadOnlySpan<byte> seed)
    {
        if (seed.Length != CkksCiphertext.SeedSize)
        {
            throw new ArgumentException(
                $"The seed must be {CkksCiphertext.SeedSize} bytes.", nameof(seed));
        }

        CkksContext context = secret.Context;
        RnsPolynomial b = CkksEncryptor.SampleErrorNtt(context, atKeyLevel: true);
        RnsPolynomial a = RingSampler.ExpandUniform(context, seed, atKeyLevel: true);
        a.MultiplyInPlace(secret);
        b.SubtractInPlace(a);
        return b;
    }
}
