namespace SecureFed.Enclave.Cli;

/// <summary>What <c>securefed-enclave status</c> reports.</summary>
internal sealed record StatusReport(
    string FederationId,
    string FederationName,
    string StateDir,
    string LedgerPublicKey,
    ulong LedgerEntries,
    string? LedgerHead,
    int ClientsEnrolled,
    int CustodiansEnrolled,
    int OperatorsEnrolled,
    long Rounds,
    long RoundsOpen,
    long RoundsCompleted,
    long RoundsAborted,
    ulong LastRound,
    string? LastRoundState,
    double EpsilonSpent,
    double EpsilonLimit,
    double Delta,
    int RingDegree,
    bool HeKeyReady);
