using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Participation;

/// <summary>What an enrolled participant acts with in a round.</summary>
/// <param name="FederationId">The federation's 16-byte id.</param>
/// <param name="ParticipantId">The id the appliance assigned at enrollment.</param>
/// <param name="SigningKey">The participant's Ed25519 protocol key (owned by the caller).</param>
/// <param name="Trust">The federation CA, to check other participants' keys.</param>
public sealed record ParticipantCredentials(
    byte[] FederationId,
    uint ParticipantId,
    Ed25519PrivateKey SigningKey,
    FederationTrust Trust);
