namespace SecureFed.Enclave.Cli;

/// <summary>What <c>securefed-enclave ledger export</c> reports.</summary>
internal sealed record LedgerExportReport(
    string File,
    ulong Entries,
    string? HeadHash,
    string LedgerPublicKey,
    ulong CheckpointTreeSize);
