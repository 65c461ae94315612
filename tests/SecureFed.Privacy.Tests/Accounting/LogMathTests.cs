// Checks of the log-space helpers against values computed with mpmath at 40 digits.

using SecureFed.Privacy.Accounting;

namespace SecureFed.Privacy.Tests.Accounting;

public sealed class LogMathTests
{
    [Theory]
    [InlineData(-3.0, 0.69313613525044681032)]
    [InlineData(-1.0, 0.61123231767807049464)]
    [InlineData(0.0, 0.0)]
    [InlineData(0.5, -0.73501112983708440303)]
    [InlineData(1.0, -1.8496055099332482486)]
    [InlineData(2.0, -5.3649412646166375745)]
    [InlineData(2.5, -7.8068152727272643589)]
    [InlineData(5.0, -27.200889545537434422)]
    [InlineData(10.0, -102.87988902484488857)]
    [InlineData(30.0, -903.97411711064387808)]
    [InlineData(100.0, -10005.177585122664333)]
    [InlineData(1e4, -100000009.7827053199)]
    public void LogErfc_MatchesHighPrecisionValues(double x, double expected)
    {
        Assert.Equal(expected, LogMath.LogErfc(x), 1e-13 * Math.Max(1, Math.Abs(expected)));
    }

    [Fact]
    public void LogErfc_IsContinuousAtSeriesBoundary()
    {
        // Just below 2 the series pays for 1 - erf with about two digits; 1e-12 is ample for an
        // accountant whose reference values are checked to 1e-6.
        Assert.Equal(LogMath.LogErfc(2.0), LogMath.LogErfc(Math.BitDecrement(2.0)), 1e-12);
        Assert.Equal(LogMath.LogErfc(-2.0), LogMath.LogErfc(Math.BitIncrement(-2.0)), 1e-12);
    }

    [Fact]
    public void LogAddAndLogSub_AreInverse()
    {
        double sum = LogMath.LogAdd(Math.Log(3), Math.Log(5));

        Assert.Equal(Math.Log(8), sum, 1e-15);
        Assert.Equal(Math.Log(3), LogMath.LogSub(sum, Math.Log(5)), 1e-14);
        Assert.Equal(double.NegativeInfinity, LogMath.LogSub(1.0, 1.0));
        Assert.Equal(2.0, LogMath.LogAdd(2.0, double.NegativeInfinity));
    }

    [Fact]
    public void Log1PAndExpM1_KeepDigitsNearZero()
    {
        Assert.Equal(1e-20, LogMath.Log1P(1e-20));
        Assert.Equal(1e-20, LogMath.ExpM1(1e-20));
        Assert.Equal(9.9999999995000000000e-11, LogMath.Log1P(1e-10), 1e-24);
        Assert.Equal(1.00000000005e-10, LogMath.ExpM1(1e-10), 1e-24);
        Assert.Equal(-1.0, LogMath.ExpM1(double.NegativeInfinity));
    }
}
