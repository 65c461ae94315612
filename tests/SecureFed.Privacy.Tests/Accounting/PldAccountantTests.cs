// Tests of the PLD accountant (SecureFed.Privacy.Accounting.Pld).
// Published reference values:
//   dp_accounting (google/differential-privacy), python/dp_accounting/pld/
//     privacy_loss_mechanism_test.py, GaussianPrivacyLossTest,
//     test_gaussian_get_delta_for_epsilon_vectorized: delta(epsilon) of the Gaussian mechanism
//     with sigma 1 and sensitivity 1, plain and with sampling probability 0.2, add and remove.
//   dp_accounting, privacy_loss_distribution_test.py / pld_privacy_accountant_test.py: the
//     noise multiplier 0.673793 for epsilon 1, delta 1e-5, sample rate 0.01, one step.
// Those deltas are the mechanism's exact values; the PLD (connect-the-dots by default, rounding
// up on request) matches them to about 1e-4 relative and never falls below them by more than
// round-off. Closed forms used alongside: the Gaussian hockey-stick divergence
// Phi(1/(2s) - eps s) - e^eps Phi(-1/(2s) - eps s) (Balle and Wang 2018, Theorem 8), and for
// Laplace with parameter b, delta(eps) = 1 - e^((eps - 1/b) / 2) for |eps| < 1/b.

using SecureFed.Privacy.Accounting;
using SecureFed.Privacy.Accounting.Pld;

namespace SecureFed.Privacy.Tests.Accounting;

public sealed class PldAccountantTests
{
    private static void AssertRelative(double expected, double actual, double tolerance)
    {
        double error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(
            error <= tolerance,
            $"expected {expected:R}, got {actual:R} (relative error {error:E2})");
    }

    [Theory]
    [MemberData(nameof(GaussianCurveReference.SigmaOne), MemberType = typeof(GaussianCurveReference))]
    public void Delta_GaussianSigmaOneOneStep_MatchesDpAccounting(double epsilon, double expected)
    {
        double delta = PldAccountant.Delta(1.0, 1.0, 1, epsilon);

        AssertRelative(expected, delta, 1e-3);
        AssertRelative(AnalyticGaussian.Delta(1.0, epsilon), delta, 1e-3);
        Assert.True(delta >= expected * (1 - 1e-7), "the PLD must not be optimistic");
    }

    [Theory]
    [InlineData(false, -0.3, 0.25918178)]
    [InlineData(false, -0.2, 0.1814346)]
    [InlineData(false, -0.1, 0.11631708)]
    [InlineData(false, 0.0, 0.076584985)]
    [InlineData(false, 0.1, 0.051816131)]
    [InlineData(false, 0.2, 0.035738492)]
    [InlineData(false, 0.5, 0.012494629)]
    [InlineData(false, 1.0, 0.00229682)]
    [InlineData(true, -0.3, 0.27768558)]
    [InlineData(true, -0.2, 0.21052945)]
    [InlineData(true, -0.1, 0.14204776)]
    [InlineData(true, 0.0, 0.076584985)]
    [InlineData(true, 0.1, 0.02337934)]
    [InlineData(true, 0.2, 0.00020196)]
    [InlineData(true, 0.3, 0.0)]
    public void Delta_SubsampledGaussianOneStep_MatchesDpAccountingPerRelation(
        bool add, double epsilon, double expected)
    {
        var relation = add ? NeighbouringRelation.Add : NeighbouringRelation.Remove;
        var loss = new GaussianPrivacyLoss(1.0, 0.2, relation);
        var pld = PrivacyLossDistribution.FromPrivacyLoss(loss, 1e-4);

        double delta = pld.Delta(epsilon);

        // Connect-the-dots is exact at grid points and lies above the curve between them, by
        // less than rounding up would add (at most h); 1e-8 allows for the published digits.
        Assert.InRange(delta, expected - 1e-8, expected + 1e-4);
    }

