namespace SecureFed.Enclave.Cli;

/// <summary>What <c>securefed-enclave init</c> reports.</summary>
internal sealed record InitReport(
    string FederationId,
    string FederationName,
    string StateDir,
    string LedgerPublicKey,
    double EpsilonLimit,
    double Delta,
    int RingDegree);
