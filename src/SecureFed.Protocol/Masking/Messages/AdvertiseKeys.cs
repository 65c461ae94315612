namespace SecureFed.Protocol.Masking.Messages;

/// <summary>
/// Client to server, stage 1: the client's two ephemeral X25519 public keys, signed with its
/// enrolled Ed25519 identity over the setup hash.
/// </summary>
/// <param name="Round">Round number.</param>
/// <param name="ClientId">Sender.</param>
/// <param name="CipherPublicKey">Key for encrypting shares to this client.</param>
/// <param name="MaskPublicKey">Key for the pairwise masks.</param>
/// <param name="Signature">Ed25519 signature over the advertisement transcript.</param>
public sealed record AdvertiseKeys(
    ulong Round,
    uint ClientId,
    byte[] CipherPublicKey,
    byte[] MaskPublicKey,
    byte[] Signature);
