namespace SecureFed.Protocol.Masking;

/// <summary>
/// The neighbourhood degree and Shamir threshold of a SecAgg+ round, with the bounds that
/// justify them.
/// </summary>
/// <param name="ClientCount">Number of clients selected for the round (n).</param>
/// <param name="Degree">
/// Number of neighbours of each client (k); <c>n - 1</c> is the complete graph of the
/// original protocol.
/// </param>
/// <param name="Threshold">Shares needed to reconstruct a client's secrets (t).</param>
/// <param name="Log2FailureProbability">
/// Upper bound, as a base-2 logarithm, on the probability that some client keeps fewer than
/// t live neighbours at the tolerated dropout rate (so that the round must abort).
/// </param>
/// <param name="Log2PrivacyFailureProbability">
/// Upper bound, as a base-2 logarithm, on the probability that the tolerated corrupt
/// clients together with the server learn more than the sum: that they hold enough shares
/// of an honest client's two secrets, or that the honest survivors' graph falls apart.
/// </param>
public sealed record SecAggParameters(
    int ClientCount,
    int Degree,
    int Threshold,
    double Log2FailureProbability,
    double Log2PrivacyFailureProbability)
{
    /// <summary>True when every client is a neighbour of every other.</summary>
    public bool IsCompleteGraph => Degree == ClientCount - 1;
}
