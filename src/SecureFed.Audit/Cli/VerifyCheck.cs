using SecureFed.Protocol.Audit;

namespace SecureFed.Audit.Cli;

/// <summary>
/// One further check of <c>securefed-audit verify</c>, run after the ledger audit: it
/// appends what it finds to <paramref name="findings"/>. Input it cannot read is an
/// <see cref="AuditInputException"/> (exit code 2), not a finding.
/// </summary>
internal delegate void VerifyCheck(VerifyContext context, List<AuditFinding> findings);
