// Property tests of the RDP accountant: monotonicity in the order and in the noise multiplier,
// the q = 1 boundary of Poisson sampling, additive composition, epsilon/delta round trips, and
// calibration to a budget.

using SecureFed.Privacy.Accounting;

namespace SecureFed.Privacy.Tests.Accounting;

public sealed class RdpPropertyTests
{
    public static TheoryData<double, double> SubsampledSettings => new()
    {
        { 0.5, 0.001 },
        { 1.0, 0.01 },
        { 1.3, 0.0025 },
        { 2.5, 0.1 },
        { 10.0, 0.5 },
    };

    [Fact]
    public void Gaussian_RdpIsNonDecreasingInOrder()
    {
        IReadOnlyList<double> orders = RdpOrders.Default;
        for (int k = 1; k < orders.Count; k++)
        {
            Assert.True(GaussianRdp.Compute(1.1, orders[k]) >= GaussianRdp.Compute(1.1, orders[k - 1]));
        }
    }

    [Theory]
    [MemberData(nameof(SubsampledSettings))]
    public void PoissonSampledGaussian_RdpIsNonDecreasingInOrder(double sigma, double q)
    {
        IReadOnlyList<double> orders = RdpOrders.Default;
        double previous = 0;
        foreach (double order in orders)
        {
            double rdp = GaussianRdp.ComputePoissonSampled(sigma, q, order);
            Assert.True(rdp >= previous * (1 - 1e-9), $"order {order}: {rdp} < {previous}");
            previous = rdp;
        }
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(1.0)]
    [InlineData(3.3)]
    public void PoissonSampledGaussian_SampleRateOne_EqualsPlainGaussian(double sigma)
    {
        foreach (double order in RdpOrders.Default)
        {
            Assert.Equal(GaussianRdp.Compute(sigma, order), GaussianRdp.ComputePoissonSampled(sigma, 1.0, order));
        }
    }

    [Theory]
    [MemberData(nameof(SubsampledSettings))]
    public void PoissonSampledGaussian_NeverExceedsPlainGaussian(double sigma, double q)
    {
        foreach (double order in RdpOrders.Default)
        {
            double sampled = GaussianRdp.ComputePoissonSampled(sigma, q, order);
            Assert.True(sampled <= GaussianRdp.Compute(sigma, order) * (1 + 1e-9), $"order {order}");
        }
    }

    [Fact]
    public void PoissonSampledGaussian_FractionalOrderLiesBetweenIntegerNeighbours()
    {
        // Checks the erfc series against the binomial sum on either side.
        for (double order = 2.1; order < 10; order += 0.7)
        {
            double below = GaussianRdp.ComputePoissonSampled(1.1, 0.02, Math.Floor(order));
            double at = GaussianRdp.ComputePoissonSampled(1.1, 0.02, order);
            double above = GaussianRdp.ComputePoissonSampled(1.1, 0.02, Math.Ceiling(order));
            Assert.InRange(at, below, above);
        }
    }

    [Fact]
    public void Epsilon_DecreasesAsNoiseMultiplierIncreases()
    {
        double previous = double.PositiveInfinity;
        for (double sigma = 0.6; sigma < 6; sigma += 0.4)
        {
            double epsilon = RdpAccountant.Epsilon(sigma, 0.01, 1000, 1e-5).Epsilon;
            Assert.True(epsilon < previous, $"sigma {sigma}: {epsilon} >= {previous}");
            previous = epsilon;
        }
    }

    [Fact]
    public void Compose_CountsAddUp()
    {
        var once = new RdpAccountant();
        var inParts = new RdpAccountant();

        once.ComposePoissonSampledGaussian(1.2, 0.05, 6);
        inParts.ComposePoissonSampledGaussian(1.2, 0.05, 2);
        inParts.ComposePoissonSampledGaussian(1.2, 0.05, 4);

        for (int k = 0; k < once.Rdp.Count; k++)
        {
            Assert.Equal(once.Rdp[k], inParts.Rdp[k], 1e-12 * Math.Max(1, once.Rdp[k]));
        }
    }

    [Fact]
    public void Compose_HeterogeneousMechanismsAdd()
    {
        var accountant = new RdpAccountant([2.71828]);

        accountant.ComposeGaussian(3.14159);
        accountant.ComposeGaussian(1.61803);

        double expected = GaussianRdp.Compute(3.14159, 2.71828) + GaussianRdp.Compute(1.61803, 2.71828);
        Assert.Equal(expected, accountant.Rdp[0], 1e-15);
    }

