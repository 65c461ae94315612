using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Identity;

namespace SecureFed.Enclave.Storage;

/// <summary>A client or custodian the appliance has enrolled.</summary>
/// <param name="Id">The participant id the protocols use.</param>
/// <param name="Identity">Role and name, from the federation certificate.</param>
/// <param name="SigningKey">The Ed25519 key that signs the participant's protocol messages.</param>
/// <param name="Certificate">The DER certificate the participant enrolled with.</param>
/// <param name="CertificateSignature">The certificate key's signature over the enrollment.</param>
/// <param name="LedgerIndex">The ledger entry that records the enrollment.</param>
public sealed record EnrolledParticipant(
    uint Id,
    ParticipantIdentity Identity,
    Ed25519PublicKey SigningKey,
    byte[] Certificate,
    byte[] CertificateSignature,
    ulong LedgerIndex);
