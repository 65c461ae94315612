using SecureFed.Protocol.Audit;

namespace SecureFed.Audit.Cli;

/// <summary>What <c>securefed-audit verify</c> was asked to do.</summary>
/// <param name="LedgerPath">The ledger export to verify.</param>
/// <param name="LedgerKey">
/// The trusted ledger key, a file or the key in hex or base64; null to use the export's.
/// </param>
/// <param name="Json">Print one JSON object instead of the human report.</param>
internal sealed record VerifyOptions(string LedgerPath, string? LedgerKey, bool Json)
{
    /// <summary>
    /// The contributions directory of <c>securefed-enclave ledger export --contributions</c>;
    /// null to skip the aggregate spot checks.
    /// </summary>
    public string? ContributionsDirectory { get; init; }

    /// <summary>Coordinates sampled per round by the aggregate spot check.</summary>
    public int SpotChecks { get; init; } = AggregateAudit.DefaultSpotChecks;
}
