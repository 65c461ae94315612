namespace SecureFed.Protocol.Audit;

/// <summary>The outcome of an offline aggregate audit (<see cref="AggregateAudit.Check"/>).</summary>
/// <param name="Findings">What is wrong, each with <see cref="AuditFinding.Check"/>
/// <c>aggregate</c>; empty when every completed round's aggregate checked out.</param>
/// <param name="RoundsChecked">Completed rounds whose sum was spot-checked.</param>
/// <param name="CoordinatesChecked">Coordinates (mask mode) or residues (HE mode) compared,
/// over all rounds.</param>
public sealed record AggregateAuditResult(
    IReadOnlyList<AuditFinding> Findings, int RoundsChecked, long CoordinatesChecked)
{
    /// <summary>True when the audit found nothing wrong.</summary>
    public bool Passed => Findings.Count == 0;
}
