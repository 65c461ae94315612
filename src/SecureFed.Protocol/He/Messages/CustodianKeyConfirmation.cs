namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// One custodian's signed confirmation of a completed ceremony's collective key, as the
/// appliance keeps it and hands it to clients and auditors. The ceremony id and the key hash
/// it confirms come with the ceremony, so only the signer and the signature travel.
/// </summary>
/// <param name="CustodianId">The custodian that signed.</param>
/// <param name="Signature">
/// Its Ed25519 signature over the confirmation transcript (see
/// <see cref="CollectiveKeyVerifier"/>).
/// </param>
public sealed record CustodianKeyConfirmation(uint CustodianId, byte[] Signature);
