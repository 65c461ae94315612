// Pearson's chi-square goodness-of-fit test for integer samples against an exact PMF
// computed in double. Bins with expected count below 5 are pooled into the two tails;
// the rejection threshold is the chi-square quantile at p = 1e-6 (Wilson-Hilferty), so a
// correct sampler at a fixed seed fails about once in a million seeds.

namespace SecureFed.Privacy.Tests.Sampling;

internal static class GoodnessOfFit
{
    // Upper 1e-6 quantile of the standard normal distribution.
    public const double ZAtOneInAMillion = 4.753424;

    private const double MinimumExpected = 5;

    /// <summary>
    /// Asserts that <paramref name="samples"/> fit the PMF given on [low, low + pmf.Length),
    /// whose mass outside that range must be negligible.
    /// </summary>
    public static void AssertFits(ReadOnlySpan<long> samples, long low, double[] pmf)
    {
        double total = pmf.Sum();
        int n = samples.Length;

        // Contiguous kept bins: every value whose expected count reaches the minimum.
        int first = Array.FindIndex(pmf, p => n * p / total >= MinimumExpected);
        int last = Array.FindLastIndex(pmf, p => n * p / total >= MinimumExpected);
        Assert.True(first >= 0, "No bin reaches the minimum expected count.");

        // Bin 0 is the lower tail, bins 1..width the kept values, the last the upper tail.
        int width = last - first + 1;
        var observed = new long[width + 2];
        foreach (long sample in samples)
        {
            long index = sample - low - first + 1;
            observed[Math.Clamp(index, 0, width + 1)]++;
        }

        var expected = new double[width + 2];
        for (int i = 0; i < pmf.Length; i++)
        {
            expected[Math.Clamp(i - first + 1, 0, width + 1)] += n * pmf[i] / total;
        }

        // Small tails join their neighbouring kept bin.
        MergeIfSmall(observed, expected, 0, 1);
        MergeIfSmall(observed, expected, width + 1, width);

        double statistic = 0;
        int bins = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] > 0)
            {
                double difference = observed[i] - expected[i];
                statistic += difference * difference / expected[i];
                bins++;
            }
            else
            {
                Assert.True(observed[i] == 0, $"Samples fell where the PMF has no mass (bin {i}).");
            }
        }

        int degreesOfFreedom = bins - 1;
        double threshold = ChiSquareQuantile(degreesOfFreedom, ZAtOneInAMillion);
        Assert.True(
            statistic < threshold,
            $"Chi-square {statistic:F1} with {degreesOfFreedom} degrees of freedom "
            + $"exceeds {threshold:F1}.");
    }

    /// <summary>Wilson-Hilferty approximation of the chi-square quantile at normal z.</summary>
    public static double ChiSquareQuantile(int degreesOfFreedom, double z)
    {
        double k = Math.Max(1, degreesOfFreedom);
        double c = 2.0 / (9.0 * k);
        double root = 1 - c + (z * Math.Sqrt(c));
        return k * root * root * root;
    }

    private static void MergeIfSmall(long[] observed, double[] expected, int tail, int neighbour)
    {
        if (expected[tail] < MinimumExpected)
        {
            observed[neighbour] += observed[tail];
            expected[neighbour] += expected[tail];
            observed[tail] = 0;
            expected[tail] = 0;
        }
    }
}
