using SecureFed.Enclave.Hosting;

namespace SecureFed.Enclave.Tests.Hosting;

public sealed class SystemdListenSocketsTests
{
    private const int Pid = 4242;

    private static Func<string, string?> Env(string? pid, string? count, string? names) => name => name switch
    {
        SystemdListenSockets.ProcessIdVariable => pid,
        SystemdListenSockets.CountVariable => count,
        SystemdListenSockets.NamesVariable => names,
        _ => null,
    };

    [Fact]
    public void Read_NoVariables_IsNotActivated()
    {
        Assert.Null(SystemdListenSockets.Read(Env(null, null, null), Pid));
    }

    [Fact]
    public void Read_AnotherProcess_IsNotActivated()
    {
        Assert.Null(SystemdListenSockets.Read(Env("4243", "1", "grpc"), Pid));
    }

    [Fact]
    public void Read_ZeroSockets_IsNotActivated()
    {
        Assert.Null(SystemdListenSockets.Read(Env("4242", "0", ""), Pid));
    }

    [Fact]
    public void Read_GrpcOnly_TakesDescriptorThree()
    {
        var sockets = SystemdListenSockets.Read(Env("4242", "1", "grpc"), Pid);

        Assert.NotNull(sockets);
        Assert.Equal(3, sockets.GrpcDescriptor);
        Assert.Null(sockets.MetricsDescriptor);
    }

    [Fact]
    public void Read_NamesInAnyOrder_MapToTheirDescriptors()
    {
        var sockets = SystemdListenSockets.Read(Env("4242", "2", "metrics:grpc"), Pid);

        Assert.NotNull(sockets);
        Assert.Equal(4, sockets.GrpcDescriptor);
        Assert.Equal(3, sockets.MetricsDescriptor);
    }

    [Theory]
    [InlineData("x", "1", "grpc")]
    [InlineData("4242", "two", "grpc:metrics")]
    [InlineData("4242", "17", "grpc")]
    [InlineData("4242", "2", "grpc")]
    [InlineData("4242", "1", null)]
    [InlineData("4242", "1", "https")]
    [InlineData("4242", "1", "metrics")]
    [InlineData("4242", "2", "grpc:grpc")]
    [InlineData("4242", "2", "grpc:")]
    public void Read_MisconfiguredSocketUnit_StopsTheStart(string pid, string count, string? names)
    {
        var ex = Assert.Throws<InvalidOperationException>(
            () => SystemdListenSockets.Read(Env(pid, count, names), Pid));

        Assert.StartsWith("Socket activation:", ex.Message, StringComparison.Ordinal);
    }
}
