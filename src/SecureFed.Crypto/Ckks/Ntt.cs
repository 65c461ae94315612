// Negacyclic number-theoretic transform over Z_q[X]/(X^N + 1), after Longa and Naehrig
// 2016 (CANS 2016): the forward transform is a Cooley-Tukey network on psi powers in
// bit-reversed order (natural-order input, bit-reversed output), the inverse a
// Gentleman-Sande network that undoes it with N^-1 folded into its last stage.
// Butterflies use Shoup products and Harvey's lazy reduction (Harvey 2014, "Faster
// arithmetic for number-theoretic transforms", J. Symb. Comp. 60): forward values stay
// in [0, 4q), inverse values in [0, 2q), which q < 2^61 keeps far from 2^64. Outputs are
// fully reduced. N is a power of two in [16, 32768]; each transform costs
// (N/2) log2 N butterflies.

using System.Runtime.CompilerServices;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// In-place negacyclic NTT of polynomials in Z_q[X]/(X^N + 1). A product of polynomials
/// is the inverse transform of the coefficient-wise product of their transforms.
/// </summary>
/// <remarks>
/// The transform never branches on coefficient values, which may be secret.
/// The evaluation order is bit-reversed; only products and sums of transformed
/// polynomials, not the order of their entries, should be relied on.
/// </remarks>
public static class Ntt
{
    /// <summary>
    /// Replaces the coefficients in <paramref name="values"/> by their evaluations at the
    /// odd powers of psi, in bit-reversed order.
    /// </summary>
    /// <param name="values">N coefficients, each below q.</param>
    /// <param name="tables">The tables for this ring degree and prime.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tables"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The span is not N long, or a coefficient is not below q.
    /// </exception>
    public static void Forward(Span<ulong> values, NttTables tables)
    {
        Validate(values, tables);
        ForwardCore(values, tables);
    }

    /// <summary>
    /// Undoes <see cref="Forward"/>: replaces evaluations in bit-reversed order by the
    /// coefficients of the polynomial they came from.
    /// </summary>
    /// <param name="values">N evaluations, each below q.</param>
    /// <param name="tables">The tables for this ring degree and prime.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tables"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The span is not N long, or a value is not below q.
    /// </exception>
    public static void Inverse(Span<ulong> values, NttTables tables)
    {
        Validate(values, tables);
        InverseCore(values, tables);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForwardCore(Span<ulong> values, NttTables tables)
    {
        Modulus modulus = tables.Modulus;
        ulong q = modulus.Value;
        ulong twoQ = 2 * q;
        ReadOnlySpan<ulong> roots = tables.RootPowers;
        ReadOnlySpan<ulong> rootsShoup = tables.RootPowersShoup;
        int n = values.Length;

        // Stage m has m blocks of 2t values; block i pairs x[j] with x[j + t] through
        // psi^bitreverse(m + i). Inputs to a butterfly are below 4q, outputs too.
        int t = n;
        for (int m = 1; m < n; m <<= 1)
        {
            t >>= 1;
            for (int i = 0; i < m; i++)
            {
                ulong w = roots[m + i];
                ulong wShoup = rootsShoup[m + i];
                Span<ulong> block = values.Slice(2 * i * t, 2 * t);
                Span<ulong> top = block[..t];
                Span<ulong> bottom = block[t..];

                // Both bounds in the condition let the JIT drop the per-element checks.
                for (int j = 0; j < top.Length && j < bottom.Length; j++)
                {
                    ulong x = ReduceBelow(top[j], twoQ);
                    ulong y = MultiplyShoupLazy(bottom[j], w, wShoup, q);
                    top[j] = x + y;
                    bottom[j] = x + twoQ - y;
                }
            }
        }

        for (int j = 0; j < values.Length; j++)
        {
            values[j] = modulus.ReduceOnce(ReduceBelow(values[j], twoQ));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InverseCore(Span<ulong> values, NttTables tables)
    {
        Modulus modulus = tables.Modulus;
        ulong q = modulus.Value;
        ulong twoQ = 2 * q;
        ReadOnlySpan<ulong> roots = tables.InverseRootPowers;
        ReadOnlySpan<ulong> rootsShoup = tables.InverseRootPowersShoup;
        int n = values.Length;

        // Stage h undoes forward stage h: block i pairs x[j] with x[j + t] through
        // psi^-bitreverse(h + i). Values stay below 2q throughout.
        int t = 1;
        for (int h = n >> 1; h > 1; h >>= 1)
        {
            for (int i = 0; i < h; i++)
            {
                ulong w = roots[h + i];
                ulong wShoup = rootsShoup[h + i];
                Span<ulong> block = values.Slice(2 * i * t, 2 * t);
                Span<ulong> top = block[..t];
                Span<ulong> bottom = block[t..];
                for (int j = 0; j < top.Length && j < bottom.Length; j++)
                {
                    ulong x = top[j];
                    ulong y = bottom[j];
                    top[j] = ReduceBelow(x + y, twoQ);
                    bottom[j] = MultiplyShoupLazy(x + twoQ - y, w, wShoup, q);
                }
            }

            t <<= 1;
        }

        // The last stage is a single block with psi^-(N/2); both halves also take N^-1,
        // and the full Shoup product leaves them reduced.
        ulong scale = tables.DegreeInverse;
        ulong scaleShoup = tables.DegreeInverseShoup;
        ulong lastW = tables.LastInverseRoot;
        ulong lastWShoup = tables.LastInverseRootShoup;
        Span<ulong> first = values[..t];
        Span<ulong> second = values.Slice(t, t);
        for (int j = 0; j < first.Length && j < second.Length; j++)
        {
            ulong x = first[j];
            ulong y = second[j];
            first[j] = modulus.MultiplyShoup(x + y, scale, scaleShoup);
            second[j] = modulus.MultiplyShoup(x + twoQ - y, lastW, lastWShoup);
        }
    }

    /// <summary>
    /// Returns a value in [0, 2q) congruent to x * w, as
    /// <see cref="Modulus.MultiplyShoupLazy"/> does, with q held in a register.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyShoupLazy(ulong x, ulong w, ulong wShoup, ulong q)
    {
        unchecked
        {
            ulong quotient = (ulong)(Math.BigMul(x, wShoup) >> 64);
            return (x * w) - (quotient * q);
        }
    }

    /// <summary>Maps x in [0, 2 * bound) to [0, bound) without branching on it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReduceBelow(ulong x, ulong bound)
    {
        unchecked
        {
            ulong reduced = x - bound;
            ulong mask = 0UL - (reduced >> 63);
            return reduced + (bound & mask);
        }
    }

    private static void Validate(Span<ulong> values, NttTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (values.Length != tables.RingDegree)
        {
            throw new ArgumentException(
                $"Expected {tables.RingDegree} values, got {values.Length}.", nameof(values));
        }

        // Accumulating an out-of-range flag instead of testing each value keeps the check
        // free of branches on coefficients that may be secret.
        ulong limit = tables.Modulus.Value - 1;
        ulong outOfRange = 0;
        foreach (ulong value in values)
        {
            outOfRange |= (value >> Modulus.MaxBitCount) | (unchecked(limit - value) >> 63);
        }

        if (outOfRange != 0)
        {
            throw new ArgumentException("A value is not below the modulus.", nameof(values));
        }
    }
}
