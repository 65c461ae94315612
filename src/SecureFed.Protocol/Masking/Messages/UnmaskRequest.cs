namespace SecureFed.Protocol.Masking.Messages;

/// <summary>
/// Server to every client that signed, stage 5: the survivor set with the signatures
/// collected on it. A client answers only if at least t of its neighbours signed this set.
/// </summary>
/// <param name="Round">Round number.</param>
/// <param name="SessionId">Session id.</param>
/// <param name="Survivors">The survivor set, ascending.</param>
/// <param name="Signatures">Signatures over the survivor set, ascending by signer.</param>
public sealed record UnmaskRequest(
    ulong Round,
    byte[] SessionId,
    IReadOnlyList<uint> Survivors,
    IReadOnlyList<ConsistencySignature> Signatures);
