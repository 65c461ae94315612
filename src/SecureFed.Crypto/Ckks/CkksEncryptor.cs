// CKKS encryption (Cheon, Kim, Kim, Song 2017, ASIACRYPT 2017), in RNS and NTT form.
// Public-key: sample a ternary u and errors e0, e1; output (b u + e0 + m, a u + e1).
// Secret-key: sample a uniform a from a fresh seed and an error e; output (-a s + e + m, a),
// where a can travel as its 32-byte seed.
// At N = 8192 with three primes, public-key encryption costs nine forward NTTs (u, e0 and
// e1 for each prime) and six coefficient-wise products; secret-key encryption three NTTs
// and three products.

using System.Security.Cryptography;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// Encrypts CKKS plaintexts under a public key, or under a secret key with the compact,
/// seeded form of c1. Safe to use from several threads.
/// </summary>
public sealed class CkksEncryptor
{
    private readonly CkksPublicKey? _publicKey;
    private readonly CkksSecretKey? _secretKey;

    /// <summary>An encryptor under <paramref name="publicKey"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="publicKey"/> is null.</exception>
    public CkksEncryptor(CkksPublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        _publicKey = publicKey;
        Context = publicKey.Context;
    }

    /// <summary>
    /// An encryptor under <paramref name="secretKey"/>, for
    /// <see cref="EncryptSymmetric"/>. The caller keeps ownership of the key.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="secretKey"/> is null.</exception>
    public CkksEncryptor(CkksSecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        _secretKey = secretKey;
        Context = secretKey.Context;
    }

    /// <summary>The context of the key's parameters.</summary>
    public CkksContext Context { get; }

    /// <summary>Encrypts <paramref name="plaintext"/> under the public key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="plaintext"/> is null.</exception>
    /// <exception cref="ArgumentException">The plaintext has other parameters.</exception>
    /// <exception cref="InvalidOperationException">This encryptor has no public key.</exception>
    public CkksCiphertext Encrypt(CkksPlaintext plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        Context.RequireSame(plaintext.Context, nameof(plaintext));
        CkksPublicKey publicKey = _publicKey
            ?? throw new InvalidOperationException("This encryptor holds no public key.");

        int n = Context.RingDegree;
        var c0 = new RnsPolynomial(Context, isNttForm: true);
        var c1 = new RnsPolynomial(Context, isNttForm: true);
        var u = new long[n];
        var e0 = new long[n];
        var e1 = new long[n];
        var row = new ulong[n];
        try
        {
            using (var sampler = RingSampler.CreateRandom())
            {
                sampler.SampleTernary(u);
                sampler.SampleCenteredBinomial(e0);
                sampler.SampleCenteredBinomial(e1);
            }

            // One prime at a time keeps the working set (a few rows of N words) in cache.
            for (int i = 0; i < Context.ModulusCount; i++)
            {
                Modulus modulus = Context.ModulusAt(i);
                NttTables tables = Context.NttTablesAt(i);
                Span<ulong> c0Row = c0.Row(i);
                Span<ulong> c1Row = c1.Row(i);

                LiftSmall(u, modulus, row);
                Ntt.ForwardCore(row, tables);
                LiftSmall(e0, modulus, c0Row);
                Ntt.ForwardCore(c0Row, tables);
                LiftSmall(e1, modulus, c1Row);
                Ntt.ForwardCore(c1Row, tables);

                RnsKernels.MultiplyAdd(c0Row, publicKey.B.Row(i), row, modulus);
                RnsKernels.Add(c0Row, plaintext.Polynomial.Row(i), modulus.Value);
                RnsKernels.MultiplyAdd(c1Row, publicKey.A.Row(i), row, modulus);
            }
        }
        finally
        {
            Array.Clear(u);
            Array.Clear(e0);
            Array.Clear(e1);
            Array.Clear(row);
        }

        return new CkksCiphertext(c0, c1, plaintext.Scale, plaintext.Encoding);
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> under the secret key. The ciphertext keeps the
    /// seed of c1 and serializes to about half the size of a public-key ciphertext.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="plaintext"/> is null.</exception>
    /// <exception cref="ArgumentException">The plaintext has other parameters.</exception>
    /// <exception cref="InvalidOperationException">This encryptor has no secret key.</exception>
    public CkksCiphertext EncryptSymmetric(CkksPlaintext plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        Context.RequireSame(plaintext.Context, nameof(plaintext));
        CkksSecretKey secretKey = _secretKey
            ?? throw new InvalidOperationException("This encryptor holds no secret key.");

        Span<byte> seed = stackalloc byte[CkksCiphertext.SeedSize];
        RandomNumberGenerator.Fill(seed);
        RnsPolynomial c1 = RingSampler.ExpandUniform(Context, seed);

        // c0 = e + m - a s; the product is formed in a scratch polynomial and wiped, since
        // a s alone would reveal s to anyone who knows a.
        RnsPolynomial c0 = SampleErrorNtt(Context);
        c0.AddInPlace(plaintext.Polynomial);
        RnsPolynomial product = c1.Clone();
        product.MultiplyInPlace(secretKey.Polynomial);
        c0.SubtractInPlace(product);
        product.Clear();

        var ciphertext = new CkksCiphertext(c0, c1, plaintext.Scale, plaintext.Encoding);
        ciphertext.SetC1Seed(seed);
        return ciphertext;
    }

    /// <summary>A fresh centred binomial error polynomial, in NTT form.</summary>
    internal static RnsPolynomial SampleErrorNtt(CkksContext context)
    {
        var error = new long[context.RingDegree];
        try
        {
            using (var sampler = RingSampler.CreateRandom())
            {
                sampler.SampleCenteredBinomial(error);
            }

            var polynomial = new RnsPolynomial(context, isNttForm: false);
            polynomial.SetSmallCoefficients(error);
            polynomial.ToNttForm();
            return polynomial;
        }
        finally
        {
            Array.Clear(error);
        }
    }

    /// <summary>Reduces small signed coefficients into one row.</summary>
    internal static void LiftSmall(ReadOnlySpan<long> values, Modulus modulus, Span<ulong> row)
    {
        ulong q = modulus.Value;
        for (int j = 0; j < row.Length && j < values.Length; j++)
        {
            unchecked
            {
                // Small values: adding q under the sign mask is the whole reduction.
                long v = values[j];
                row[j] = (ulong)v + (q & (ulong)(v >> 63));
            }
        }
    }
}
