// Parameter checks at the public boundary of the RDP accountant: each bad value is rejected
// with an ArgumentOutOfRangeException that names it.

using SecureFed.Privacy.Accounting;

namespace SecureFed.Privacy.Tests.Accounting;

public sealed class RdpValidationTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Epsilon_NoiseMultiplierNotPositive_Throws(double sigma)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RdpAccountant.Epsilon(sigma, 0.01, 10, 1e-5));
        Assert.Equal("noiseMultiplier", e.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.0000001)]
    [InlineData(double.NaN)]
    public void Epsilon_SampleRateOutsideUnitInterval_Throws(double q)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RdpAccountant.Epsilon(1.0, q, 10, 1e-5));
        Assert.Equal("sampleRate", e.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-1e-5)]
    [InlineData(double.NaN)]
    public void Epsilon_DeltaOutsideOpenUnitInterval_Throws(double delta)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RdpAccountant.Epsilon(1.0, 0.01, 10, delta));
        Assert.Equal("delta", e.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Epsilon_StepsBelowOne_Throws(int steps)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RdpAccountant.Epsilon(1.0, 0.01, steps, 1e-5));
        Assert.Equal("steps", e.ParamName);
    }

    [Fact]
    public void Delta_NegativeEpsilon_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RdpAccountant.Delta(1.0, 0.01, 10, -0.1));
        Assert.Equal("epsilon", e.ParamName);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(double.PositiveInfinity)]
    public void Accountant_OrderNotAboveOne_Throws(double order)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RdpAccountant([2.0, order]));
        Assert.Equal("order", e.ParamName);
    }

    [Fact]
    public void Calibration_BadParameters_Throw()
    {
        Assert.Equal(
            "targetEpsilon",
            Assert.Throws<ArgumentOutOfRangeException>(
                () => Calibration.NoiseMultiplierFor(0, 1e-5, 0.01, 10)).ParamName);
        Assert.Equal(
            "delta",
            Assert.Throws<ArgumentOutOfRangeException>(
                () => Calibration.NoiseMultiplierFor(1, 1, 0.01, 10)).ParamName);
        Assert.Equal(
            "sampleRate",
            Assert.Throws<ArgumentOutOfRangeException>(
                () => Calibration.NoiseMultiplierFor(1, 1e-5, 0, 10)).ParamName);
        Assert.Equal(
            "steps",
            Assert.Throws<ArgumentOutOfRangeException>(
                () => Calibration.NoiseMultiplierFor(1, 1e-5, 0.01, 0)).ParamName);
    }

    [Fact]
    public void Compose_CountBelowOne_ThrowsAndLeavesStateUnchanged()
    {
        var accountant = new RdpAccountant();
        accountant.ComposeGaussian(1.0);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => accountant.ComposeGaussian(1.0, 0));

        Assert.Equal("count", e.ParamName);
        Assert.Equal(GaussianRdp.Compute(1.0, accountant.Orders[0]), accountant.Rdp[0]);
    }

    [Fact]
    public void Mechanisms_BadSensitivityOrClientCount_Throw()
    {
        Assert.Equal(
            "variance",
            Assert.Throws<ArgumentOutOfRangeException>(() => SkellamRdp.Compute(1, 1, 0, 2)).ParamName);
        Assert.Equal(
            "clients",
            Assert.Throws<ArgumentOutOfRangeException>(
                () => DistributedDiscreteGaussianRdp.Compute(1, 1, 1, 0, 10, 2)).ParamName);
        Assert.Equal(
            "noiseMultiplier",
            Assert.Throws<ArgumentOutOfRangeException>(() => LaplaceRdp.Compute(-1, 2)).ParamName);
    }
}
