namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// Custodian to appliance, ceremony round 3: the custodian holds its threshold key share and
/// computed this collective public key.
/// </summary>
/// <param name="CeremonyId">The ceremony.</param>
/// <param name="CustodianId">Sender.</param>
/// <param name="CollectivePublicKeyHash">SHA-256 of the serialized collective public key.</param>
/// <param name="Signature">Ed25519 over the confirmation transcript.</param>
public sealed record CeremonyConfirmation(
    byte[] CeremonyId,
    uint CustodianId,
    byte[] CollectivePublicKeyHash,
    byte[] Signature);
