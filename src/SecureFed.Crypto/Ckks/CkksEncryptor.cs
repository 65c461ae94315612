// CKKS encryption (Cheon, Kim, Kim, Song 2017, ASIACRYPT 2017), in RNS and NTT form.
//
// Public-key: sample a ternary u and errors e0, e1; compute (b u + e0, a u + e1) modulo Q P
// with the key-level public key, divide each by the special prime P with rounding, then add
// m modulo Q. The division (the modulus switch of Microsoft SEAL's encryptor) divides the
// noise e0 + e u + s e1 of textbook encryption, standard deviation about 340 at N = 8192,
// by P, and leaves a rounding term of standard deviation about 21: about 3 more bits of
// precision.
// Dividing c by P exactly: with t the centred residue of c modulo P, (c - t) / P is an
// integer, computed row by row as (c - t) P^-1 mod q_i. With c = k u + e, the row is
// ((k u)_i + NTT(e - t)_i) P^-1, so the error enters through the same transform as t.
// At N = 8192 with three chain primes the cost is twelve transforms: u forward for four
// primes, and for each component one inverse (the P row) and three forward (e - t per
// prime).
//
// Secret-key: sample a uniform a from a fresh seed and an error e; output (-a s + e + m, a)
// modulo Q, where a can travel as its 32-byte seed; three forward transforms.

using System.Buffers;
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
        int count = Context.ModulusCount;
        var c0 = new RnsPolynomial(Context, isNttForm: true);
        var c1 = new RnsPolynomial(Context, isNttForm: true);
        // Scratch comes from the shared pools: an encryption would otherwise allocate about
        // 0.6 MiB of large-object heap for it each time. Everything is cleared before return,
        // since u and the errors are secret.
        long[] smallBuffer = ArrayPool<long>.Shared.Rent(4 * n);
        ulong[] wideBuffer = ArrayPool<ulong>.Shared.Rent((count + 3) * n);
        Span<long> u = smallBuffer.AsSpan(0, n);
        Span<long> e0 = smallBuffer.AsSpan(n, n);
        Span<long> e1 = smallBuffer.AsSpan(2 * n, n);
        Span<long> correction = smallBuffer.AsSpan(3 * n, n);
        Span<ulong> uRows = wideBuffer.AsSpan(0, (count + 1) * n);
        Span<ulong> specialRow = wideBuffer.AsSpan((count + 1) * n, n);
        Span<ulong> row = wideBuffer.AsSpan((count + 2) * n, n);
        try
        {
            using (var sampler = RingSampler.CreateRandom())
            {
                sampler.SampleTernary(u);
                sampler.SampleCenteredBinomial(e0);
                sampler.SampleCenteredBinomial(e1);
            }

            for (int i = 0; i <= count; i++)
            {
                Span<ulong> uRow = uRows.Slice(i * n, n);
                LiftSmall(u, Context.ModulusAt(i), uRow);
                Ntt.ForwardCore(uRow, Context.NttTablesAt(i));
            }

            EncryptComponent(
                publicKey.B, publicKey.BShoup, uRows, e0, c0, specialRow, correction, row);
            EncryptComponent(
                publicKey.A, publicKey.AShoup, uRows, e1, c1, specialRow, correction, row);
            c0.AddInPlace(plaintext.Polynomial);
        }
        finally
        {
            smallBuffer.AsSpan(0, 4 * n).Clear();
            wideBuffer.AsSpan(0, (count + 3) * n).Clear();
            ArrayPool<long>.Shared.Return(smallBuffer);
            ArrayPool<ulong>.Shared.Return(wideBuffer);
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
        product.MultiplyInPlace(secretKey.CiphertextLevelPolynomial);
        c0.SubtractInPlace(product);
        product.Clear();

        var ciphertext = new CkksCiphertext(c0, c1, plaintext.Scale, plaintext.Encoding);
        ciphertext.SetC1Seed(seed);
        return ciphertext;
    }

    /// <summary>A fresh centred binomial error polynomial, in NTT form.</summary>
    internal static RnsPolynomial SampleErrorNtt(CkksContext context, bool atKeyLevel = false)
    {
        var error = new long[context.RingDegree];
        try
        {
            using (var sampler = RingSampler.CreateRandom())
            {
                sampler.SampleCenteredBinomial(error);
            }

            var polynomial = new RnsPolynomial(context, isNttForm: false, atKeyLevel);
            polynomial.SetSmallCoefficients(error);
            polynomial.ToNttForm();
            return polynomial;
        }
        finally
        {
            Array.Clear(error);
        }
    }

    /// <summary>
    /// Writes round((keyPart * u + error) / P) into <paramref name="output"/> (modulo Q, NTT
    /// form), given u in NTT form modulo every prime of Q P.
    /// </summary>
    private void EncryptComponent(
        RnsPolynomial keyPart, ReadOnlySpan<ulong> keyPartShoup, ReadOnlySpan<ulong> uRows,
        ReadOnlySpan<long> error, RnsPolynomial output, Span<ulong> specialRow,
        Span<long> correction, Span<ulong> row)
    {
        int n = Context.RingDegree;
        int count = Context.ModulusCount;

        // The special prime's row in coefficient form, plus the error, centred: t. What the
        // chain primes need is e - t, whose magnitude is below P / 2 + 21.
        Modulus special = Context.ModulusAt(count);
        RnsKernels.MultiplyShoup(
            specialRow, uRows.Slice(count * n, n), keyPart.Row(count),
            keyPartShoup.Slice(count * n, n), special);
        Ntt.InverseCore(specialRow, Context.NttTablesAt(count));
        ulong p = special.Value;
        ulong half = p >> 1;
        for (int j = 0; j < n; j++)
        {
            unchecked
            {
                // x = [k u + e]_P in [0, P), then centred into (-P/2, P/2] without branching.
                long e = error[j];
                ulong x = specialRow[j] + (ulong)e + (p & (ulong)(e >> 63));
                x -= p & (0UL - ((p - 1 - x) >> 63));
                ulong above = 0UL - ((half - x) >> 63);
                long t = (long)(x - (p & above));
                correction[j] = e - t;
            }
        }

        for (int i = 0; i < count; i++)
        {
            Modulus modulus = Context.ModulusAt(i);
            ulong q = modulus.Value;
            Span<ulong> outputRow = output.Row(i);

            RnsKernels.MultiplyShoup(
                outputRow, uRows.Slice(i * n, n), keyPart.Row(i),
                keyPartShoup.Slice(i * n, n), modulus);

            // e - t into row i; when it is smaller than q_i in magnitude, as with the default
            // parameters (P below every chain prime), adding q under the sign mask suffices.
            if ((p >> 1) + RingSampler.BinomialEta < q)
            {
                LiftSmall(correction, modulus, row);
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    row[j] = RnsPolynomial.ReduceSigned(correction[j], modulus, q);
                }
            }

            Ntt.ForwardCore(row, Context.NttTablesAt(i));
            RnsKernels.Add(outputRow, row, q);
            RnsKernels.MultiplyScalarShoup(
                outputRow, Context.SpecialPrimeInverses[i], Context.SpecialPrimeInversesShoup[i],
                modulus);
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
