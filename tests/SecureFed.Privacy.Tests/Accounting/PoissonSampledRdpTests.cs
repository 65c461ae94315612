using SecureFed.Privacy.Accounting;

namespace SecureFed.Privacy.Tests.Accounting;

public class PoissonSampledRdpTests
{
    [Theory]
    [InlineData(1.0, 0.01)]
    [InlineData(2.0, 0.1)]
    [InlineData(0.8, 0.05)]
    [InlineData(5.0, 0.5)]
    public void GeneralBound_NeverFallsBelowTheExactSampledGaussian(double sigma, double q)
    {
        foreach (double order in new[] { 2.0, 3.0, 4.5, 8.0, 16.0, 32.0, 64.0 })
        {
            double general = PoissonSampledRdp.Core(a => GaussianRdp.Compute(sigma, a), q, order);
            double exact = GaussianRdp.ComputePoissonSampled(sigma, q, order);

            Assert.True(general >= exact * (1 - 1e-9), $"order {order}: general {general} < exact {exact}");
            Assert.True(general <= GaussianRdp.Compute(sigma, order) * (1 + 1e-12));
        }
    }

    [Fact]
    public void GeneralBound_AmplifiesSmallSampleRates()
    {
        double sampled = PoissonSampledRdp.Core(a => GaussianRdp.Compute(2, a), 0.01, 8);

        // At q = 0.01 the bound is orders of magnitude below the unsampled Gaussian's 1.0.
        Assert.True(sampled < 0.01, $"{sampled}");
    }

    [Fact]
    public void GeneralBound_WithEveryoneSampled_IsTheMechanismItself()
    {
        Assert.Equal(GaussianRdp.Compute(1.5, 7), PoissonSampledRdp.Core(a => GaussianRdp.Compute(1.5, a), 1.0, 7));
    }

    [Fact]
    public void Accountant_ChargesSampledSkellamAndDdgRoundsLessThanFullRounds()
    {
        var full = new RdpAccountant();
        full.ComposeSkellam(l1Sensitivity: 40, l2Sensitivity: 4, variance: 64, count: 100);
        var sampled = new RdpAccountant();
        sampled.ComposeSkellam(l1Sensitivity: 40, l2Sensitivity: 4, variance: 64, count: 100, sampleRate: 0.05);

        var fullDdg = new RdpAccountant();
        fullDdg.ComposeDistributedDiscreteGaussian(40, 4, 2, 50, 1024, count: 100);
        var sampledDdg = new RdpAccountant();
        sampledDdg.ComposeDistributedDiscreteGaussian(40, 4, 2, 50, 1024, count: 100, sampleRate: 0.05);

        Assert.True(sampled.GetEpsilon(1e-5).Epsilon < full.GetEpsilon(1e-5).Epsilon / 3);
        Assert.True(sampledDdg.GetEpsilon(1e-5).Epsilon < fullDdg.GetEpsilon(1e-5).Epsilon / 3);
    }

    [Fact]
    public void Accountant_RefusesSampleRatesOutsideZeroToOne()
    {
        var accountant = new RdpAccountant();

        Assert.Throws<ArgumentOutOfRangeException>(() => accountant.ComposeLaplace(1, 1, sampleRate: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => accountant.ComposeSkellam(1, 1, 1, 1, sampleRate: 1.5));
    }
}
