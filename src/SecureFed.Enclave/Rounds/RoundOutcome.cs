namespace SecureFed.Enclave.Rounds;

/// <summary>How a round ended.</summary>
/// <param name="Completed">True when the aggregate was computed.</param>
/// <param name="AbortReason">Why the round aborted, or null.</param>
/// <param name="Contributors">Clients whose contributions are in the aggregate, ascending.</param>
/// <param name="Aggregate">
/// The exact sum of the contributions' residues modulo 2^b, one per coordinate; empty when
/// the round aborted.
/// </param>
public sealed record RoundOutcome(
    bool Completed,
    string? AbortReason,
    IReadOnlyList<uint> Contributors,
    ulong[] Aggregate)
{
    /// <summary>An aborted round's outcome.</summary>
    public static RoundOutcome Aborted(string reason) => new(false, reason, [], []);
}
