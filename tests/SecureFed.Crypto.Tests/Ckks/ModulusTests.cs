using System.Numerics;
using SecureFed.Crypto.Ckks;

namespace SecureFed.Crypto.Tests.Ckks;

public class ModulusTests
{
    // 17 and 12289 are small NTT primes, 2^61 - 1 is the largest Mersenne prime below
    // 2^61, and the others are NTT primes of 40, 50, 60 and 61 bits from the generator.
    public static TheoryData<ulong> Primes => new()
    {
        17UL,
        12289UL,
        NttPrimes.Generate(1024, 40, 1)[0],
        NttPrimes.Generate(4096, 50, 1)[0],
        NttPrimes.Generate(8192, 60, 1)[0],
        NttPrimes.Generate(32768, 61, 1)[0],
        (1UL << 61) - 1,
    };

    [Theory]
    [MemberData(nameof(Primes))]
    public void Operations_EdgeAndRandomValues_MatchBigInteger(ulong q)
    {
        var modulus = new Modulus(q);
        var random = new Random((int)(q % int.MaxValue));
        var values = new List<ulong> { 0, 1, 2, q - 2, q - 1, q / 2 };
        for (int i = 0; i < 60; i++)
        {
            values.Add(RandomBelow(random, q));
        }

        BigInteger bigQ = q;
        foreach (ulong a in values)
        {
            Assert.Equal((ulong)((bigQ - a) % bigQ), modulus.Negate(a));
            foreach (ulong b in values)
            {
                Assert.Equal((ulong)((new BigInteger(a) + b) % bigQ), modulus.Add(a, b));
                Assert.Equal((ulong)((new BigInteger(a) - b + bigQ) % bigQ),
                    modulus.Subtract(a, b));
                Assert.Equal((ulong)(new BigInteger(a) * b % bigQ), modulus.Multiply(a, b));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Primes))]
    public void Reduce_AnyWideValue_MatchesBigInteger(ulong q)
    {
        var modulus = new Modulus(q);
        var random = new Random(7);
        var wide = new List<UInt128> { 0, 1, q, (UInt128)q * q - 1, UInt128.MaxValue };
        for (int i = 0; i < 200; i++)
        {
            wide.Add(new UInt128(NextUInt64(random), NextUInt64(random)));
        }

        foreach (UInt128 x in wide)
        {
            Assert.Equal((ulong)(x % q), modulus.Reduce(x));
            ulong low = (ulong)(x & ulong.MaxValue);
            Assert.Equal(low % q, modulus.Reduce(low));
        }
    }

    [Theory]
    [MemberData(nameof(Primes))]
    public void PowerAndInverse_RandomValues_MatchBigInteger(ulong q)
    {
        var modulus = new Modulus(q);
        var random = new Random(11);
        ulong[] exponents = [0, 1, 2, q - 2, q - 1, ulong.MaxValue, NextUInt64(random)];
        ulong[] bases = [0, 1, q - 1, RandomBelow(random, q), RandomBelow(random, q)];

        foreach (ulong a in bases)
        {
            foreach (ulong e in exponents)
            {
                Assert.Equal((ulong)BigInteger.ModPow(a, e, q), modulus.Power(a, e));
            }

            if (a != 0)
            {
                ulong inverse = modulus.Inverse(a);
                Assert.Equal(1UL, (ulong)(new BigInteger(a) * inverse % q));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Primes))]
    public void MultiplyShoup_AnyMultiplicand_MatchesBigInteger(ulong q)
    {
        var modulus = new Modulus(q);
        var random = new Random(13);
        ulong[] multipliers = [0, 1, q - 1, RandomBelow(random, q), RandomBelow(random, q)];
        ulong[] multiplicands = [0, 1, q - 1, q, ulong.MaxValue, NextUInt64(random)];

        foreach (ulong w in multipliers)
        {
            ulong wShoup = modulus.ShoupPrecompute(w);
            Assert.Equal((ulong)(((UInt128)w << 64) / q), wShoup);
            foreach (ulong x in multiplicands)
            {
                Assert.Equal((ulong)(new BigInteger(x) * w % q),
                    modulus.MultiplyShoup(x, w, wShoup));
            }
        }
    }

    [Fact]
    public void Constructor_GivenPrime_ReportsValueAndBits()
    {
        var modulus = new Modulus((1UL << 61) - 1);

        Assert.Equal((1UL << 61) - 1, modulus.Value);
        Assert.Equal(61, modulus.BitCount);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(2UL)]
    [InlineData(1UL << 61)]
    [InlineData(ulong.MaxValue)]
    public void Constructor_OutOfRange_Throws(ulong q)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Modulus(q));
    }

    [Theory]
    [InlineData(15UL)]
    [InlineData(65535UL)]
    [InlineData(3215031751UL)] // strong pseudoprime to bases 2, 3, 5 and 7
    [InlineData((1UL << 61) - 3)]
    public void Constructor_Composite_ThrowsArgumentException(ulong q)
    {
        Assert.Throws<ArgumentException>(() => new Modulus(q));
    }

    [Fact]
    public void Inverse_ZeroOrUnreduced_Throws()
    {
        var modulus = new Modulus(12289);

        Assert.Throws<ArgumentException>(() => modulus.Inverse(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => modulus.Inverse(12289));
        Assert.Throws<ArgumentOutOfRangeException>(() => modulus.ShoupPrecompute(12289));
    }

    internal static ulong RandomBelow(Random random, ulong bound) =>
        (ulong)random.NextInt64(0, (long)bound);

    private static ulong NextUInt64(Random random) =>
        ((ulong)(uint)random.Next() << 40) ^ ((ulong)(uint)random.Next() << 20)
        ^ (ulong)random.NextInt64();
}
