// Shamir (1979) "How to share a secret", CACM 22(11), t-of-n over the prime field
// GF(p), p = 2^61 - 1. A 32-byte secret, read as a little-endian 256-bit integer, is cut
// into five limbs: bits 0..51, 52..103, 104..155, 156..207 (52 bits each) and 208..255
// (48 bits). Each limb is the constant term of its own random polynomial of degree t - 1;
// the share of holder h holds the five values at x = h. Shares are 40 bytes.
// Reconstruction is Lagrange interpolation at 0 in barycentric form: O(t^2) products and
// one batched inversion, plus O(t) and one inversion per extra share checked.

using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SecureFed.Crypto.Sharing;

/// <summary>
/// Threshold sharing of 32-byte secrets (in SecAgg+, a client's self-mask seed and mask
/// private key) among its neighbours, with each share bound to its holder's id.
/// </summary>
public static class ShamirSecretSharing
{
    /// <summary>Size of a secret in bytes.</summary>
    public const int SecretSize = 32;

    /// <summary>Number of field elements a secret is cut into.</summary>
    internal const int LimbCount = 5;

    private const int LimbBits = 52;
    private const int LastLimbBits = 48;
    private const ulong LimbMask = (1UL << LimbBits) - 1;

    // Thresholds up to this size keep their interpolation scratch on the stack (4 KiB).
    private const int StackThreshold = 128;

    /// <summary>
    /// Splits <paramref name="secret"/> into one share per holder id, in the order given,
    /// such that any <paramref name="threshold"/> of them reconstruct it and fewer reveal
    /// nothing about it.
    /// </summary>
    /// <param name="secret">The 32-byte secret.</param>
    /// <param name="threshold">
    /// How many shares reconstruct the secret, from 1 to the number of holders.
    /// </param>
    /// <param name="holderIds">
    /// Distinct, non-zero participant ids; each is its share's evaluation point.
    /// </param>
    /// <returns>The shares, which the caller disposes once they are sent.</returns>
    /// <exception cref="ArgumentException">
    /// The secret is not 32 bytes, the threshold is out of range, or a holder id is zero
    /// or repeated.
    /// </exception>
    public static ShamirShare[] Split(
        ReadOnlySpan<byte> secret, int threshold, ReadOnlySpan<uint> holderIds)
    {
        if (secret.Length != SecretSize)
        {
            throw new ArgumentException(
                $"A secret to share is {SecretSize} bytes, not {secret.Length}.", nameof(secret));
        }

        if (threshold < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(threshold), threshold, "The threshold must be at least 1.");
        }

