using System.Numerics;
using SecureFed.Privacy.Sampling;

namespace SecureFed.Privacy.Tests.Sampling;

public class PoissonSamplerTests
{
    private const int SampleCount = 200_000;

    [Theory]
    [InlineData(1, 5)]
    [InlineData(1, 1)]
    [InlineData(37, 10)]
    [InlineData(20, 1)]
    public void Sample_FitsThePoissonPmf(long numerator, long denominator)
    {
        double lambda = (double)numerator / denominator;
        var sampler = new PoissonSampler(numerator, denominator, new SeededRandomBits(21));
        var samples = new long[SampleCount];

        sampler.Fill(samples);

        GoodnessOfFit.AssertFits(samples, 0, ExactPmf.Poisson(lambda, (int)(5 * lambda) + 40));
    }

    [Theory]
    [InlineData(16, 1)]
    [InlineData(33, 2)]
    [InlineData(1000, 1)]
    [InlineData(10_000_001, 1000)]
    public void Sample_AtLargeRates_FitsThePoissonPmf(long numerator, long denominator)
    {
        double lambda = (double)numerator / denominator;
        var sampler = new PoissonSampler(numerator, denominator, new SeededRandomBits(23));
        var samples = new long[SampleCount / 2];

        sampler.Fill(samples);

        GoodnessOfFit.AssertFits(samples, 0, ExactPmf.Poisson(lambda, (int)(2 * lambda) + 40));
    }

    [Fact]
    public void Sample_WithRateBeyond64BitTerms_FitsThePoissonPmf()
    {
        // lambda = 1 + 2^-80: the pieces need BigInteger, the PMF is Poisson(1) in double.
        BigInteger denominator = BigInteger.One << 80;
        var sampler = new PoissonSampler(denominator + 1, denominator, new SeededRandomBits(22));
        var samples = new long[SampleCount / 4];

        sampler.Fill(samples);

        GoodnessOfFit.AssertFits(samples, 0, ExactPmf.Poisson(1, 40));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-3, 1)]
    [InlineData(1, 0)]
    public void Constructor_WithNonPositiveTerm_Throws(long numerator, long denominator)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonSampler(numerator, denominator));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(1e10)]
    public void FromRate_WithInvalidValue_Throws(double rate)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => PoissonSampler.FromRate(rate));

        Assert.Equal(rate, exception.ActualValue);
    }
}
