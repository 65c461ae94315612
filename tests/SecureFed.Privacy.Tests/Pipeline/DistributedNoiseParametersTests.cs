using SecureFed.Privacy.Pipeline;

namespace SecureFed.Privacy.Tests.Pipeline;

public class DistributedNoiseParametersTests
{
    [Fact]
    public void Compute_KeepsTheSumInsideTheModularRange()
    {
        var p = DistributedNoiseParameters.Compute(
            noiseMultiplier: 1.0, clip: 1.0, clients: 100, bits: 20, dimension: 100_000);

        // k standard deviations of one aggregate coordinate fill exactly half the range.
        double k = Math.Sqrt(2 * Math.Log(2.0 * p.PaddedDimension / 1e-6));
        double variance = (1.0 * 100 * 100 / p.PaddedDimension + 100 * p.Scale * p.Scale / 4 + 1.0)
            / (p.Scale * p.Scale);
        Assert.Equal(Math.Pow(2, 19), k * Math.Sqrt(variance), 1e-6 * Math.Pow(2, 19));
        Assert.Equal(131072, p.PaddedDimension);
        Assert.True(p.OverflowProbability <= 1e-6);
    }

    [Fact]
    public void Compute_SplitsTheNoiseEvenlyOverTheClients()
    {
        var p = DistributedNoiseParameters.Compute(0.8, 2.0, 50, 24, 1000);

        // n shares of variance σ_local² add up to the central σ² = (z·c / γ)² on the grid.
        double central = Math.Pow(0.8 * 2.0 / p.Scale, 2);
        Assert.Equal(central, 50 * p.LocalVariance, central * 1e-12);
        Assert.Equal(p.LocalVariance / 2, p.LocalSkellamMu);
        Assert.Equal(2.0 / p.Scale, p.ScaledClip, 1e-12);
        Assert.True(p.Sensitivity >= p.ScaledClip);
    }

    [Fact]
    public void MoreBits_GiveAFinerGrid()
    {
        var coarse = DistributedNoiseParameters.Compute(1, 1, 100, 16, 10_000);
        var fine = DistributedNoiseParameters.Compute(1, 1, 100, 24, 10_000);

        Assert.True(fine.Scale < coarse.Scale / 100);
    }

    [Fact]
    public void Compute_RefusesBitsThatCannotHoldTheClients()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => DistributedNoiseParameters.Compute(1, 1, 10_000, 6, 1000));
        Assert.Contains("cannot hold", e.Message);
    }

    [Theory]
    [InlineData(0.0, 1.0, 10, 16, 10)]
    [InlineData(1.0, -1.0, 10, 16, 10)]
    [InlineData(1.0, 1.0, 0, 16, 10)]
    [InlineData(1.0, 1.0, 10, 65, 10)]
    [InlineData(1.0, 1.0, 10, 16, 0)]
    [InlineData(double.NaN, 1.0, 10, 16, 10)]
    public void Compute_RefusesBadSettings(double z, double c, int n, int bits, int d)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DistributedNoiseParameters.Compute(z, c, n, bits, d));
    }
}
