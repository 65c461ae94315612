// The systemd service watchdog (sd_watchdog_enabled(3), WatchdogSec= in systemd.service(5)):
// the manager passes the timeout in $WATCHDOG_USEC (decimal microseconds) and, when set,
// the pid it expects the pings from in $WATCHDOG_PID; a process with another pid (a child
// that inherited the environment) must not ping. The service should send WATCHDOG=1 every
// half timeout; when no ping arrives within the timeout, the manager kills and, with
// Restart=, restarts the service.
//
// A ping here means "healthy", not merely "the process is scheduled": it is sent only when
// the registered health checks report Healthy. With period P = timeout / 2 and a health
// check bounded by P / 2, two pings are at most 3/4 of the timeout apart while healthy.

using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SecureFed.Enclave.Hosting;

/// <summary>Pings the systemd watchdog while the appliance's health checks pass.</summary>
/// <remarks>
/// Runs only when the notifier is active and <c>WATCHDOG_USEC</c> (with a matching
/// <c>WATCHDOG_PID</c>, if set) enables the watchdog. Pinging starts once the host has
/// started; start-up is bounded by the unit's TimeoutStartSec= instead. An unhealthy or
/// degraded report, or a check that overruns its time, skips the ping and logs a Warning,
/// so that a stuck or broken appliance is restarted by systemd.
/// </remarks>
public sealed class WatchdogService : BackgroundService
{
    /// <summary>The environment variable that holds the watchdog timeout in microseconds.</summary>
    public const string TimeoutVariable = "WATCHDOG_USEC";

    /// <summary>The environment variable that names the process expected to ping.</summary>
    public const string ProcessIdVariable = "WATCHDOG_PID";

    private readonly SystemdNotifier _notifier;
    private readonly HealthCheckService _healthChecks;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private bool _reportedUnhealthy;

    /// <summary>Creates the service.</summary>
    /// <param name="environment">Looks up an environment variable (null when unset).</param>
    /// <param name="notifier">Sends the pings.</param>
    /// <param name="healthChecks">The host's health checks; a ping needs them Healthy.</param>
    /// <param name="lifetime">Pinging starts when the host has started.</param>
    /// <param name="logger">Receives skipped pings.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public WatchdogService(
        Func<string, string?> environment,
        SystemdNotifier notifier,
        HealthCheckService healthChecks,
        IHostApplicationLifetime lifetime,
        ILogger<WatchdogService> logger)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(healthChecks);
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(logger);
        _notifier = notifier;
        _healthChecks = healthChecks;
        _lifetime = lifetime;
        _logger = logger;
        Timeout = ReadTimeout(environment, Environment.ProcessId);
    }

    /// <summary>The watchdog timeout systemd enforces; null when the watchdog is off.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>How often a ping is sent: half the timeout.</summary>
    public TimeSpan? PingPeriod => Timeout / 2;

    /// <summary>How long one health check may run: half the ping period.</summary>
    public TimeSpan? HealthCheckTimeout => Timeout / 4;

    /// <summary>
    /// Reads the watchdog timeout the manager set for process <paramref name="processId"/>.
    /// </summary>
    /// <returns>
    /// The timeout, or null when <c>WATCHDOG_USEC</c> is unset, not a positive decimal
    /// integer, or <c>WATCHDOG_PID</c> is set to anything but <paramref name="processId"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="environment"/> is null.</exception>
    public static TimeSpan? ReadTimeout(Func<string, string?> environment, int processId)
    {
        ArgumentNullException.ThrowIfNull(environment);

        string? usec = environment(TimeoutVariable);
        if (!ulong.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out ulong micros)
            || micros == 0)
        {
            return null;
        }

        string? pid = environment(ProcessIdVariable);
        if (!string.IsNullOrEmpty(pid)
            && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int expected)
                || expected != processId))
        {
            return null;
        }

        // TimeSpan ticks are 100 ns; a timeout beyond TimeSpan's range is no watchdog at all.
        const ulong maxMicros = (ulong)(long.MaxValue / TimeSpan.TicksPerMicrosecond);
        return micros > maxMicros ? null : TimeSpan.FromMicroseconds(micros);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_notifier.IsActive || Timeout is null)
        {
            HostingLog.WatchdogDisabled(_logger, _notifier.IsActive
                ? "WATCHDOG_USEC is unset, invalid or meant for another process"
                : "NOTIFY_SOCKET is unset");
            return;
        }

        TimeSpan period = PingPeriod!.Value;
        HostingLog.WatchdogEnabled(_logger, Timeout.Value, period);

        if (!await WaitForStartAsync(stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        using var timer = new PeriodicTimer(period);
        do
        {
            await CheckAndPingAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await WaitForTickAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        if (_lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return true;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = _lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<bool> WaitForTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task CheckAndPingAsync(CancellationToken stoppingToken)
    {
        string? failing = await FindFailingAsync(stoppingToken).ConfigureAwait(false);
        if (failing is null)
        {
            _notifier.NotifyWatchdog();
            if (_reportedUnhealthy)
            {
                _notifier.NotifyStatus(SystemdLifetimeService.ReadyStatus);
                _reportedUnhealthy = false;
            }

            return;
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            _notifier.NotifyStatus("Unhealthy: " + failing);
            _reportedUnhealthy = true;
        }
    }

    // Null when healthy; otherwise what failed, for the log and the STATUS line.
    private async Task<string?> FindFailingAsync(CancellationToken stoppingToken)
    {
        TimeSpan timeout = HealthCheckTimeout!.Value;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        bounded.CancelAfter(timeout);
        HealthReport report;
        try
        {
            report = await _healthChecks.CheckHealthAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            HostingLog.HealthCheckTimedOut(_logger, timeout);
            return "health checks timed out";
        }
        catch (OperationCanceledException)
        {
            return "stopping";
        }

        if (report.Status == HealthStatus.Healthy)
        {
            return null;
        }

        string failing = string.Join(", ", report.Entries
            .Where(e => e.Value.Status != HealthStatus.Healthy)
            .Select(e => e.Key));
        HostingLog.WatchdogPingSkipped(_logger, report.Status.ToString(), failing);
        return failing.Length == 0 ? report.Status.ToString() : failing;
    }
}
