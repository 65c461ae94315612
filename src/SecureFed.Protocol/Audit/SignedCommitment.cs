namespace SecureFed.Protocol.Audit;

/// <summary>A contribution entry's commitment: what the client signed about its upload.</summary>
/// <param name="Entry">The ledger entry's index.</param>
/// <param name="ClientId">The contributing client.</param>
/// <param name="Mode">1 for mask mode, 2 for HE mode (ContributionStatement).</param>
/// <param name="TotalLength">The contribution's length in bytes.</param>
/// <param name="Root">The RFC 6962 root over its 4096-byte chunks.</param>
internal sealed record SignedCommitment(long Entry, uint ClientId, byte Mode, long TotalLength, byte[] Root);
