namespace SecureFed.Protocol.Masking.Messages;

/// <summary>
/// Client to server, stage 5: for each neighbour that shared with it, the share of its
/// self-mask seed if it survived or of its mask key if it dropped out, never both.
/// </summary>
/// <param name="Round">Round number.</param>
/// <param name="ClientId">Sender.</param>
/// <param name="SessionId">Session id.</param>
/// <param name="Shares">Revealed shares, ascending by owner.</param>
public sealed record UnmaskResponse(
    ulong Round,
    uint ClientId,
    byte[] SessionId,
    IReadOnlyList<RevealedShare> Shares);
