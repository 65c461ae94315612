using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.He;

/// <summary>
/// Checks a client's signature over its contribution statement for a round: true when
/// <paramref name="evidence"/>'s signature verifies under <paramref name="clientKey"/> for
/// the statement (round, client id, HE mode, total length, root).
/// </summary>
/// <param name="round">The round the aggregate belongs to.</param>
/// <param name="evidence">The client's statement fields and signature.</param>
/// <param name="clientKey">The client's enrolled Ed25519 key.</param>
public delegate bool ContributionEvidenceVerifier(
    ulong round, ContributionEvidence evidence, Ed25519PublicKey clientKey);
