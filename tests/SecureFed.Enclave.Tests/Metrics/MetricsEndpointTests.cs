using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using SecureFed.Enclave.Metrics;

namespace SecureFed.Enclave.Tests.Metrics;

/// <summary>The /metrics endpoint on a real Kestrel with two loopback listeners.</summary>
public sealed class MetricsEndpointTests
{
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<(WebApplication App, int ServicePort, int MetricsPort)> StartAsync()
    {
        int servicePort = FreePort();
        int metricsPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, servicePort, o => o.Protocols = HttpProtocols.Http1);
            k.Listen(IPAddress.Loopback, metricsPort, o => o.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddSecureFedMetrics();
        var app = builder.Build();
        app.MapSecureFedMetrics(metricsPort);
        app.MapGet("/other", () => "other");
        await app.StartAsync();
        return (app, servicePort, metricsPort);
    }

    [Fact]
    public async Task GetMetrics_OnMetricsPort_ServesPrometheusText()
    {
        var (app, _, metricsPort) = await StartAsync();
        await using var _app = app;
        app.Services.GetRequiredService<EnclaveMetrics>().RoundOpened();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EnclaveMetrics.ContentType, response.Content.Headers.ContentType!.ToString());
        Assert.True(response.Headers.CacheControl!.NoStore);
        var text = PrometheusTextParser.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, text.Value("securefed_rounds_opened_total"));
        await app.StopAsync();
    }

    [Fact]
    public async Task GetMetrics_OnServicePort_IsNotFound()
    {
        var (app, servicePort, metricsPort) = await StartAsync();
        await using var _app = app;
        using var http = new HttpClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{servicePort}/metrics"));
        request.Headers.Host = $"127.0.0.1:{metricsPort}";
        using var response = await http.SendAsync(request);
        using var other = await http.GetAsync(new Uri($"http://127.0.0.1:{servicePort}/other"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task PostMetrics_OnMetricsPort_IsRefused()
    {
        var (app, _, metricsPort) = await StartAsync();
        await using var _app = app;
        using var http = new HttpClient();

        using var response = await http.PostAsync(
            new Uri($"http://127.0.0.1:{metricsPort}/metrics"), new StringContent(""));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        await app.StopAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void MapSecureFedMetrics_PortOutOfRange_Throws(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSecureFedMetrics();
        var app = builder.Build();

        Assert.Throws<ArgumentOutOfRangeException>(() => app.MapSecureFedMetrics(port));
    }

    [Fact]
    public void MapSecureFedMetrics_WithoutAddSecureFedMetrics_Throws()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        Assert.Throws<InvalidOperationException>(() => app.MapSecureFedMetrics(9464));
    }
}
