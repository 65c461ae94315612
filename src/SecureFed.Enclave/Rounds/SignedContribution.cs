using SecureFed.Protocol.Contributions;

namespace SecureFed.Enclave.Rounds;

/// <summary>A contribution's statement with the client's Ed25519 signature over it.</summary>
/// <param name="Statement">Round, client, mode, length and Merkle root.</param>
/// <param name="Signature">The client's 64-byte signature over the statement's encoding.</param>
public sealed record SignedContribution(ContributionStatement Statement, byte[] Signature);
