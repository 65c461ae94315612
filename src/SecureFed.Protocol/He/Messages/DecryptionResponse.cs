namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// Custodian to appliance: its decryption share of every ciphertext of the aggregate, signed.
/// </summary>
/// <param name="CeremonyId">The ceremony.</param>
/// <param name="Round">The round of the request.</param>
/// <param name="CustodianId">Sender.</param>
/// <param name="Shares">One serialized CkksDecryptionShare per aggregate ciphertext, in order.</param>
/// <param name="Signature">
/// Ed25519 over the response transcript, which binds the request's aggregate and participants.
/// </param>
public sealed record DecryptionResponse(
    byte[] CeremonyId,
    ulong Round,
    uint CustodianId,
    IReadOnlyList<byte[]> Shares,
    byte[] Signature);
