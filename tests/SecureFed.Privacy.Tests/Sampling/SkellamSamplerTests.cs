using SecureFed.Privacy.Sampling;

namespace SecureFed.Privacy.Tests.Sampling;

public class SkellamSamplerTests
{
    private const int SampleCount = 200_000;

    [Theory]
    [InlineData(3, 10)]
    [InlineData(1, 1)]
    [InlineData(15, 2)]
    [InlineData(100, 1)]
    public void Sample_FitsTheSkellamPmf(long numerator, long denominator)
    {
        double mu = (double)numerator / denominator;
        var sampler = new SkellamSampler(numerator, denominator, new SeededRandomBits(31));
        var samples = new long[SampleCount];

        sampler.Fill(samples);

        int bound = (int)(10 * Math.Sqrt(2 * mu)) + 20;
        GoodnessOfFit.AssertFits(samples, -bound, ExactPmf.Skellam(mu, bound));
    }

    [Fact]
    public void Sample_EightSharesOfMuOverEight_SumToMeanZeroAndVarianceTwoMu()
    {
        // Each of n = 8 clients adds Sk(mu / 8); the aggregate must carry Sk(mu), whose
        // variance is 2 mu. Tolerances are five standard errors at this sample size, using
        // the Skellam fourth central moment 3 (2 mu)^2 + 2 mu.
        const int clients = 8;
        const double mu = 12;
        const int sums = 100_000;
        var bits = new SeededRandomBits(32);
        var shares = new SkellamSampler(12, clients, bits);
        var totals = new long[sums];

        for (int i = 0; i < sums; i++)
        {
            for (int client = 0; client < clients; client++)
            {
                totals[i] += shares.Sample();
            }
        }

        double variance = 2 * mu;
        double mean = totals.Average();
        double sampleVariance = totals.Select(x => (x - mean) * (x - mean)).Sum() / (sums - 1);
        Assert.True(Math.Abs(mean) < 5 * Math.Sqrt(variance / sums), $"mean {mean}");
        double varianceError = Math.Sqrt(((2 * variance * variance) + variance) / sums);
        Assert.True(
            Math.Abs(sampleVariance - variance) < 5 * varianceError,
            $"variance {sampleVariance}, expected {variance}");
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 4)]
    [InlineData(1, 0)]
    [InlineData(1, -1)]
    public void Constructor_WithNonPositiveTerm_Throws(long numerator, long denominator)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => new SkellamSampler(numerator, denominator));

        Assert.Equal(numerator <= 0 ? "muNumerator" : "muDenominator", exception.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    [InlineData(double.NegativeInfinity)]
    public void FromMu_WithInvalidValue_Throws(double mu)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => SkellamSampler.FromMu(mu));

        Assert.Equal("mu", exception.ParamName);
        Assert.Equal(mu, exception.ActualValue);
    }

    [Fact]
    public void FromMu_UsesTheExactBinaryValue()
    {
        var sampler = SkellamSampler.FromMu(7.5);

        Assert.Equal(15, sampler.MuNumerator);
        Assert.Equal(2, sampler.MuDenominator);
    }
}
