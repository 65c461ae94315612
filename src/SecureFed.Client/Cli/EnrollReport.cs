namespace SecureFed.Client.Cli;

/// <summary>What <c>securefed enroll</c> reports.</summary>
internal sealed record EnrollReport(
    string StateDir,
    string Identity,
    string Role,
    string Name,
    uint ParticipantId,
    string FederationId,
    string FederationName,
    string Enclave,
    string SigningPublicKey,
    ulong LedgerEntry,
    bool ReceiptVerified,
    string Receipt);
