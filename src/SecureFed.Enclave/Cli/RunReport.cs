namespace SecureFed.Enclave.Cli;

/// <summary>What <c>securefed-enclave run</c> reports once the appliance has started.</summary>
internal sealed record RunReport(
    string FederationId,
    string FederationName,
    string StateDir,
    string Listen,
    string MetricsListen,
    int TaskPollSeconds,
    int ScheduleIntervalSeconds);
