using SecureFed.Protocol.Audit;

namespace SecureFed.Audit.Cli;

/// <summary>The outcome of <c>securefed-audit verify</c>.</summary>
/// <param name="Ledger">The ledger audit's report.</param>
/// <param name="SpotChecks">The aggregate spot checks' result, or null when no contributions
/// directory was given.</param>
/// <param name="Findings">The ledger audit's findings followed by the spot checks'.</param>
internal sealed record VerifyResult(
    LedgerAuditReport Ledger, AggregateAuditResult? SpotChecks, IReadOnlyList<AuditFinding> Findings)
{
    /// <summary>Whether everything verified.</summary>
    public bool Ok => Findings.Count == 0;
}
