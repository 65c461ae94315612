using System.Numerics;
using SecureFed.Privacy.Sampling;

namespace SecureFed.Privacy.Tests.Sampling;

public class DiscreteGaussianSamplerTests
{
    private const int SampleCount = 200_000;

    [Theory]
    [InlineData(1, 2)]
    [InlineData(1, 1)]
    [InlineData(5, 2)]
    [InlineData(10, 1)]
    [InlineData(100, 1)]
    public void Sample_FitsTheDiscreteGaussianPmf(long numerator, long denominator)
    {
        double sigmaSquared = (double)numerator / denominator;
        var sampler = new DiscreteGaussianSampler(numerator, denominator, new SeededRandomBits(11));
        var samples = new long[SampleCount];

        sampler.Fill(samples);

        long bound = (long)Math.Ceiling(12 * Math.Sqrt(sigmaSquared)) + 10;
        GoodnessOfFit.AssertFits(samples, -bound, ExactPmf.DiscreteGaussian(sigmaSquared, bound));
    }

    [Fact]
    public void Sample_WithSigmaSquaredBeyond64BitTerms_FitsTheDiscreteGaussianPmf()
    {
        // 0.1 as a double is 3602879701896397 / 2^55: the acceptance exponent needs BigInteger.
        (BigInteger numerator, BigInteger denominator) = ExactRational.FromDouble(0.1);
        var sampler = new DiscreteGaussianSampler(numerator, denominator, new SeededRandomBits(12));
        var samples = new long[SampleCount / 4];

        sampler.Fill(samples);

        GoodnessOfFit.AssertFits(samples, -10, ExactPmf.DiscreteGaussian(0.1, 10));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public void Sample_HasMeanZeroAndVarianceSlightlyBelowSigmaSquared(long sigmaSquared)
    {
        long bound = (12 * (long)Math.Ceiling(Math.Sqrt(sigmaSquared))) + 10;
        double[] pmf = ExactPmf.DiscreteGaussian(sigmaSquared, bound);
        (_, double variance, double fourth) = ExactPmf.Moments(pmf, -bound);
        var sampler = new DiscreteGaussianSampler(sigmaSquared, 1, new SeededRandomBits(13));
        var samples = new long[SampleCount];

        sampler.Fill(samples);

        // The discrete Gaussian's variance is below sigma^2; the sample moments must agree
        // with the exact ones within five standard errors.
        Assert.True(variance < sigmaSquared);
        double mean = samples.Average();
        double sampleVariance = samples.Select(x => (x - mean) * (x - mean)).Sum() / (SampleCount - 1);
        Assert.True(Math.Abs(mean) < 5 * Math.Sqrt(variance / SampleCount), $"mean {mean}");
        double varianceError = Math.Sqrt((fourth - (variance * variance)) / SampleCount);
        Assert.True(
            Math.Abs(sampleVariance - variance) < 5 * varianceError,
            $"variance {sampleVariance}, exact {variance}");
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(1, 0)]
    [InlineData(1, -2)]
    public void Constructor_WithNonPositiveTerm_Throws(long numerator, long denominator)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => new DiscreteGaussianSampler(numerator, denominator));

        Assert.Equal(numerator <= 0 ? new BigInteger(numerator) : denominator, exception.ActualValue);
    }

    [Fact]
    public void Constructor_WithSigmaSquaredAbove2To80_Throws()
    {
        BigInteger tooLarge = (BigInteger.One << 80) + 1;

        Assert.Throws<ArgumentOutOfRangeException>(() => new DiscreteGaussianSampler(tooLarge, 1));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void FromSigmaSquared_WithInvalidValue_Throws(double sigmaSquared)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => DiscreteGaussianSampler.FromSigmaSquared(sigmaSquared));

        Assert.Equal(sigmaSquared, exception.ActualValue);
    }

    [Fact]
    public void FromSigmaSquared_UsesTheExactBinaryValue()
    {
        var sampler = DiscreteGaussianSampler.FromSigmaSquared(0.1);

        Assert.Equal(new BigInteger(3602879701896397), sampler.SigmaSquaredNumerator);
        Assert.Equal(BigInteger.One << 55, sampler.SigmaSquaredDenominator);
    }

    [Fact]
    public void Fill_WithTheCsprng_ProducesPlausibleNoise()
    {
        var sampler = new DiscreteGaussianSampler(1000, 1);
        var samples = new long[10_000];

        sampler.Fill(samples);

        // 10,000 draws of sigma ~ 31.6 stay within 8 sigma and are not constant.
        Assert.All(samples, x => Assert.InRange(x, -253, 253));
        Assert.True(samples.Distinct().Count() > 50);
    }
}
