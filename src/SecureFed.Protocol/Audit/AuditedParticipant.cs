using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Identity;

namespace SecureFed.Protocol.Audit;

/// <summary>A participant as its enrollment entry records it.</summary>
/// <param name="Id">The participant id the appliance assigned.</param>
/// <param name="Identity">The identity the enrollment names.</param>
/// <param name="SigningKey">The enrolled Ed25519 signing key.</param>
/// <param name="Entry">The enrollment entry's index.</param>
/// <param name="Verified">Whether its certificate and certificate signature verified.</param>
internal sealed record AuditedParticipant(
    uint Id, ParticipantIdentity Identity, Ed25519PublicKey SigningKey, long Entry, bool Verified);
