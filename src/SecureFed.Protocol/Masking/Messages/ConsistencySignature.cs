namespace SecureFed.Protocol.Masking.Messages;

/// <summary>Client to server, stage 4: the client's signature over the survivor set.</summary>
/// <param name="Round">Round number.</param>
/// <param name="ClientId">Signer.</param>
/// <param name="SessionId">Session id.</param>
/// <param name="Signature">Ed25519 signature over the survivor-set transcript.</param>
public sealed record ConsistencySignature(ulong Round, uint ClientId, byte[] SessionId, byte[] Signature);
