namespace SecureFed.Protocol.Audit;

/// <summary>
/// A clock stopped at one instant, so that a certificate is judged valid or not at the time
/// the ledger says it was used, not at the time of the audit.
/// </summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
