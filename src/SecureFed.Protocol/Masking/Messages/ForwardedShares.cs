namespace SecureFed.Protocol.Masking.Messages;

/// <summary>
/// Server to one client: the sealed shares its neighbours sent it in stage 2. Their senders
/// are the neighbours this client masks with.
/// </summary>
/// <param name="Round">Round number.</param>
/// <param name="SessionId">Session id.</param>
/// <param name="Recipient">The client these shares are for.</param>
/// <param name="Shares">Shares addressed to <paramref name="Recipient"/>, ascending by sender.</param>
public sealed record ForwardedShares(
    ulong Round,
    byte[] SessionId,
    uint Recipient,
    IReadOnlyList<EncryptedShare> Shares);