        if (threshold > holderIds.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(threshold),
                threshold,
                $"The threshold {threshold} exceeds the number of holders, {holderIds.Length}.");
        }

        var seen = new HashSet<uint>(holderIds.Length);
        foreach (uint id in holderIds)
        {
            if (id == 0)
            {
                throw new ArgumentException("Holder id 0 is not allowed.", nameof(holderIds));
            }

            if (!seen.Add(id))
            {
                throw new ArgumentException(
                    $"Holder id {id} appears more than once.", nameof(holderIds));
            }
        }

        return SplitCore(secret, threshold, holderIds);
    }

    /// <summary>
    /// Reconstructs a secret from at least <paramref name="threshold"/> shares into
    /// <paramref name="secret"/>. The first <paramref name="threshold"/> shares are
    /// interpolated; every further share must lie on the same polynomials.
    /// </summary>
    /// <param name="shares">The shares, with distinct holder ids.</param>
    /// <param name="threshold">The threshold the secret was split with.</param>
    /// <param name="secret">Receives the 32-byte secret; cleared if reconstruction fails.</param>
    /// <exception cref="ArgumentNullException">The list or one of its shares is null.</exception>
    /// <exception cref="ArgumentException">
    /// The threshold is below 1, the destination is not 32 bytes, fewer than
    /// <paramref name="threshold"/> shares are given, or a holder id is repeated.
    /// </exception>
    /// <exception cref="ObjectDisposedException">A share has been disposed.</exception>
    /// <exception cref="CryptographicException">
    /// The shares are inconsistent: an extra share is off the polynomials, or the result
    /// is not a valid secret (as when a share is corrupted or bound to the wrong holder).
    /// </exception>
    public static void Combine(IReadOnlyList<ShamirShare> shares, int threshold, Span<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (threshold < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(threshold), threshold, "The threshold must be at least 1.");
        }

        if (secret.Length != SecretSize)
        {
            throw new ArgumentException(
                $"The destination must be {SecretSize} bytes, not {secret.Length}.",
                nameof(secret));
        }

        if (shares.Count < threshold)
        {
            throw new ArgumentException(
                $"Reconstruction needs at least {threshold} shares, but {shares.Count} were given.",
                nameof(shares));
        }

        var seen = new HashSet<uint>(shares.Count);
        for (int i = 0; i < shares.Count; i++)
        {
            ShamirShare share = shares[i]
                ?? throw new ArgumentNullException(nameof(shares), $"Share {i} is null.");
            ObjectDisposedException.ThrowIf(share.IsDisposed, share);
            if (!seen.Add(share.HolderId))
            {
                throw new ArgumentException(
                    $"Holder id {share.HolderId} appears in more than one share.", nameof(shares));
            }
        }

        CombineCore(shares, threshold, secret);
    }

    /// <summary>
    /// Cuts a 32-byte secret into its five limbs, little-endian: limb 0 holds bits 0..51.
    /// </summary>
    internal static void ToLimbs(ReadOnlySpan<byte> secret, Span<ulong> limbs)
    {
        Debug.Assert(secret.Length == SecretSize && limbs.Length == LimbCount);
        ulong w0 = BinaryPrimitives.ReadUInt64LittleEndian(secret);
        ulong w1 = BinaryPrimitives.ReadUInt64LittleEndian(secret[8..]);
        ulong w2 = BinaryPrimitives.ReadUInt64LittleEndian(secret[16..]);
        ulong w3 = BinaryPrimitives.ReadUInt64LittleEndian(secret[24..]);

        limbs[0] = w0 & LimbMask;
        limbs[1] = ((w0 >> 52) | (w1 << 12)) & LimbMask;
        limbs[2] = ((w1 >> 40) | (w2 << 24)) & LimbMask;
        limbs[3] = ((w2 >> 28) | (w3 << 36)) & LimbMask;
        limbs[4] = w3 >> 16;
    }

    /// <summary>Joins five in-range limbs back into the 32-byte secret.</summary>
    internal static void FromLimbs(ReadOnlySpan<ulong> limbs, Span<byte> secret)
    {
        Debug.Assert(secret.Length == SecretSize && limbs.Length == LimbCount);
        BinaryPrimitives.WriteUInt64LittleEndian(secret, limbs[0] | (limbs[1] << 52));
        BinaryPrimitives.WriteUInt64LittleEndian(secret[8..], (limbs[1] >> 12) | (limbs[2] << 40));
        BinaryPrimitives.WriteUInt64LittleEndian(secret[16..], (limbs[2] >> 24) | (limbs[3] << 28));
        BinaryPrimitives.WriteUInt64LittleEndian(secret[24..], (limbs[3] >> 36) | (limbs[4] << 16));
    }

    private static ShamirShare[] SplitCore(
        ReadOnlySpan<byte> secret, int threshold, ReadOnlySpan<uint> holderIds)
    {
        // One row of `threshold` coefficients per limb, constant term first.
        var coefficients = new ulong[LimbCount * threshold];
        Span<ulong> limbs = stackalloc ulong[LimbCount];
        try
        {
            ToLimbs(secret, limbs);
            for (int limb = 0; limb < LimbCount; limb++)
            {
                Span<ulong> row = coefficients.AsSpan(limb * threshold, threshold);
                row[0] = limbs[limb];
                Mersenne61.FillRandom(row[1..]);
            }

            var shares = new ShamirShare[holderIds.Length];
            for (int h = 0; h < holderIds.Length; h++)
            {
                var elements = new ulong[LimbCount];
                for (int limb = 0; limb < LimbCount; limb++)
                {
                    elements[limb] = Evaluate(
                        coefficients.AsSpan(limb * threshold, threshold), holderIds[h]);
                }

                shares[h] = new ShamirShare(holderIds[h], elements);
            }

            return shares;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(coefficients.AsSpan()));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(limbs));
        }
    }

    /// <summary>Evaluates a polynomial, constant term first, at x by Horner's rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong Evaluate(ReadOnlySpan<ulong> coefficients, ulong x)
    {
        ulong value = coefficients[^1];
        for (int k = coefficients.Length - 2; k >= 0; k--)
        {
            value = Mersenne61.Add(Mersenne61.Multiply(value, x), coefficients[k]);
        }

        return value;
    }

    // The interpolation methods are compiled fully optimized at once: a round reconstructs
    // a few hundred secrets at most, too few for tiered compilation to catch up, and the
    // first calls ran about four times slower than steady state.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CombineCore(
        IReadOnlyList<ShamirShare> shares, int threshold, Span<byte> secret)
    {
        // Holder ids are public, so everything derived from them alone (the points, the
        // weights, the Lagrange coefficients) needs no clearing; the limbs do.
        Span<ulong> scratch = threshold <= StackThreshold
            ? stackalloc ulong[4 * StackThreshold]
            : new ulong[4 * threshold];
        Span<ulong> points = scratch[..threshold];
        Span<ulong> weights = scratch.Slice(threshold, threshold);
        Span<ulong> coefficients = scratch.Slice(2 * threshold, threshold);
        Span<ulong> work = scratch.Slice(3 * threshold, threshold);

        Span<ulong> limbs = stackalloc ulong[LimbCount];
        Span<ulong> expected = stackalloc ulong[LimbCount];
        try
        {
            for (int i = 0; i < threshold; i++)
            {
                points[i] = shares[i].HolderId;
            }

            ComputeWeights(points, weights, work);
            ComputeLagrangeCoefficients(points, weights, 0, coefficients, work);
            Interpolate(shares, coefficients, limbs);

            // Differences are folded into one word so that neither which extra share nor
            // which limb disagrees shows in the timing; a single branch decides at the end.
            ulong mismatch = 0;
            for (int k = threshold; k < shares.Count; k++)
            {
                ComputeLagrangeCoefficients(
                    points, weights, shares[k].HolderId, coefficients, work);
                Interpolate(shares, coefficients, expected);
                ReadOnlySpan<ulong> actual = shares[k].Elements;
                for (int limb = 0; limb < LimbCount; limb++)
                {
                    mismatch |= expected[limb] ^ actual[limb];
                }
            }

            // A corrupted or relabelled share among the first t shifts each limb it touches
            // by a non-zero field element; the result stays below 2^52 with probability
            // about 2^-9 per limb (2^-13 for the last), so most such errors show here too.
            for (int limb = 0; limb < LimbCount - 1; limb++)
            {
                mismatch |= limbs[limb] >> LimbBits;
            }

            mismatch |= limbs[LimbCount - 1] >> LastLimbBits;

            if (mismatch != 0)
            {
                CryptographicOperations.ZeroMemory(secret);
                throw new CryptographicException("The shares are inconsistent.");
            }

            FromLimbs(limbs, secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(limbs));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(expected));
        }
    }

    /// <summary>
    /// Computes the barycentric weights w_i = 1 / prod_{j != i} (x_i - x_j) of distinct
    /// points, with one batched inversion.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeWeights(
        ReadOnlySpan<ulong> points, Span<ulong> weights, Span<ulong> work)
    {
        for (int i = 0; i < points.Length; i++)
        {
            // Two running products, over even and odd j, overlap their multiplications:
            // a single chain would wait on each product's latency in turn. A factor of 1
            // stands in for j == i.
            ulong even = 1;
            ulong odd = 1;
            int j = 0;
            for (; j + 1 < points.Length; j += 2)
            {
                ulong evenFactor = j == i ? 1 : Mersenne61.Subtract(points[i], points[j]);
                ulong oddFactor = j + 1 == i ? 1 : Mersenne61.Subtract(points[i], points[j + 1]);
                even = Mersenne61.Multiply(even, evenFactor);
                odd = Mersenne61.Multiply(odd, oddFactor);
            }

            if (j < points.Length && j != i)
            {
                even = Mersenne61.Multiply(even, Mersenne61.Subtract(points[i], points[j]));
            }

            work[i] = Mersenne61.Multiply(even, odd);
        }

        Mersenne61.InvertBatch(work, weights);
    }

    /// <summary>
    /// Computes the Lagrange coefficients for evaluating at <paramref name="x"/>, which
    /// must differ from every point: c_i = l(x) w_i / (x - x_i), l(x) = prod (x - x_j).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeLagrangeCoefficients(
        ReadOnlySpan<ulong> points,
        ReadOnlySpan<ulong> weights,
        ulong x,
        Span<ulong> coefficients,
        Span<ulong> work)
    {
        ulong nodePolynomial = 1;
        for (int i = 0; i < points.Length; i++)
        {
            work[i] = Mersenne61.Subtract(x, points[i]);
            Debug.Assert(work[i] != 0);
            nodePolynomial = Mersenne61.Multiply(nodePolynomial, work[i]);
        }

        Mersenne61.InvertBatch(work, coefficients);
        for (int i = 0; i < points.Length; i++)
        {
            coefficients[i] = Mersenne61.Multiply(
                nodePolynomial, Mersenne61.Multiply(weights[i], coefficients[i]));
        }
    }

    /// <summary>
    /// Combines the elements of the first shares, one per coefficient, into the five
    /// interpolated limbs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Interpolate(
        IReadOnlyList<ShamirShare> shares, ReadOnlySpan<ulong> coefficients, Span<ulong> limbs)
    {
        limbs.Clear();
        for (int i = 0; i < coefficients.Length; i++)
        {
            ReadOnlySpan<ulong> elements = shares[i].Elements;
            for (int limb = 0; limb < LimbCount; limb++)
            {
                limbs[limb] = Mersenne61.Add(
                    limbs[limb], Mersenne61.Multiply(coefficients[i], elements[limb]));
            }
        }
    }
}
