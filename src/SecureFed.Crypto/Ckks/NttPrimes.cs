// NTT-friendly primes for the RNS-CKKS modulus chain (Cheon, Han, Kim, Kim, Song 2018,
// "A full RNS variant of approximate homomorphic encryption", SAC 2018). A prime q with
// q = 1 (mod 2N) has a primitive 2N-th root of unity psi, which makes the negacyclic
// NTT of Z_q[X]/(X^N + 1) exist. Ring degrees N are powers of two in [16, 32768]; primes
// have 20 to 61 bits and are searched downward from 2^bits in steps of 2N, so the same
// arguments always give the same chain.

using System.Numerics;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// Deterministic generation of NTT-friendly primes and of their primitive 2N-th roots of
/// unity.
/// </summary>
public static class NttPrimes
{
    /// <summary>The smallest ring degree supported.</summary>
    public const int MinRingDegree = 16;

    /// <summary>The largest ring degree supported.</summary>
    public const int MaxRingDegree = 32768;

    /// <summary>The smallest prime size, in bits, that may be asked for.</summary>
    public const int MinBits = 20;

    /// <summary>The largest prime size, in bits, that may be asked for.</summary>
    public const int MaxBits = Modulus.MaxBitCount;

    /// <summary>
    /// Returns the <paramref name="count"/> largest primes q below 2^<paramref name="bits"/>
    /// with q = 1 (mod 2N), largest first.
    /// </summary>
    /// <param name="ringDegree">The ring degree N, a power of two in [16, 32768].</param>
    /// <param name="bits">The bound on the primes' size, from 20 to 61.</param>
    /// <param name="count">How many distinct primes to return, at least one.</param>
    /// <returns>The primes, in decreasing order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// An argument is out of range, or fewer than <paramref name="count"/> such primes
    /// exist below 2^<paramref name="bits"/>.
    /// </exception>
    /// <exception cref="ArgumentException">The ring degree is not a power of two.</exception>
    public static ulong[] Generate(int ringDegree, int bits, int count)
    {
        ValidateRingDegree(ringDegree);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, MinBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, MaxBits);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);

        // 2N divides 2^bits, so 2^bits - 2N + 1 is the largest candidate below 2^bits.
        ulong step = 2 * (ulong)ringDegree;
        ulong candidate = (1UL << bits) - step + 1;

        var primes = new ulong[count];
        int found = 0;
        while (found < count)
        {
            if (MillerRabin.IsPrime(candidate))
            {
                primes[found++] = candidate;
            }

            if (candidate <= step + 1)
            {
                break;
            }

            candidate -= step;
        }

        if (found < count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(count),
                count,
                $"Only {found} primes of at most {bits} bits are 1 mod {step}.");
        }

        return primes;
    }

    /// <summary>
    /// Returns a primitive 2N-th root of unity psi modulo <paramref name="q"/>: the first
    /// g^((q-1)/2N), for g = 2, 3, ..., whose N-th power is q - 1.
    /// </summary>
    /// <param name="q">A prime below 2^61 with q = 1 (mod 2N).</param>
    /// <param name="ringDegree">The ring degree N, a power of two in [16, 32768].</param>
    /// <returns>psi, whose multiplicative order is exactly 2N.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="q"/> or <paramref name="ringDegree"/> is out of range.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// The ring degree is not a power of two, <paramref name="q"/> is not prime, or it is
    /// not 1 mod 2N.
    /// </exception>
    public static ulong FindPrimitive2NthRoot(ulong q, int ringDegree) =>
        FindPrimitive2NthRoot(new Modulus(q), ringDegree);

    /// <summary>
    /// Returns a primitive 2N-th root of unity modulo <paramref name="modulus"/>, as
    /// <see cref="FindPrimitive2NthRoot(ulong, int)"/> does.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="modulus"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The ring degree is out of range.</exception>
    /// <exception cref="ArgumentException">
    /// The ring degree is not a power of two, or the modulus is not 1 mod 2N.
    /// </exception>
    public static ulong FindPrimitive2NthRoot(Modulus modulus, int ringDegree)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        ValidateRingDegree(ringDegree);
        ulong q = modulus.Value;
        ulong order = 2 * (ulong)ringDegree;
        if ((q - 1) % order != 0)
        {
            throw new ArgumentException(
                $"The modulus {q} is not 1 mod {order}.", nameof(modulus));
        }

        // x = g^((q-1)/2N) has order dividing 2N, a power of two; x^N = -1 rules out every
        // proper divisor. Half of all g qualify, so the search ends quickly.
        ulong cofactor = (q - 1) / order;
        for (ulong g = 2; g < q; g++)
        {
            ulong x = modulus.Power(g, cofactor);
            if (modulus.Power(x, (ulong)ringDegree) == q - 1)
            {
                return x;
            }
        }

        throw new InvalidOperationException("Unreachable: a prime field has a generator.");
    }

    /// <summary>Refuses a ring degree that is not a power of two in [16, 32768].</summary>
    internal static void ValidateRingDegree(int ringDegree, string paramName = "ringDegree")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ringDegree, MinRingDegree, paramName);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ringDegree, MaxRingDegree, paramName);
        if (!BitOperations.IsPow2(ringDegree))
        {
            throw new ArgumentException(
                $"The ring degree {ringDegree} is not a power of two.", paramName);
        }
    }
}
