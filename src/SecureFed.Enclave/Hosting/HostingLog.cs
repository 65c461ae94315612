namespace SecureFed.Enclave.Hosting;

/// <summary>Log messages of the systemd integration (event ids 9100-9119).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 9100, EventName = "NotifySocketFound", Level = LogLevel.Information,
        Message = "systemd notification socket found at {Address}")]
    public static partial void NotifySocketFound(ILogger logger, string address);

    [LoggerMessage(EventId = 9101, EventName = "NotifySocketUnusable", Level = LogLevel.Warning,
        Message = "NOTIFY_SOCKET is set but cannot be used ({Reason}); no notifications are sent")]
    public static partial void NotifySocketUnusable(ILogger logger, string reason);

    [LoggerMessage(EventId = 9102, EventName = "NotifyFailed", Level = LogLevel.Warning,
        Message = "Could not send the systemd notification {Assignments}")]
    public static partial void NotifyFailed(ILogger logger, string assignments, Exception? exception);

    [LoggerMessage(EventId = 9103, EventName = "WatchdogEnabled", Level = LogLevel.Information,
        Message = "systemd watchdog enabled: timeout {Timeout}, ping every {Period}")]
    public static partial void WatchdogEnabled(ILogger logger, TimeSpan timeout, TimeSpan period);

    [LoggerMessage(EventId = 9104, EventName = "WatchdogDisabled", Level = LogLevel.Debug,
        Message = "systemd watchdog not in use: {Reason}")]
    public static partial void WatchdogDisabled(ILogger logger, string reason);

    [LoggerMessage(EventId = 9105, EventName = "WatchdogPingSkipped", Level = LogLevel.Warning,
        Message = "Health checks report {Status} (failing: {Failing}); watchdog ping skipped")]
    public static partial void WatchdogPingSkipped(ILogger logger, string status, string failing);

    [LoggerMessage(EventId = 9106, EventName = "HealthCheckTimedOut", Level = LogLevel.Warning,
        Message = "Health checks did not finish within {Timeout}; watchdog ping skipped")]
    public static partial void HealthCheckTimedOut(ILogger logger, TimeSpan timeout);
}
