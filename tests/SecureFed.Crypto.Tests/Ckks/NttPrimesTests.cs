using System.Numerics;
using SecureFed.Crypto.Ckks;

namespace SecureFed.Crypto.Tests.Ckks;

public class NttPrimesTests
{
    [Theory]
    [InlineData(16, 20, 8)]
    [InlineData(1024, 30, 5)]
    [InlineData(8192, 40, 4)]
    [InlineData(8192, 60, 6)]
    [InlineData(32768, 61, 3)]
    public void Generate_AnySize_ReturnsDistinctPrimesOneModTwoN(int n, int bits, int count)
    {
        ulong[] primes = NttPrimes.Generate(n, bits, count);

        Assert.Equal(count, primes.Length);
        Assert.Equal(count, primes.Distinct().Count());
        foreach (ulong q in primes)
        {
            Assert.True(IsPrimeByTrialOrBigInteger(q), $"{q} is not prime");
            Assert.Equal(1UL, q % (2 * (ulong)n));
            Assert.True(q < 1UL << bits);
        }

        Assert.Equal(primes.OrderByDescending(q => q), primes);
    }

    [Fact]
    public void Generate_SameArguments_ReturnsSamePrimes()
    {
        Assert.Equal(NttPrimes.Generate(4096, 55, 5), NttPrimes.Generate(4096, 55, 5));
    }

    [Fact]
    public void Generate_SmallSearch_MatchesExhaustiveSearch()
    {
        // Every candidate q = 1 mod 32 below 2^20, largest first, checked by trial division.
        var expected = new List<ulong>();
        for (ulong q = (1UL << 20) - 31; expected.Count < 10; q -= 32)
        {
            if (IsPrimeByTrialDivision(q))
            {
                expected.Add(q);
            }
        }

        Assert.Equal(expected, NttPrimes.Generate(16, 20, 10));
    }

    [Theory]
    [InlineData(16, 30)]
    [InlineData(1024, 50)]
    [InlineData(8192, 60)]
    [InlineData(32768, 61)]
    public void FindPrimitive2NthRoot_GeneratedPrime_HasOrderExactlyTwoN(int n, int bits)
    {
        ulong q = NttPrimes.Generate(n, bits, 1)[0];

        ulong psi = NttPrimes.FindPrimitive2NthRoot(q, n);

        // The order divides 2N, a power of two, and psi^N != 1, so it is exactly 2N.
        Assert.Equal(1UL, (ulong)BigInteger.ModPow(psi, 2 * n, q));
        Assert.Equal(q - 1, (ulong)BigInteger.ModPow(psi, n, q));
        Assert.Equal(psi, NttPrimes.FindPrimitive2NthRoot(q, n));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(24)]
    [InlineData(1000)]
    [InlineData(65536)]
    [InlineData(0)]
    [InlineData(-16)]
    public void Generate_BadRingDegree_Throws(int n)
    {
        Assert.ThrowsAny<ArgumentException>(() => NttPrimes.Generate(n, 40, 1));
    }

    [Fact]
    public void Generate_NonPowerOfTwoRingDegree_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => NttPrimes.Generate(1000, 40, 1));
    }

    [Theory]
    [InlineData(19)]
    [InlineData(62)]
    [InlineData(64)]
    public void Generate_BitsOutOfRange_ThrowsArgumentOutOfRange(int bits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NttPrimes.Generate(1024, bits, 1));
    }

    [Fact]
    public void Generate_MorePrimesThanExist_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NttPrimes.Generate(1024, 40, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NttPrimes.Generate(32768, 20, 20));
    }

    [Fact]
    public void FindPrimitive2NthRoot_BadModulus_Throws()
    {
        // 12289 - 1 = 3 * 2^12, so it serves N up to 2048 but not 4096.
        Assert.Throws<ArgumentException>(() => NttPrimes.FindPrimitive2NthRoot(12289, 4096));
        Assert.Throws<ArgumentException>(() => NttPrimes.FindPrimitive2NthRoot(12287, 16));
        Assert.Throws<ArgumentException>(() => NttPrimes.FindPrimitive2NthRoot(12289, 100));
        Assert.Throws<ArgumentNullException>(
            () => NttPrimes.FindPrimitive2NthRoot(null!, 16));
    }

    private static bool IsPrimeByTrialOrBigInteger(ulong q)
    {
        // Fermat checks to several bases back up the implementation's Miller-Rabin with an
        // independent computation; primes this large cannot be trial-divided in a test.
        if (q < 1UL << 40)
        {
            return IsPrimeByTrialDivision(q);
        }

        foreach (int basis in new[] { 2, 3, 5, 7, 11, 13, 17, 19, 23 })
        {
            if (BigInteger.ModPow(basis, q - 1, q) != 1)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPrimeByTrialDivision(ulong q)
    {
        if (q < 2 || q % 2 == 0)
        {
            return q == 2;
        }

        for (ulong d = 3; d * d <= q; d += 2)
        {
            if (q % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
