namespace SecureFed.Audit.Cli;

/// <summary>
/// What <c>securefed-audit verify</c> was asked to do. A later check adds its own options
/// here as init properties with a default, so that existing callers keep compiling.
/// </summary>
/// <param name="LedgerPath">The ledger export to verify.</param>
/// <param name="LedgerKey">
/// The trusted ledger key, a file or the key in hex or base64; null to use the export's.
/// </param>
/// <param name="Json">Print one JSON object instead of the human report.</param>
internal sealed record VerifyOptions(string LedgerPath, string? LedgerKey, bool Json);
