namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// Appliance to custodian: one commitment chunk of a contributor's spooled contribution with
/// its Merkle inclusion proof, for the custodian's spot-check of an aggregate.
/// </summary>
/// <param name="ClientId">The contributor.</param>
/// <param name="ChunkIndex">The chunk's index among the contribution's 4096-byte chunks.</param>
/// <param name="Chunk">The chunk's bytes.</param>
/// <param name="Proof">The RFC 6962 inclusion proof of the chunk under the signed root.</param>
public sealed record ContributionOpening(
    uint ClientId,
    int ChunkIndex,
    byte[] Chunk,
    IReadOnlyList<byte[]> Proof);
