// Why the appliance does not rely on UseSystemd() alone: Microsoft.Extensions.Hosting.Systemd
// decides whether it runs under systemd by reading its parent's name from /proc, and the
// unit's ProtectProc=invisible hides that, so the package neither notifies nor switches the
// console to the journal's format; it also never sends watchdog pings. The package is still
// added for the hosts where its detection works, and the rest keys off what systemd
// itself sets: $NOTIFY_SOCKET for notifications (as libsystemd does) and $JOURNAL_STREAM
// (systemd.exec(5)) for the log format.

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;

namespace SecureFed.Enclave.Hosting;

/// <summary>Registers the appliance's systemd integration.</summary>
public static class SystemdServiceCollectionExtensions
{
    /// <summary>The variable systemd sets when stdout or stderr goes to the journal.</summary>
    public const string JournalStreamVariable = "JOURNAL_STREAM";

    /// <summary>
    /// Adds the systemd integration, reading the process environment: readiness, status and
    /// stopping notifications, the health-checked watchdog, and journal-friendly console logs.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>
    /// Call it once on <c>WebApplicationBuilder.Services</c> (or any host's services) before
    /// <c>Build()</c>. Everything is inert when the process does not run under systemd. It
    /// calls <c>AddHealthChecks()</c>; register the appliance's checks on the builder that
    /// returns (for example <c>services.AddHealthChecks().AddCheck&lt;T&gt;("database")</c>),
    /// and the watchdog pings only while all of them report Healthy.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddSecureFedSystemd(this IServiceCollection services) =>
        services.AddSecureFedSystemd(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Adds the systemd integration, reading variables through <paramref name="environment"/>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="environment">Looks up an environment variable (null when unset).</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>See <see cref="AddSecureFedSystemd(IServiceCollection)"/>.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddSecureFedSystemd(
        this IServiceCollection services, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(environment);

        // When its detection works: the journal's console format and the package's lifetime,
        // which also sends READY=1 and STOPPING=1. The manager ignores the repeated messages.
        services.AddSystemd();

        // Limitation: systemd.exec(5) advises comparing $JOURNAL_STREAM's device:inode with
        // stderr's; .NET has no managed fstat of fd 2, and the unit sends both streams to the
        // journal, so the variable being set is taken as enough.
        if (!string.IsNullOrEmpty(environment(JournalStreamVariable)))
        {
            services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Systemd);
        }

        if (!string.IsNullOrEmpty(environment(SystemdNotifier.NotifySocketVariable)))
        {
            // "Press Ctrl+C to shut down" means nothing in the journal.
            services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        }

        services.AddHealthChecks();
        services.TryAddSingleton(sp => new SystemdNotifier(
            environment, sp.GetRequiredService<ILogger<SystemdNotifier>>()));
        services.AddHostedService<SystemdLifetimeService>();
        services.AddHostedService(sp => new WatchdogService(
            environment,
            sp.GetRequiredService<SystemdNotifier>(),
            sp.GetRequiredService<HealthCheckService>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<WatchdogService>>()));
        return services;
    }
}
