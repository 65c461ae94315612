using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SecureFed.Enclave.Configuration;
using SecureFed.Enclave.Hosting;
using SecureFed.Enclave.Metrics;

namespace SecureFed.Enclave.Tests.Hosting;

/// <summary>
/// Kestrel serving on listening sockets opened elsewhere, as systemd's socket units open
/// them: the descriptors are handed over, and the configured addresses are not used.
/// </summary>
public sealed class InheritedSocketTests
{
    private static Socket OpenListener()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        return socket;
    }

    private static int Descriptor(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();

    [Fact]
    public async Task Resolve_InheritedSockets_ServesOnThemAndReadsTheMetricsPort()
    {
        var grpc = OpenListener();
        var metrics = OpenListener();
        int grpcPort = ((IPEndPoint)grpc.LocalEndPoint!).Port;
        int metricsPort = ((IPEndPoint)metrics.LocalEndPoint!).Port;

        // An address that would fail to bind shows that the configuration is not used.
        var options = new EnclaveOptions { Listen = "192.0.2.1:1", MetricsListen = "192.0.2.1:2" };
        var listeners = ApplianceListeners.Resolve(
            options, SystemdListenSockets.ForDescriptors(Descriptor(grpc), Descriptor(metrics)));

        // Kestrel owns the descriptors from here and closes them when it stops.
        grpc.SafeHandle.SetHandleAsInvalid();
        metrics.SafeHandle.SetHandleAsInvalid();

        Assert.Equal(metricsPort, listeners.MetricsPort);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k =>
        {
            listeners.ListenGrpc(k, o => o.Protocols = HttpProtocols.Http1);
            listeners.ListenMetrics(k, o => o.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddSecureFedMetrics();
        await using var app = builder.Build();
        app.MapSecureFedMetrics(listeners.MetricsPort!.Value);
        app.MapGet("/other", () => "other");
        await app.StartAsync();
        using var http = new HttpClient();

        using var scraped = await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));
        using var hidden = await http.GetAsync(new Uri($"http://127.0.0.1:{grpcPort}/metrics"));
        using var other = await http.GetAsync(new Uri($"http://127.0.0.1:{grpcPort}/other"));

        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public void Resolve_NoSockets_UsesTheConfiguredAddresses()
    {
        var options = new EnclaveOptions { Listen = "127.0.0.1:7443", MetricsListen = "" };

        var listeners = ApplianceListeners.Resolve(options, null);

        Assert.Null(listeners.MetricsPort);
    }
}