    [Fact]
    public void Delta_SubsampledGaussian_IsTheLargerOfAddAndRemove()
    {
        double add = PrivacyLossDistribution.FromPrivacyLoss(
            new GaussianPrivacyLoss(1.0, 0.2, NeighbouringRelation.Add), 1e-4).Delta(0.1);
        double remove = PrivacyLossDistribution.FromPrivacyLoss(
            new GaussianPrivacyLoss(1.0, 0.2, NeighbouringRelation.Remove), 1e-4).Delta(0.1);

        Assert.Equal(Math.Max(add, remove), PldAccountant.Delta(1.0, 0.2, 1, 0.1));
    }

    [Fact]
    public void NoiseMultiplierFor_OneSubsampledStep_MatchesDpAccounting()
    {
        double sigma = PldAccountant.NoiseMultiplierFor(1.0, 1e-5, 0.01, 1);

        AssertRelative(0.673793, sigma, 1e-3);
        Assert.True(PldAccountant.Epsilon(sigma, 0.01, 1, 1e-5) <= 1.0);
        Assert.True(PldAccountant.Epsilon(sigma * (1 - 2e-4), 0.01, 1, 1e-5) > 1.0);
    }

    [Theory]
    [InlineData(2.0, 4)]
    [InlineData(5.0, 25)]
    public void Delta_PlainGaussianComposed_MatchesSingleGaussianOfSigmaOverRootT(
        double sigma, int steps)
    {
        // T runs at sigma are one run at sigma / sqrt(T). Connect-the-dots does not drift over
        // the steps, so the default grid suffices.
        double composedSigma = sigma / Math.Sqrt(steps);
        foreach (double epsilon in new[] { -1.0, 0.0, 0.5, 1.0, 2.0 })
        {
            double delta = PldAccountant.Delta(sigma, 1.0, steps, epsilon);

            AssertRelative(AnalyticGaussian.Delta(composedSigma, epsilon), delta, 1e-3);
        }
    }

    public static TheoryData<double, double, int, double> RdpComparisonSettings => new()
    {
        { 1.1, 0.01, 1000, 1e-4 },
        { 2.0, 0.05, 200, 1e-4 },
        { 0.8, 0.001, 500, 1e-4 },

        // Rounding up would drift by up to 0.6 over these 6000 steps at the default grid, more
        // than PLD gains over RDP; connect-the-dots does not drift.
        { 1.3, 0.0025, 6000, PldAccountant.DefaultDiscretization },
    };

    [Theory]
    [MemberData(nameof(RdpComparisonSettings))]
    public void Epsilon_SubsampledGaussian_NeverExceedsRdp(
        double sigma, double sampleRate, int steps, double discretization)
    {
        double pld = PldAccountant.Epsilon(sigma, sampleRate, steps, 1e-5, discretization);
        double rdp = RdpAccountant.Epsilon(sigma, sampleRate, steps, 1e-5).Epsilon;

        Assert.True(pld > 0, $"PLD epsilon {pld}");
        Assert.True(pld <= rdp, $"PLD epsilon {pld} above RDP epsilon {rdp}");
    }

    [Theory]
    [InlineData(1.1, 0.01, 1000, 1e-5)]
    [InlineData(1.0, 1.0, 1, 1e-3)]
    [InlineData(0.9, 0.05, 50, 1e-6)]
    public void EpsilonAndDelta_AreConsistent(
        double sigma, double sampleRate, int steps, double delta)
    {
        double epsilon = PldAccountant.Epsilon(sigma, sampleRate, steps, delta);

        // Epsilon solves delta(epsilon) = delta exactly on the discrete distribution.
        AssertRelative(delta, PldAccountant.Delta(sigma, sampleRate, steps, epsilon), 1e-9);
        Assert.True(PldAccountant.Delta(sigma, sampleRate, steps, epsilon * 0.99) > delta);
    }

    [Fact]
    public void Epsilon_FallsAsTheNoiseMultiplierGrows()
    {
        double previous = double.PositiveInfinity;
        foreach (double sigma in new[] { 0.7, 0.9, 1.1, 1.5, 2.5 })
        {
            double epsilon = PldAccountant.Epsilon(sigma, 0.01, 100, 1e-5);
            Assert.True(epsilon < previous, $"sigma {sigma}: {epsilon} >= {previous}");
            previous = epsilon;
        }
    }