    [Fact]
    public void NewAccountant_SpendsNothing()
    {
        var accountant = new RdpAccountant();

        Assert.Equal(0, accountant.GetEpsilon(1e-10).Epsilon);
        Assert.Equal(0, accountant.GetDelta(0).Delta);
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.1)]
    [InlineData(1e-3)]
    [InlineData(1e-5)]
    [InlineData(1e-9)]
    public void EpsilonThenDelta_RoundTrips(double delta)
    {
        // As dp_accounting's test_epsilon_delta_consistency.
        foreach (double q in new[] { 0.01, 0.1, 0.8, 1.0 })
        {
            foreach (double sigma in new[] { 0.1, 1.0, 10.0, 100.0 })
            {
                var accountant = new RdpAccountant(Enumerable.Range(2, 48).Select(o => (double)o).ToArray());
                accountant.ComposePoissonSampledGaussian(sigma, q);

                double epsilon = accountant.GetEpsilon(delta).Epsilon;
                double roundTrip = accountant.GetDelta(epsilon).Delta;

                if (epsilon == 0)
                {
                    Assert.True(roundTrip <= delta);
                }
                else
                {
                    Assert.Equal(delta, roundTrip, 1e-7 * delta + 1e-15);
                }
            }
        }
    }

    [Theory]
    [InlineData(1.0, 1e-5, 0.01, 1000)]
    [InlineData(8.0, 1e-5, 0.04, 2250)]
    [InlineData(0.5, 1e-6, 0.001, 10000)]
    [InlineData(3.0, 1e-5, 1.0, 10)]
    public void Calibration_ReturnsSmallestNoiseMultiplierMeetingTarget(
        double targetEpsilon, double delta, double sampleRate, int steps)
    {
        double sigma = Calibration.NoiseMultiplierFor(targetEpsilon, delta, sampleRate, steps);

        double atSigma = RdpAccountant.Epsilon(sigma, sampleRate, steps, delta).Epsilon;
        double justBelow = RdpAccountant.Epsilon(sigma * (1 - 1e-4), sampleRate, steps, delta).Epsilon;
        Assert.True(atSigma <= targetEpsilon, $"epsilon {atSigma} at sigma {sigma}");
        Assert.True(justBelow > targetEpsilon, $"epsilon {justBelow} just below sigma {sigma}");
    }

    [Fact]
    public void Skellam_ApproachesGaussianAsVarianceGrows()
    {
        // With mu large the discreteness term is O(1/mu^2) against the O(1/mu) Gaussian term.
        double mu = 1e8;
        double skellam = SkellamRdp.Compute(1000, 100, mu, 8);
        double gaussian = GaussianRdp.Compute(Math.Sqrt(mu) / 100, 8);
        Assert.True(skellam >= gaussian);
        Assert.Equal(gaussian, skellam, gaussian * 1e-5);
    }

    [Fact]
    public void Skellam_FractionalOrderIsBoundedByNextInteger()
    {
        Assert.Equal(SkellamRdp.Compute(10, 3, 50, 4), SkellamRdp.Compute(10, 3, 50, 3.2));
    }

    [Fact]
    public void DistributedDiscreteGaussian_OneClientHasNoTauTerm()
    {
        Assert.Equal(0, DistributedDiscreteGaussianRdp.Tau(2.0, 1));
        Assert.Equal(
            GaussianRdp.Compute(4.0 / 3.0, 5),
            DistributedDiscreteGaussianRdp.Compute(10, 3, 4, 1, 1000, 5),
            1e-15);
    }

    [Fact]
    public void DistributedDiscreteGaussian_ManyClientsApproachGaussianOfSummedVariance()
    {
        // Local stddev 2 gives tau of about 10 n exp(-2 pi^2 * 4 / 2): negligible.
        double ddg = DistributedDiscreteGaussianRdp.Compute(300, 10, 2, 100, 10000, 8);
        double gaussian = GaussianRdp.Compute(Math.Sqrt(100) * 2 / 10, 8);
        Assert.True(ddg >= gaussian);
        Assert.Equal(gaussian, ddg, gaussian * 1e-9);
    }

    [Fact]
    public void DistributedDiscreteGaussian_SmallLocalNoiseCostsMoreThanGaussian()
    {
        double ddg = DistributedDiscreteGaussianRdp.Compute(300, 10, 0.3, 100, 10000, 8);
        double gaussian = GaussianRdp.Compute(Math.Sqrt(100) * 0.3 / 10, 8);
        Assert.True(ddg > gaussian * 1.01);
    }

    [Fact]
    public void Laplace_RdpIsNonDecreasingInOrderAndBoundedByPureEpsilon()
    {
        double previous = 0;
        foreach (double order in RdpOrders.Default)
        {
            double rdp = LaplaceRdp.Compute(2.0, order);
            Assert.True(rdp >= previous);
            Assert.True(rdp <= 0.5);
            previous = rdp;
        }
    }

    [Fact]
    public void Laplace_TaylorBranchJoinsClosedForm()
    {
        Assert.Equal(LaplaceRdp.Compute(1.0, 1.1), LaplaceRdp.Compute(1.0, 1.0999999999), 1e-9);
    }

    [Fact]
    public void DefaultOrders_MatchDpAccountingList()
    {
        IReadOnlyList<double> orders = RdpOrders.Default;

        Assert.Equal(156, orders.Count);
        Assert.Equal(1.1, orders[0]);
        Assert.Equal(10.9, orders[98]);
        Assert.Equal(11, orders[99]);
        Assert.Equal(63, orders[151]);
        Assert.Equal([128.0, 256, 512, 1024], orders.Skip(152));
    }
}
