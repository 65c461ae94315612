using System.Numerics;
using SecureFed.Privacy.Sampling;

namespace SecureFed.Privacy.Tests.Sampling;

public class RandomnessTests
{
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(6UL)]
    [InlineData(1_000_003UL)]
    [InlineData(9_223_372_036_854_775_809UL)]
    [InlineData(ulong.MaxValue)]
    public void UniformBelow_WithTheCsprng_StaysInRange(ulong bound)
    {
        var bits = new CryptoRandomBits();

        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(UniformInteger.Below(bits, bound) < bound);
        }
    }

    [Fact]
    public void UniformBelow_WithTheCsprng_ReachesEveryValueOfASmallRange()
    {
        var bits = new CryptoRandomBits();
        var seen = new bool[6];

        for (int i = 0; i < 6_000; i++)
        {
            seen[UniformInteger.Below(bits, 6UL)] = true;
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void UniformBelow_BigIntegerBound_WithTheCsprng_StaysInRange()
    {
        var bits = new CryptoRandomBits();
        BigInteger bound = (BigInteger.One << 130) + 7;
        BigInteger largest = BigInteger.Zero;

        for (int i = 0; i < 2_000; i++)
        {
            BigInteger value = UniformInteger.Below(bits, bound);
            Assert.InRange(value, BigInteger.Zero, bound - 1);
            largest = BigInteger.Max(largest, value);
        }

        // With 2,000 draws the largest lies in the top 1% of the range except with
        // probability 0.99^2000, about 2e-9.
        Assert.True(largest > bound * 99 / 100);
    }

    [Fact]
    public void CryptoRandomBits_ProducesDistinctWordsAcrossBufferRefills()
    {
        var bits = new CryptoRandomBits();
        var words = new HashSet<ulong>();

        for (int i = 0; i < 2_000; i++)
        {
            words.Add(bits.NextUInt64());
        }

        Assert.Equal(2_000, words.Count);
    }

    [Theory]
    [InlineData(1.0, 1, 1)]
    [InlineData(2.5, 5, 2)]
    [InlineData(0.1, 3602879701896397, 36028797018963968)]
    [InlineData(1024.0, 1024, 1)]
    public void FromDouble_GivesTheExactFractionInLowestTerms(
        double value, long numerator, long denominator)
    {
        (BigInteger n, BigInteger d) = ExactRational.FromDouble(value);

        Assert.Equal(new BigInteger(numerator), n);
        Assert.Equal(new BigInteger(denominator), d);
    }

    [Fact]
    public void FromDouble_OfTheSmallestSubnormal_Is2ToMinus1074()
    {
        (BigInteger n, BigInteger d) = ExactRational.FromDouble(double.Epsilon);

        Assert.Equal(BigInteger.One, n);
        Assert.Equal(BigInteger.One << 1074, d);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(999, 31)]
    [InlineData(1000, 31)]
    [InlineData(1024, 32)]
    public void FloorSquareRoot_IsExact(long value, long root)
    {
        Assert.Equal(new BigInteger(root), ExactRational.FloorSquareRoot(value));
    }

    [Fact]
    public void FloorSquareRoot_OfALargeSquareMinusOne_IsTheRootMinusOne()
    {
        BigInteger root = (BigInteger.One << 70) + 12345;

        Assert.Equal(root - 1, ExactRational.FloorSquareRoot((root * root) - 1));
        Assert.Equal(root, ExactRational.FloorSquareRoot(root * root));
    }
}
