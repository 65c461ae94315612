// Element-wise kernels on one row of residues modulo a prime q < 2^61. Sums and
// differences are vectorised with Vector256 (four residues per instruction: add, compare,
// masked correction); products use the scalar Barrett reduction of Modulus, or Shoup's
// precomputed quotient when one factor is fixed for the whole row. No kernel branches on a
// residue.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SecureFed.Crypto.Ckks;

/// <summary>Element-wise modular arithmetic on rows of canonical residues.</summary>
internal static class RnsKernels
{
    /// <summary>target[j] = target[j] + other[j] mod q.</summary>
    public static void Add(Span<ulong> target, ReadOnlySpan<ulong> other, ulong q)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var modulus = Vector256.Create(q);
            ref ulong t = ref MemoryMarshal.GetReference(target);
            ref ulong o = ref MemoryMarshal.GetReference(other);
            for (; j + 4 <= target.Length; j += 4)
            {
                // x + y < 2q < 2^62; subtract q where the sum is at least q.
                var sum = Vector256.LoadUnsafe(ref t, (nuint)j)
                    + Vector256.LoadUnsafe(ref o, (nuint)j);
                var keep = Vector256.GreaterThanOrEqual(sum, modulus);
                (sum - (modulus & keep)).StoreUnsafe(ref t, (nuint)j);
            }
        }

        for (; j < target.Length; j++)
        {
            ulong sum = target[j] + other[j];
            target[j] = sum - (q & (0UL - (ulong)((sum >= q) ? 1 : 0)));
        }
    }

    /// <summary>target[j] = target[j] - other[j] mod q.</summary>
    public static void Subtract(Span<ulong> target, ReadOnlySpan<ulong> other, ulong q)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var modulus = Vector256.Create(q);
            ref ulong t = ref MemoryMarshal.GetReference(target);
            ref ulong o = ref MemoryMarshal.GetReference(other);
            for (; j + 4 <= target.Length; j += 4)
            {
                // x + q - y lies in (0, 2q); subtract q where it is at least q.
                var difference = Vector256.LoadUnsafe(ref t, (nuint)j) + modulus
                    - Vector256.LoadUnsafe(ref o, (nuint)j);
                var keep = Vector256.GreaterThanOrEqual(difference, modulus);
                (difference - (modulus & keep)).StoreUnsafe(ref t, (nuint)j);
            }
        }

        for (; j < target.Length; j++)
        {
            ulong difference = unchecked(target[j] + q - other[j]);
            target[j] = difference - (q & (0UL - (ulong)((difference >= q) ? 1 : 0)));
        }
    }

    /// <summary>target[j] = -target[j] mod q.</summary>
    public static void Negate(Span<ulong> target, ulong q)
    {
        for (int j = 0; j < target.Length; j++)
        {
            unchecked
            {
                ulong x = target[j];
                ulong nonZero = 0UL - ((x | (0UL - x)) >> 63);
                target[j] = (q - x) & nonZero;
            }
        }
    }

    /// <summary>target[j] = target[j] * other[j] mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(Span<ulong> target, ReadOnlySpan<ulong> other, Modulus modulus)
    {
        for (int j = 0; j < target.Length && j < other.Length; j++)
        {
            target[j] = modulus.Multiply(target[j], other[j]);
        }
    }

    /// <summary>
    /// target[j] = x[j] * w[j] mod q for fixed residues w with Shoup quotients wShoup.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyShoup(
        Span<ulong> target, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> w,
        ReadOnlySpan<ulong> wShoup, Modulus modulus)
    {
        for (int j = 0; j < target.Length && j < x.Length && j < w.Length && j < wShoup.Length;
            j++)
        {
            target[j] = modulus.MultiplyShoup(x[j], w[j], wShoup[j]);
        }
    }

    /// <summary>target[j] = target[j] + a[j] * b[j] mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(
        Span<ulong> target, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Modulus modulus)
    {
        for (int j = 0; j < target.Length && j < a.Length && j < b.Length; j++)
        {
            target[j] = modulus.Add(target[j], modulus.Multiply(a[j], b[j]));
        }
    }

    /// <summary>target[j] = target[j] * w mod q for a fixed residue w.</summary>
    public static void MultiplyScalar(Span<ulong> target, ulong w, Modulus modulus) =>
        MultiplyScalarShoup(target, w, modulus.ShoupPrecompute(w), modulus);

    /// <summary>target[j] = target[j] * w mod q, given w's Shoup quotient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyScalarShoup(
        Span<ulong> target, ulong w, ulong wShoup, Modulus modulus)
    {
        for (int j = 0; j < target.Length; j++)
        {
            target[j] = modulus.MultiplyShoup(target[j], w, wShoup);
        }
    }
}
