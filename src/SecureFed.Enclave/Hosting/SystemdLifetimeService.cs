// Start-up and shutdown notifications for a Type=notify unit (systemd.service(5)): the
// manager holds the unit in "activating" until READY=1 arrives, and STOPPING=1 tells it
// that the service is shutting down of its own accord or on SIGTERM.

namespace SecureFed.Enclave.Hosting;

/// <summary>Sends READY=1 once the host has started and STOPPING=1 when it stops.</summary>
/// <remarks>
/// READY=1 waits for <see cref="IHostApplicationLifetime.ApplicationStarted"/>, which the
/// host fires after every hosted service has started, Kestrel's listeners included, so a
/// unit ordered After= this one finds the ports open. Does nothing when the notifier is
/// inactive.
/// </remarks>
public sealed class SystemdLifetimeService : IHostedLifecycleService, IDisposable
{
    /// <summary>The STATUS= text sent with READY=1.</summary>
    public const string ReadyStatus = "Serving";

    private readonly SystemdNotifier _notifier;
    private readonly IHostApplicationLifetime _lifetime;
    private CancellationTokenRegistration _started;
    private CancellationTokenRegistration _stopping;

    /// <summary>Creates the service.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public SystemdLifetimeService(SystemdNotifier notifier, IHostApplicationLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(lifetime);
        _notifier = notifier;
        _lifetime = lifetime;
    }

    /// <summary>Sends STATUS=Starting before any hosted service starts.</summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (_notifier.IsActive)
        {
            _notifier.NotifyStatus("Starting");
        }

        return Task.CompletedTask;
    }

    /// <summary>Arranges READY=1 for when the host has started and STOPPING=1 for shutdown.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_notifier.IsActive)
        {
            _started = _lifetime.ApplicationStarted.Register(() => _notifier.NotifyReady(ReadyStatus));
            _stopping = _lifetime.ApplicationStopping.Register(() => _notifier.NotifyStopping("Stopping"));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sends STATUS=Stopped once every hosted service has stopped.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (_notifier.IsActive)
        {
            _notifier.NotifyStatus("Stopped");
        }

        return Task.CompletedTask;
    }

    /// <summary>Drops the lifetime callbacks.</summary>
    public void Dispose()
    {
        _started.Dispose();
        _stopping.Dispose();
    }
}
