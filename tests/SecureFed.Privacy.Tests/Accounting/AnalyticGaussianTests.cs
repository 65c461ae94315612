using SecureFed.Privacy.Accounting;

namespace SecureFed.Privacy.Tests.Accounting;

// Reference values: Balle and Wang (ICML 2018), as computed by dp_accounting's
// get_smallest_gaussian_noise / analytic Gaussian tests, and dp_accounting's
// privacy_loss_mechanism_test for the Gaussian mechanism with σ = 1 (δ at ε = -2..2).
public class AnalyticGaussianTests
{
    [Fact]
    public void SigmaFor_Epsilon1Delta1e5_Is3_7306316()
    {
        Assert.Equal(3.7306316, AnalyticGaussian.SigmaFor(1, 1e-5), 1e-6);
    }

    [Theory]
    [MemberData(nameof(GaussianCurveReference.SigmaOne), MemberType = typeof(GaussianCurveReference))]
    public void Delta_SigmaOne_MatchesTheGaussianCurve(double epsilon, double expected)
    {
        Assert.Equal(expected, AnalyticGaussian.Delta(1, epsilon), expected * 1e-6);
    }

    [Fact]
    public void SigmaFor_GivesTheSmallestSigmaMeetingDelta()
    {
        double sigma = AnalyticGaussian.SigmaFor(0.5, 1e-6, sensitivity: 2);

        Assert.True(AnalyticGaussian.Delta(sigma, 0.5, 2) <= 1e-6);
        Assert.True(AnalyticGaussian.Delta(sigma * (1 - 1e-9), 0.5, 2) > 1e-6 * (1 - 1e-6));
    }

    [Fact]
    public void Delta_FallsAsSigmaGrows()
    {
        Assert.True(AnalyticGaussian.Delta(2, 1) < AnalyticGaussian.Delta(1, 1));
    }

    [Theory]
    [InlineData(0.0, 1e-5)]
    [InlineData(1.0, 0.0)]
    [InlineData(1.0, 1.0)]
    public void SigmaFor_RefusesBadParameters(double epsilon, double delta)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AnalyticGaussian.SigmaFor(epsilon, delta));
    }
}
