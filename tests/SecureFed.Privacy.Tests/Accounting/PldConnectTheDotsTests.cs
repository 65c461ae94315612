// Tests of the connect-the-dots discretisation (Doroshenko, Ghazi, Kamath, Kumar and Manurangsi,
// "Connect the Dots: Tighter Discrete Approximations of Privacy Loss Distributions", PETS 2022).
// Reference values:
//   dp_accounting (google/differential-privacy), python/dp_accounting/pld/
//     privacy_loss_mechanism_test.py, GaussianPrivacyLossTest: delta(epsilon) of the Gaussian
//     mechanism with sigma 1 and sensitivity 1;
//   this repository's RdpAccountant for the RDP epsilons (0.7242234 for sigma 1.3, q 0.0025,
//     6000 steps; 1.7118 for sigma 1.1, q 0.01, 1000 steps; both at delta 1e-5), and its
//     round-up PLD (1.5654) for the latter;
//   the Gaussian hockey-stick divergence Phi(1/(2s) - eps s) - e^eps Phi(-1/(2s) - eps s)
//     (Balle and Wang 2018, Theorem 8).
// dp_accounting's noise multiplier 0.673793 for epsilon 1 is checked in PldAccountantTests, whose
// calls take the default, connect-the-dots.

using SecureFed.Privacy.Accounting;
using SecureFed.Privacy.Accounting.Pld;

namespace SecureFed.Privacy.Tests.Accounting;

public sealed class PldConnectTheDotsTests
{
    [Theory]
    [MemberData(nameof(GaussianCurveReference.SigmaOne), MemberType = typeof(GaussianCurveReference))]
    public void Delta_GaussianOneStep_IsExactAtGridPoints(double epsilon, double expected)
    {
        double delta = PldAccountant.Delta(
            1.0, 1.0, 1, epsilon, PldAccountant.DefaultDiscretization,
            PldDiscretisation.ConnectTheDots);

        // The published values carry eight digits; the grid points are exact up to round-off.
        Assert.True(Math.Abs(delta - expected) <= 1e-7 * expected, $"delta {delta:R}");
    }

    [Theory]
    [InlineData(-1.0, 0.67881797)]
    [InlineData(1.0, 0.12693674)]
    public void Delta_GaussianOneStepRoundedUp_IsPessimisticWithinOneInterval(
        double epsilon, double expected)
    {
        double delta = PldAccountant.Delta(
            1.0, 1.0, 1, epsilon, PldAccountant.DefaultDiscretization, PldDiscretisation.RoundUp);

        Assert.InRange(delta, expected * (1 - 1e-7), expected + 1e-4);
    }

    [Fact]
    public void Epsilon_MnistSettingAtDefaultGrid_StaysBelowRdp()
    {
        double epsilon = PldAccountant.Epsilon(1.3, 0.0025, 6000, 1e-5);

        Assert.True(epsilon <= 0.7242234, $"PLD epsilon {epsilon:R} above RDP's 0.7242234");
        Assert.True(epsilon >= 0.5, $"PLD epsilon {epsilon:R} implausibly low");
    }

    [Fact]
    public void Epsilon_ThousandSteps_BelowRoundUpAndRdp()
    {
        double connected = PldAccountant.Epsilon(1.1, 0.01, 1000, 1e-5);
        double roundedUp = PldAccountant.Epsilon(
            1.1, 0.01, 1000, 1e-5, PldAccountant.DefaultDiscretization,
            PldDiscretisation.RoundUp);
        double rdp = RdpAccountant.Epsilon(1.1, 0.01, 1000, 1e-5).Epsilon;

        Assert.True(connected < roundedUp, $"connected {connected:R}, rounded up {roundedUp:R}");
        Assert.True(connected < rdp, $"connect-the-dots {connected:R}, RDP {rdp:R}");

        // A grid ten times finer moves it by less than 1e-4: nothing left of the drift.
        double finer = PldAccountant.Epsilon(1.1, 0.01, 1000, 1e-5, 1e-5);
        Assert.True(Math.Abs(connected - finer) < 1e-4, $"{connected:R} against {finer:R}");
    }

    [Fact]
    public void Delta_PlainGaussianComposed_MatchesSigmaOverRootTAndIsNeverBelow()
    {
        // Four runs at sigma 2 are one run at sigma 1, at the default grid: no drift to refine.
        foreach (double epsilon in new[] { -1.0, 0.0, 0.5, 1.0, 2.0 })
        {
            double exact = AnalyticGaussian.Delta(1.0, epsilon);
            double delta = PldAccountant.Delta(2.0, 1.0, 4, epsilon);

            Assert.True(delta >= exact * (1 - 1e-9), $"eps {epsilon}: {delta:R} below {exact:R}");
            Assert.True(
                Math.Abs(delta - exact) <= 1e-3 * exact, $"eps {epsilon}: {delta:R} vs {exact:R}");
        }
    }

    [Fact]
    public void FromPrivacyLoss_SubsampledGaussian_MassesSumToOne()
    {
        foreach (var relation in new[] { NeighbouringRelation.Remove, NeighbouringRelation.Add })
        {
            var pld = PrivacyLossDistribution.FromPrivacyLoss(
                new GaussianPrivacyLoss(1.3, 0.0025, relation), 1e-4,
                PldDiscretisation.ConnectTheDots);

            double total = pld.InfinityMass;
            for (int k = 0; k < pld.Count; k++)
            {
                Assert.True(pld.MassAt(k) >= 0);
                total += pld.MassAt(k);
            }

            Assert.Equal(1.0, total, 1e-9);
        }
    }
}
