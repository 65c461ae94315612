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
    /// <summary>
    /// HE mode: the aggregate ciphertexts the custodians decrypted, serialized and
    /// concatenated as a contribution's are, so that an auditor can spot-check them against
    /// the contributions; null in mask mode, whose sum is <see cref="Aggregate"/> itself.
    /// </summary>
    public byte[]? CiphertextSum { get; init; }

    /// <summary>
    /// Mask mode: the serialized unmasking evidence (SecureFed.Protocol.Masking
    /// .UnmaskingEvidence), which the coordinator spools and clears; null in HE mode.
    /// </summary>
    public byte[]? Unmasking { get; init; }

    /// <summary>An aborted round's outcome.</summary>
    public static RoundOutcome Aborted(string reason) => new(false, reason, [], []);
}