    [Fact]
    public void SelfCompose_KeepsTotalMassAndComposesInfinityMass()
    {
        var loss = new GaussianPrivacyLoss(1.1, 0.01, NeighbouringRelation.Remove);
        var pld = PrivacyLossDistribution.FromPrivacyLoss(loss, 1e-4);
        var composed = pld.SelfCompose(1000);

        Assert.Equal(1.0, TotalMass(pld), 1e-12);
        Assert.Equal(1.0, TotalMass(composed), 1e-9);
        double independent = -LogMath.ExpM1(1000 * LogMath.Log1P(-pld.InfinityMass));
        Assert.True(composed.InfinityMass >= independent);
        Assert.True(composed.InfinityMass < 1e-14);
    }

    private static double TotalMass(PrivacyLossDistribution pld)
    {
        double total = pld.InfinityMass;
        for (int k = 0; k < pld.Count; k++)
        {
            total += pld.MassAt(k);
        }

        return total;
    }

    [Theory]
    [InlineData(1.0, -0.5)]
    [InlineData(1.0, 0.0)]
    [InlineData(1.0, 0.5)]
    [InlineData(0.5, 1.5)]
    public void LaplaceDelta_OneRun_MatchesClosedForm(double scale, double epsilon)
    {
        double expected = 1.0 - Math.Exp(0.5 * (epsilon - 1.0 / scale));

        AssertRelative(expected, PldAccountant.LaplaceDelta(scale, 1, epsilon), 1e-3);
    }

    [Fact]
    public void LaplaceEpsilon_ComposedRuns_StayBelowPureDpBound()
    {
        // Ten runs at b = 1 are 10-DP; with delta > 0 the PLD finds a little less.
        double epsilon = PldAccountant.LaplaceEpsilon(1.0, 10, 1e-5);

        Assert.True(epsilon <= 10.0 + 1e-9, $"epsilon {epsilon}");
        Assert.True(epsilon > 9.0, $"epsilon {epsilon}");
        Assert.True(PldAccountant.LaplaceDelta(1.0, 10, 10.0) < 1e-12);
    }

    [Theory]
    [InlineData(0.0, 0.01, 10, 1e-5, 1e-4, "noiseMultiplier")]
    [InlineData(double.NaN, 0.01, 10, 1e-5, 1e-4, "noiseMultiplier")]
    [InlineData(1.0, 0.0, 10, 1e-5, 1e-4, "sampleRate")]
    [InlineData(1.0, 1.5, 10, 1e-5, 1e-4, "sampleRate")]
    [InlineData(1.0, 0.01, 0, 1e-5, 1e-4, "steps")]
    [InlineData(1.0, 0.01, 10, 0.0, 1e-4, "delta")]
    [InlineData(1.0, 0.01, 10, 1.0, 1e-4, "delta")]
    [InlineData(1.0, 0.01, 10, 1e-5, 0.0, "discretization")]
    [InlineData(1.0, 0.01, 10, 1e-5, double.PositiveInfinity, "discretization")]
    public void Epsilon_BadParameters_AreRefused(
        double sigma, double sampleRate, int steps, double delta, double discretization,
        string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => PldAccountant.Epsilon(sigma, sampleRate, steps, delta, discretization));

        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void OtherEntryPoints_BadParameters_AreRefused()
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(
            () => PldAccountant.Delta(1.0, 0.01, 10, double.NaN)).ParamName);
        Assert.Equal("targetEpsilon", Assert.Throws<ArgumentOutOfRangeException>(
            () => PldAccountant.NoiseMultiplierFor(0.0, 1e-5, 0.01, 10)).ParamName);
        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(
            () => PldAccountant.LaplaceEpsilon(-1.0, 1, 1e-5)).ParamName);
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(
            () => PldAccountant.LaplaceDelta(1.0, 0, 0.5)).ParamName);
    }
}
