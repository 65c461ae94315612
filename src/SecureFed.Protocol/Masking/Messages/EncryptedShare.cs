namespace SecureFed.Protocol.Masking.Messages;

/// <summary>
/// One client's Shamir shares of its self-mask seed and mask key, sealed with AES-256-GCM for
/// one neighbour. Only the recipient can open it; the server relays it.
/// </summary>
/// <param name="Sender">The client whose secrets are shared.</param>
/// <param name="Recipient">The neighbour who holds the shares.</param>
/// <param name="Ciphertext">nonce || ciphertext || tag.</param>
public sealed record EncryptedShare(uint Sender, uint Recipient, byte[] Ciphertext);
