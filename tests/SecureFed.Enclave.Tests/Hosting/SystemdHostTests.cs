using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecureFed.Enclave.Hosting;

namespace SecureFed.Enclave.Tests.Hosting;

/// <summary>
/// The notifier, lifetime and watchdog services inside a real host, talking to a real
/// unix datagram socket, with a fake health check in the real HealthCheckService.
/// </summary>
public sealed class SystemdHostTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    // 200 ms: a ping every 100 ms, health checks bounded by 50 ms.
    private const string WatchdogUsec = "200000";

    private static IHost BuildHost(
        Func<string, string?> environment, FakeHealthCheck check, ListLoggerProvider logs)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSecureFedSystemd(environment);
        builder.Services.AddHealthChecks().AddCheck("fake", check);
        return builder.Build();
    }

    private static Func<string, string?> WatchdogEnvironment(NotifySocketListener listener, string? pid = null) =>
        pid is null
            ? listener.Environment(("WATCHDOG_USEC", WatchdogUsec))
            : listener.Environment(("WATCHDOG_USEC", WatchdogUsec), ("WATCHDOG_PID", pid));

    [Fact]
    public async Task StartAndStop_NotifySocketSet_SendsReadyThenStopping()
    {
        using var listener = NotifySocketListener.BindPath();
        using var host = BuildHost(listener.Environment(), new FakeHealthCheck(), new ListLoggerProvider());

        await host.StartAsync();
        Assert.True(await listener.WaitForAsync("READY=1\nSTATUS=Serving", Wait));
        await host.StopAsync();

        Assert.True(await listener.WaitForAsync("STOPPING=1\nSTATUS=Stopping", Wait));
        Assert.True(await listener.WaitForAsync("STATUS=Stopped", Wait));
        var order = listener.Messages.ToList();
        Assert.Equal("STATUS=Starting", order[0]);
        Assert.True(order.IndexOf("READY=1\nSTATUS=Serving") < order.IndexOf("STOPPING=1\nSTATUS=Stopping"));
        Assert.Equal(1, listener.Count("READY=1\nSTATUS=Serving"));
    }

    [Fact]
    public async Task Ready_AfterOtherHostedServicesStarted()
    {
        using var listener = NotifySocketListener.BindPath();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSecureFedSystemd(listener.Environment());
        var slow = new SlowStartService(listener);
        builder.Services.AddSingleton<IHostedService>(slow);
        using var host = builder.Build();

        await host.StartAsync();
        Assert.True(await listener.WaitForAsync("READY=1\nSTATUS=Serving", Wait));
        await host.StopAsync();

        Assert.Equal(0, slow.ReadyMessagesSeenWhenStarted);
    }

    [Fact]
    public async Task Watchdog_Healthy_PingsEveryHalfInterval()
    {
        using var listener = NotifySocketListener.BindPath();
        var check = new FakeHealthCheck();
        using var host = BuildHost(WatchdogEnvironment(listener), check, new ListLoggerProvider());

        await host.StartAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        await host.StopAsync();

        // About 7 ticks of 100 ms; a loaded machine may run late, never fewer than 3.
        Assert.InRange(listener.Count("WATCHDOG=1"), 3, 9);
        Assert.True(check.Calls >= listener.Count("WATCHDOG=1"));
    }

    [Fact]
    public async Task Watchdog_PidMatches_Pings()
    {
        using var listener = NotifySocketListener.BindPath();
        string pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var host = BuildHost(WatchdogEnvironment(listener, pid), new FakeHealthCheck(), new ListLoggerProvider());

        await host.StartAsync();
        Assert.True(await listener.WaitForAsync("WATCHDOG=1", Wait));
        await host.StopAsync();
    }

    [Fact]
    public async Task Watchdog_PidOfAnotherProcess_NeverPings()
    {
        using var listener = NotifySocketListener.BindPath();
        string other = (Environment.ProcessId + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var check = new FakeHealthCheck();
        using var host = BuildHost(WatchdogEnvironment(listener, other), check, new ListLoggerProvider());

        await host.StartAsync();
        Assert.True(await listener.WaitForAsync("READY=1\nSTATUS=Serving", Wait));
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        await host.StopAsync();

        Assert.Equal(0, listener.Count("WATCHDOG=1"));
        Assert.Equal(0, check.Calls);
    }

    [Fact]
    public async Task Watchdog_Unhealthy_SkipsPingsAndWarns()
    {
        using var listener = NotifySocketListener.BindPath();
        var check = new FakeHealthCheck { Status = HealthStatus.Unhealthy };
        var logs = new ListLoggerProvider();
        using var host = BuildHost(WatchdogEnvironment(listener), check, logs);

        await host.StartAsync();
        Assert.True(await listener.WaitForAsync("STATUS=Unhealthy: fake", Wait));
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        await host.StopAsync();

        Assert.True(check.Calls >= 2);
        Assert.Equal(0, listener.Count("WATCHDOG=1"));
        Assert.True(logs.Has(LogLevel.Warning, "WatchdogPingSkipped"));
    }

    [Fact]
    public async Task Watchdog_Degraded_SkipsPings()
    {
        using var listener = NotifySocketListener.BindPath();
        var check = new FakeHealthCheck { Status = HealthStatus.Degraded };
        using var host = BuildHost(WatchdogEnvironment(listener), check, new ListLoggerProvider());

        await host.StartAsync();
        Assert.True(await listener.WaitForAsync("STATUS=Unhealthy: fake", Wait));
        await host.StopAsync();

        Assert.Equal(0, listener.Count("WATCHDOG=1"));
    }

    [Fact]
    public async Task Watchdog_HealthCheckHangs_TimesOutAndSkipsPings()
    {
        using var listener = NotifySocketListener.BindPath();
        var check = new FakeHealthCheck { Hang = true };
        var logs = new ListLoggerProvider();
        using var host = BuildHost(WatchdogEnvironment(listener), check, logs);

        await host.StartAsync();
        Assert.True(await listener.WaitForAsync("STATUS=Unhealthy: health checks timed out", Wait));
        await host.StopAsync();

        Assert.Equal(0, listener.Count("WATCHDOG=1"));
        Assert.True(logs.Has(LogLevel.Warning, "HealthCheckTimedOut"));
    }

    [Fact]
    public async Task Watchdog_RecoversAfterUnhealthy_PingsAgainAndRestoresStatus()
    {
        using var listener = NotifySocketListener.BindPath();
        var check = new FakeHealthCheck { Status = HealthStatus.Unhealthy };
        using var host = BuildHost(WatchdogEnvironment(listener), check, new ListLoggerProvider());

        await host.StartAsync();
        Assert.True(await listener.WaitForAsync("STATUS=Unhealthy: fake", Wait));
        Assert.Equal(0, listener.Count("WATCHDOG=1"));
        check.Status = HealthStatus.Healthy;

        Assert.True(await listener.WaitForAsync("WATCHDOG=1", Wait));
        Assert.True(await listener.WaitForAsync("STATUS=Serving", Wait));
        await host.StopAsync();
    }

    [Fact]
    public async Task Watchdog_NoNotifySocket_NeverChecksHealth()
    {
        var check = new FakeHealthCheck();
        var environment = (string name) => name == "WATCHDOG_USEC" ? WatchdogUsec : null;
        using var host = BuildHost(environment, check, new ListLoggerProvider());

        await host.StartAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await host.StopAsync();

        Assert.False(host.Services.GetRequiredService<SystemdNotifier>().IsActive);
        Assert.Equal(0, check.Calls);
    }

    [Fact]
    public void AddSecureFedSystemd_CalledTwice_RegistersEachServiceOnce()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSecureFedSystemd(_ => null);
        builder.Services.AddSecureFedSystemd(_ => null);
        using var host = builder.Build();

        var hosted = host.Services.GetServices<IHostedService>().ToList();
        Assert.Single(hosted.OfType<SystemdLifetimeService>());
        Assert.Single(hosted.OfType<WatchdogService>());
        Assert.Single(builder.Services, d => d.ServiceType == typeof(SystemdNotifier));
    }

    private sealed class SlowStartService(NotifySocketListener listener) : IHostedService
    {
        public int ReadyMessagesSeenWhenStarted { get; private set; } = -1;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            ReadyMessagesSeenWhenStarted =
                listener.Messages.Count(m => m.StartsWith("READY=1", StringComparison.Ordinal));
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
