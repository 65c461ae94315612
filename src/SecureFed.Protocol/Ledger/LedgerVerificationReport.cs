namespace SecureFed.Protocol.Ledger;

/// <summary>The outcome of verifying a ledger, a checkpoint or a receipt.</summary>
/// <param name="Failure">What failed first, or <see cref="LedgerFailure.None"/>.</param>
/// <param name="FirstBadIndex">Position of the first bad entry, when an entry is to blame.</param>
/// <param name="Message">A sentence for people: what failed, and where.</param>
public sealed record LedgerVerificationReport(LedgerFailure Failure, long? FirstBadIndex, string Message)
{
    /// <summary>Whether everything verified.</summary>
    public bool Ok => Failure == LedgerFailure.None;

    internal static LedgerVerificationReport Success(string message) => new(LedgerFailure.None, null, message);

    internal static LedgerVerificationReport Fail(LedgerFailure failure, long? index, string message) =>
        new(failure, index, message);
}
