using System.Numerics;
using SecureFed.Privacy.Sampling;

namespace SecureFed.Privacy.Tests.Sampling;

public class ExactBernoulliTests
{
    private const int Trials = 200_000;

    // Two-sided normal threshold at p ~ 1e-6.
    private const double ZThreshold = 4.89;

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 3)]
    [InlineData(1, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    [InlineData(9, 10)]
    public void SampleExpMinus_SucceedsWithFrequencyExpMinusGamma(long numerator, long denominator)
    {
        var bits = new SeededRandomBits(1000 + (int)numerator);

        int successes = 0;
        for (int i = 0; i < Trials; i++)
        {
            if (ExactBernoulli.SampleExpMinus(bits, new BigInteger(numerator), denominator))
            {
                successes++;
            }
        }

        AssertBinomial(successes, Math.Exp(-(double)numerator / denominator));
    }

    [Fact]
    public void SampleExpMinus_WithDenominatorAbove64Bits_SucceedsWithFrequencyExpMinusGamma()
    {
        // gamma = 3/2 + 2^-90 exercises the BigInteger path; the shift is invisible in double.
        BigInteger denominator = BigInteger.One << 91;
        BigInteger numerator = (3 * (BigInteger.One << 90)) + 2;
        var bits = new SeededRandomBits(2024);

        int successes = 0;
        for (int i = 0; i < Trials / 4; i++)
        {
            if (ExactBernoulli.SampleExpMinus(bits, numerator, denominator))
            {
                successes++;
            }
        }

        AssertBinomial(successes, Math.Exp(-1.5), Trials / 4);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(999_999, 1_000_000)]
    public void Sample_SucceedsWithFrequencyOfTheFraction(long numerator, long denominator)
    {
        var bits = new SeededRandomBits(7);

        int successes = 0;
        for (int i = 0; i < Trials; i++)
        {
            if (ExactBernoulli.Sample(bits, (ulong)numerator, (ulong)denominator))
            {
                successes++;
            }
        }

        AssertBinomial(successes, (double)numerator / denominator);
    }

    [Fact]
    public void Sample_WithDenominatorAbove64Bits_SucceedsWithFrequencyOfTheFraction()
    {
        BigInteger denominator = (BigInteger.One << 100) + 1;
        BigInteger numerator = denominator / 3;
        var bits = new SeededRandomBits(8);

        int successes = 0;
        for (int i = 0; i < Trials; i++)
        {
            if (ExactBernoulli.Sample(bits, numerator, denominator))
            {
                successes++;
            }
        }

        AssertBinomial(successes, 1.0 / 3);
    }

    private static void AssertBinomial(int successes, double probability, int trials = Trials)
    {
        double expected = trials * probability;
        double deviation = Math.Sqrt(trials * probability * (1 - probability));
        if (deviation == 0)
        {
            Assert.Equal(expected, successes);
            return;
        }

        double z = (successes - expected) / deviation;
        Assert.True(
            Math.Abs(z) < ZThreshold,
            $"{successes} of {trials}, expected {expected:F0}: z = {z:F2}.");
    }
}
