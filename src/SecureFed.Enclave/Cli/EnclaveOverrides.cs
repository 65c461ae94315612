namespace SecureFed.Enclave.Cli;

/// <summary>
/// The settings given on <c>securefed-enclave run</c>'s command line; null where an option
/// was not given, so that the configuration file's or the environment's value stands.
/// </summary>
internal sealed record EnclaveOverrides(
    string? StateDirectory = null,
    string? Listen = null,
    string? MetricsListen = null,
    int? TaskPollSeconds = null);
