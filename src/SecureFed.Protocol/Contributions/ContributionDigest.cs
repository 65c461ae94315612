namespace SecureFed.Protocol.Contributions;

/// <summary>What <see cref="ContributionHasher"/> found over a whole contribution.</summary>
/// <param name="Root">The commitment root, 32 bytes.</param>
/// <param name="TotalLength">The contribution's length in bytes.</param>
/// <param name="LeafHashes">The leaf hash of every chunk, in order, for later chunk proofs.</param>
public sealed record ContributionDigest(byte[] Root, long TotalLength, IReadOnlyList<byte[]> LeafHashes);
