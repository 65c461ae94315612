namespace SecureFed.Enclave.Cli;

/// <summary>What <c>securefed-enclave ledger export</c> reports.</summary>
internal sealed record LedgerExportReport(
    string File,
    ulong Entries,
    string? HeadHash,
    string LedgerPublicKey,
    ulong CheckpointTreeSize)
{
    /// <summary>With --contributions: the directory written, as a full path.</summary>
    public string? ContributionsDirectory { get; init; }

    /// <summary>With --contributions: completed rounds exported.</summary>
    public int? ContributionRounds { get; init; }

    /// <summary>With --contributions: contributions copied.</summary>
    public int? Contributions { get; init; }

    /// <summary>With --contributions: files the ledger implies but the spool lacks.</summary>
    public int? MissingFiles { get; init; }
}
