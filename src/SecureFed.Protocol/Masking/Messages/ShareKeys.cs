namespace SecureFed.Protocol.Masking.Messages;

/// <summary>Client to server, stage 2: one sealed share per neighbour that advertised.</summary>
/// <param name="Round">Round number.</param>
/// <param name="ClientId">Sender.</param>
/// <param name="SessionId">Hash of the setup and all advertisements.</param>
/// <param name="Shares">One <see cref="EncryptedShare"/> per neighbour, ascending by recipient.</param>
public sealed record ShareKeys(
    ulong Round,
    uint ClientId,
    byte[] SessionId,
    IReadOnlyList<EncryptedShare> Shares);
