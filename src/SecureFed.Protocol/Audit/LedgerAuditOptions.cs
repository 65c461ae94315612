using SecureFed.Crypto.Signatures;

namespace SecureFed.Protocol.Audit;

/// <summary>What an offline ledger audit trusts and how strict its budget comparison is.</summary>
/// <param name="PinnedLedgerKey">
/// The appliance's ledger key as the auditor obtained it independently (from the operator, a
/// participant's state, a printed fingerprint). Null to use the key the export names, in
/// which case the report says the key was not independently pinned.
/// </param>
public sealed record LedgerAuditOptions(Ed25519PublicKey? PinnedLedgerKey = null)
{
    /// <summary>The default relative tolerance of the budget comparison.</summary>
    public const double DefaultEpsilonTolerance = 1e-6;

    /// <summary>
    /// How far below the recomputed epsilon, relative to it, a claimed epsilon may lie before
    /// it is a finding. The appliance and the auditor run the same arithmetic, so only
    /// floating-point rounding should ever separate them.
    /// </summary>
    public double EpsilonTolerance { get; init; } = DefaultEpsilonTolerance;
}
