// The Merkle tree over the ledger (RFC 6962 hashing, see MerkleTree): leaf i is the
// leaf hash of entry i's 32-byte hash, so a tree head commits to the whole chain prefix.

using SecureFed.Crypto.Merkle;

namespace SecureFed.Protocol.Ledger;

/// <summary>Merkle roots and proofs over ledger entries.</summary>
public static class LedgerTree
{
    /// <summary>The Merkle leaf hash of an entry: HashLeaf of its entry hash.</summary>
    public static byte[] LeafHash(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return MerkleTree.HashLeaf(entry.Hash.Span);
    }

    /// <summary>The leaf hashes of the first <paramref name="treeSize"/> entries.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is beyond the entries.</exception>
    public static byte[][] LeafHashes(IReadOnlyList<LedgerEntry> entries, int treeSize)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(treeSize, entries.Count);
        var leaves = new byte[treeSize][];
        for (int i = 0; i < treeSize; i++)
        {
            leaves[i] = LeafHash(entries[i]);
        }

        return leaves;
    }

    /// <summary>The Merkle root of the first <paramref name="treeSize"/> entries.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is beyond the entries.</exception>
    public static byte[] Root(IReadOnlyList<LedgerEntry> entries, int treeSize) =>
        MerkleTree.Root(LeafHashes(entries, treeSize));

    /// <summary>
    /// The inclusion proof of entry <paramref name="index"/> in the tree of the first
    /// <paramref name="treeSize"/> entries.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index or size is out of range.</exception>
    public static byte[][] InclusionProof(IReadOnlyList<LedgerEntry> entries, int index, int treeSize) =>
        MerkleTree.InclusionProof(LeafHashes(entries, treeSize), index);

    /// <summary>
    /// The consistency proof from the tree of the first <paramref name="oldSize"/> entries to
    /// that of the first <paramref name="newSize"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public static byte[][] ConsistencyProof(IReadOnlyList<LedgerEntry> entries, int oldSize, int newSize) =>
        MerkleTree.ConsistencyProof(LeafHashes(entries, newSize), oldSize);
}
