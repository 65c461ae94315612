using SecureFed.Enclave.Hosting;

namespace SecureFed.Enclave.Tests.Hosting;

public sealed class WatchdogTimeoutTests
{
    private static Func<string, string?> Env(string? usec, string? pid) => name => name switch
    {
        "WATCHDOG_USEC" => usec,
        "WATCHDOG_PID" => pid,
        _ => null,
    };

    [Fact]
    public void ReadTimeout_UsecSetWithoutPid_ReturnsMicroseconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(200), WatchdogService.ReadTimeout(Env("200000", null), 42));
    }

    [Fact]
    public void ReadTimeout_PidMatches_ReturnsTimeout()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), WatchdogService.ReadTimeout(Env("30000000", "42"), 42));
    }

    [Theory]
    [InlineData("43")]
    [InlineData("x")]
    [InlineData("-42")]
    public void ReadTimeout_PidOfAnotherProcess_ReturnsNull(string pid)
    {
        Assert.Null(WatchdogService.ReadTimeout(Env("200000", pid), 42));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData(" 200000")]
    [InlineData("2e5")]
    [InlineData("99999999999999999999999")]
    [InlineData("18446744073709551615")]
    public void ReadTimeout_UsecUnsetOrInvalid_ReturnsNull(string? usec)
    {
        Assert.Null(WatchdogService.ReadTimeout(Env(usec, null), 42));
    }
}
