// Deterministic Miller-Rabin primality test for every 64-bit integer (Miller 1976,
// Rabin 1980). The seven bases 2, 325, 9375, 28178, 450775, 9780504, 1795265022 have no
// strong pseudoprime in common below 2^64 (Jim Sinclair's set, verified by exhaustive
// search of the strong pseudoprimes to base 2 below 2^64). Products use 128-bit
// remainders, so the test is exact but not fast; it runs only on public candidates.

using System.Numerics;

namespace SecureFed.Crypto.Ckks;

/// <summary>Deterministic primality test for unsigned 64-bit integers.</summary>
internal static class MillerRabin
{
    private static readonly ulong[] Bases =
        [2, 325, 9375, 28178, 450775, 9780504, 1795265022];

    private static readonly ulong[] SmallPrimes =
        [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47];

    /// <summary>Returns whether <paramref name="n"/> is prime.</summary>
    public static bool IsPrime(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        // Trial division settles small n, whose residues could coincide with a base, and
        // rejects most composites before any exponentiation.
        foreach (ulong prime in SmallPrimes)
        {
            if (n % prime == 0)
            {
                return n == prime;
            }
        }

        ulong oddPart = n - 1;
        int twos = BitOperations.TrailingZeroCount(oddPart);
        oddPart >>= twos;

        foreach (ulong basis in Bases)
        {
            ulong a = basis % n;
            if (a != 0 && !PassesRound(n, a, oddPart, twos))
            {
                return false;
            }
        }

        return true;
    }

    // One strong-probable-prime round: with n - 1 = d * 2^s, n passes for base a when
    // a^d = 1 or a^(d * 2^r) = -1 for some r < s.
    private static bool PassesRound(ulong n, ulong a, ulong oddPart, int twos)
    {
        ulong x = PowerMod(a, oddPart, n);
        if (x == 1 || x == n - 1)
        {
            return true;
        }

        for (int r = 1; r < twos; r++)
        {
            x = MultiplyMod(x, x, n);
            if (x == n - 1)
            {
                return true;
            }
        }

        return false;
    }

    private static ulong PowerMod(ulong a, ulong exponent, ulong n)
    {
        ulong result = 1;
        ulong power = a;
        for (; exponent != 0; exponent >>= 1)
        {
            if ((exponent & 1) != 0)
            {
                result = MultiplyMod(result, power, n);
            }

            power = MultiplyMod(power, power, n);
        }

        return result;
    }

    private static ulong MultiplyMod(ulong a, ulong b, ulong n) =>
        (ulong)(Math.BigMul(a, b) % n);
}
