namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// Custodian to appliance, ceremony round 1: the custodian's ephemeral X25519 key for the
/// sealed share channels and its public key share b_i, signed with its enrolled Ed25519 key.
/// </summary>
/// <param name="CeremonyId">The ceremony.</param>
/// <param name="CustodianId">Sender.</param>
/// <param name="CipherPublicKey">32-byte X25519 public key, fresh for this ceremony.</param>
/// <param name="PublicKeyShare">b_i = -a s_i + e_i, a polynomial in CkksSerializer's format.</param>
/// <param name="Signature">Ed25519 over the advertisement transcript.</param>
public sealed record CustodianAdvertisement(
    byte[] CeremonyId,
    uint CustodianId,
    byte[] CipherPublicKey,
    byte[] PublicKeyShare,
    byte[] Signature);
