namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// One custodian's Shamir share f_i(j) of its secret s_i, sealed with AES-256-GCM for
/// custodian j and signed by its sender. Only the recipient can open it; the appliance
/// relays it.
/// </summary>
/// <param name="CeremonyId">The ceremony.</param>
/// <param name="Sender">i, whose secret is shared.</param>
/// <param name="Recipient">j, who holds the share.</param>
/// <param name="Ciphertext">nonce || ciphertext || tag.</param>
/// <param name="Signature">Ed25519 of the sender over the sealed-share transcript.</param>
public sealed record SealedKeyShare(
    byte[] CeremonyId,
    uint Sender,
    uint Recipient,
    byte[] Ciphertext,
    byte[] Signature);
