// Commitments to contributions (a masked vector or a serialized CKKS ciphertext): the
// byte stream is cut into chunks of 4096 bytes, the last one possibly shorter, and the
// chunks are the leaves of an RFC 6962 Merkle tree (see MerkleTree). The root and the
// length, signed by the client, let an auditor later check any single chunk against it.

using SecureFed.Crypto.Merkle;

namespace SecureFed.Protocol.Contributions;

/// <summary>
/// The Merkle commitment of a contribution over its 4096-byte chunks, and per-chunk proofs.
/// </summary>
public static class ContributionCommitment
{
    /// <summary>Size of every chunk but the last, in bytes.</summary>
    public const int ChunkSize = 4096;

    /// <summary>
    /// Largest contribution in bytes: <see cref="int.MaxValue"/> chunks, since leaf positions
    /// are <see cref="int"/> in <see cref="MerkleTree"/>.
    /// </summary>
    public const long MaxLength = (long)int.MaxValue * ChunkSize;

    /// <summary>Computes the commitment root of a whole contribution.</summary>
    public static byte[] ComputeRoot(ReadOnlySpan<byte> contribution) =>
        MerkleTree.Root(LeafHashes(contribution));

    /// <summary>Returns the leaf hash of every chunk of <paramref name="contribution"/>.</summary>
    public static byte[][] LeafHashes(ReadOnlySpan<byte> contribution)
    {
        var leaves = new byte[ChunkCount(contribution.Length)][];
        for (int i = 0; i < leaves.Length; i++)
        {
            int start = i * ChunkSize;
            leaves[i] = MerkleTree.HashLeaf(
                contribution.Slice(start, Math.Min(ChunkSize, contribution.Length - start)));
        }

        return leaves;
    }

    /// <summary>Number of chunks of a contribution of <paramref name="totalLength"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The length is negative or larger than <see cref="MaxLength"/>.
    /// </exception>
    public static int ChunkCount(long totalLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(totalLength, MaxLength);
        return (int)((totalLength / ChunkSize) + (totalLength % ChunkSize == 0 ? 0 : 1));
    }

    /// <summary>
    /// Returns the inclusion proof of chunk <paramref name="chunkIndex"/> from the leaf
    /// hashes of a contribution (as <see cref="ContributionHasher.Finish"/> returns them).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such chunk.</exception>
    public static byte[][] ChunkProof(IReadOnlyList<byte[]> leafHashes, int chunkIndex) =>
        MerkleTree.InclusionProof(leafHashes, chunkIndex);

    /// <summary>Returns the inclusion proof of chunk <paramref name="chunkIndex"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such chunk.</exception>
    public static byte[][] ChunkProof(ReadOnlySpan<byte> contribution, int chunkIndex) =>
        MerkleTree.InclusionProof(LeafHashes(contribution), chunkIndex);

    /// <summary>
    /// Returns chunk <paramref name="chunkIndex"/> of a contribution of
    /// <paramref name="totalLength"/> bytes as an offset and a length.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such chunk.</exception>
    public static (long Offset, int Length) ChunkRange(long totalLength, int chunkIndex)
    {
        int count = ChunkCount(totalLength);
        ArgumentOutOfRangeException.ThrowIfNegative(chunkIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(chunkIndex, count);
        long offset = (long)chunkIndex * ChunkSize;
        return (offset, (int)Math.Min(ChunkSize, totalLength - offset));
    }

    /// <summary>
    /// Checks that <paramref name="chunk"/> is chunk <paramref name="chunkIndex"/> of the
    /// contribution of <paramref name="totalLength"/> bytes committed to by
    /// <paramref name="root"/>: it has the length that position implies, and the proof holds.
    /// </summary>
    /// <returns>True when the chunk is proven; false for any malformed or wrong input.</returns>
    public static bool VerifyChunk(
        ReadOnlySpan<byte> chunk,
        int chunkIndex,
        long totalLength,
        IReadOnlyList<byte[]> proof,
        ReadOnlySpan<byte> root)
    {
        if (totalLength <= 0 || totalLength > MaxLength || chunkIndex < 0)
        {
            return false;
        }

        int count = ChunkCount(totalLength);
        if (chunkIndex >= count || chunk.Length != ChunkRange(totalLength, chunkIndex).Length)
        {
            return false;
        }

        return MerkleTree.VerifyInclusion(MerkleTree.HashLeaf(chunk), chunkIndex, count, proof, root);
    }
}
