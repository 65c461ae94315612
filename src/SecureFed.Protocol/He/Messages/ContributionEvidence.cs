namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// One client's signed statement that it contributed to a round's aggregate: the fields of
/// the contribution statement and the client's signature over it.
/// </summary>
/// <param name="ClientId">The contributing client.</param>
/// <param name="Root">The 32-byte Merkle root of the client's contribution.</param>
/// <param name="TotalLength">The contribution's length, as the statement gives it.</param>
/// <param name="Signature">The client's Ed25519 signature over the statement.</param>
public sealed record ContributionEvidence(
    uint ClientId,
    byte[] Root,
    ulong TotalLength,
    byte[] Signature);
