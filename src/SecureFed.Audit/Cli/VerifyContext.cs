using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Audit;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Audit.Cli;

/// <summary>What every check of <c>securefed-audit verify</c> works from.</summary>
/// <param name="Options">The command's options.</param>
/// <param name="Export">The ledger export, parsed.</param>
/// <param name="LedgerKey">The key entries are checked against: pinned, or the export's.</param>
/// <param name="Ledger">The ledger audit's report; its findings are already counted.</param>
internal sealed record VerifyContext(
    VerifyOptions Options, LedgerExport Export, Ed25519PublicKey LedgerKey, LedgerAuditReport Ledger);
