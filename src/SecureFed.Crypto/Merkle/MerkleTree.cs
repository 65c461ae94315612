// Merkle hash trees of RFC 6962 section 2.1, as restated in RFC 9162 section 2.1.
// Leaf hash MTH({d}) = SHA-256(0x00 || d), node hash = SHA-256(0x01 || left || right),
// MTH of the empty list = SHA-256(""). A tree of n > 1 leaves splits at k, the largest
// power of two smaller than n. Inclusion and consistency proofs follow RFC 6962 sections
// 2.1.1 and 2.1.2; their verification follows RFC 9162 sections 2.1.3.2 and 2.1.4.2.
// Hashes are 32 bytes; a tree holds at most 2^63 - 1 leaves, so a path has at most 63 nodes.

using System.Numerics;
using System.Security.Cryptography;

namespace SecureFed.Crypto.Merkle;

/// <summary>
/// RFC 6962 Merkle tree hashing: roots, audit paths (inclusion proofs) and consistency
/// proofs over a list of leaf hashes, and their verification.
/// </summary>
public static class MerkleTree
{
    /// <summary>Size of every leaf and node hash in bytes (SHA-256).</summary>
    public const int HashSize = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    // A tree of at most 2^63 - 1 leaves has depth at most 63, hence so many proof nodes.
    private const int MaxProofLength = 63;

    /// <summary>Returns the leaf hash SHA-256(0x00 || <paramref name="data"/>).</summary>
    public static byte[] HashLeaf(ReadOnlySpan<byte> data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlySpan<byte> prefix = [LeafPrefix];
        hash.AppendData(prefix);
        hash.AppendData(data);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Computes the Merkle tree hash of <paramref name="leafHashes"/> in linear time and
    /// logarithmic extra memory. The root of an empty list is SHA-256 of the empty string.
    /// </summary>
    /// <exception cref="ArgumentNullException">The list or one of its hashes is null.</exception>
    /// <exception cref="ArgumentException">A leaf hash is not 32 bytes.</exception>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes)
    {
        ValidateLeaves(leafHashes);
        if (leafHashes.Count == 0)
        {
            return SHA256.HashData(ReadOnlySpan<byte>.Empty);
        }

        var root = new byte[HashSize];
        SubtreeRoot(leafHashes, 0, leafHashes.Count, root);
        return root;
    }

    /// <summary>
    /// Returns the audit path of the leaf at <paramref name="index"/> (RFC 6962 PATH), the
    /// sibling hashes from the leaf's level up to the root's children.
    /// </summary>
    /// <exception cref="ArgumentNullException">The list or one of its hashes is null.</exception>
    /// <exception cref="ArgumentException">A leaf hash is not 32 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The index is not that of a leaf.</exception>
    public static byte[][] InclusionProof(IReadOnlyList<byte[]> leafHashes, int index)
    {
        ValidateLeaves(leafHashes);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, leafHashes.Count);

        var path = new List<byte[]>();
        AppendPath(leafHashes, index, 0, leafHashes.Count, path);
        return [.. path];
    }

    /// <summary>
    /// Checks that <paramref name="proof"/> proves the leaf hash at <paramref name="index"/>
    /// of a tree of <paramref name="treeSize"/> leaves whose root is <paramref name="root"/>.
    /// The root is compared in fixed time.
    /// </summary>
    /// <returns>True when the proof holds; false for any malformed or wrong input.</returns>
    public static bool VerifyInclusion(
        ReadOnlySpan<byte> leafHash,
        long index,
        long treeSize,
        IReadOnlyList<byte[]> proof,
        ReadOnlySpan<byte> root)
    {
        if (!IsWellFormedProof(proof) || leafHash.Length != HashSize || root.Length != HashSize)
        {
            return false;
        }

        if (index < 0 || treeSize <= 0 || index >= treeSize)
        {
            return false;
        }

        Span<byte> computed = stackalloc byte[HashSize];
        leafHash.CopyTo(computed);
        long fn = index;
        long sn = treeSize - 1;
        foreach (var sibling in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                HashChildren(sibling, computed, computed);
                if ((fn & 1) == 0)
                {
                    // The node is a right-most one without a right sibling: climb past
                    // the levels where it is promoted unchanged.
                    int shift = fn == 0 ? 0 : BitOperations.TrailingZeroCount(fn);
                    fn >>= shift;
                    sn >>= shift;
                }
            }
            else
            {
                HashChildren(computed, sibling, computed);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(computed, root);
    }

    /// <summary>
    /// Returns the consistency proof (RFC 6962 PROOF) that the tree of the first
    /// <paramref name="oldSize"/> leaves is a prefix of the tree of all of them. The proof is
    /// empty when <paramref name="oldSize"/> is 0 or equals the number of leaves.
    /// </summary>
    /// <exception cref="ArgumentNullException">The list or one of its hashes is null.</exception>
    /// <exception cref="ArgumentException">A leaf hash is not 32 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="oldSize"/> is negative or larger than the number of leaves.
    /// </exception>
    public static byte[][] ConsistencyProof(IReadOnlyList<byte[]> leafHashes, int oldSize)
    {
        ValidateLeaves(leafHashes);
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, leafHashes.Count);

        var proof = new List<byte[]>();
        if (oldSize > 0 && oldSize < leafHashes.Count)
        {
            AppendSubproof(leafHashes, oldSize, 0, leafHashes.Count, true, proof);
        }

        return [.. proof];
    }

    /// <summary>
    /// Checks that <paramref name="proof"/> proves the tree of <paramref name="oldSize"/>
    /// leaves with root <paramref name="oldRoot"/> is a prefix of the tree of
    /// <paramref name="newSize"/> leaves with root <paramref name="newRoot"/>. Equal sizes
    /// need an empty proof and equal roots; an old size of 0 needs an empty proof and the
    /// empty tree's root. Roots are compared in fixed time.
    /// </summary>
    /// <returns>True when the proof holds; false for any malformed or wrong input.</returns>
    public static bool VerifyConsistency(
        long oldSize,
        long newSize,
        ReadOnlySpan<byte> oldRoot,
        ReadOnlySpan<byte> newRoot,
        IReadOnlyList<byte[]> proof)
    {
        if (!IsWellFormedProof(proof) || oldRoot.Length != HashSize || newRoot.Length != HashSize)
        {
            return false;
        }

        if (oldSize < 0 || newSize < oldSize)
        {
            return false;
        }

        if (oldSize == 0)
        {
            Span<byte> empty = stackalloc byte[HashSize];
            SHA256.HashData(ReadOnlySpan<byte>.Empty, empty);
            return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(oldRoot, empty);
        }

        if (oldSize == newSize)
        {
            return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(oldRoot, newRoot);
        }

        return VerifyProperConsistency(oldSize, newSize, oldRoot, newRoot, proof);
    }

    // RFC 9162 section 2.1.4.2 for 0 < oldSize < newSize.
    private static bool VerifyProperConsistency(
        long oldSize,
        long newSize,
        ReadOnlySpan<byte> oldRoot,
        ReadOnlySpan<byte> newRoot,
        IReadOnlyList<byte[]> proof)
    {
        if (proof.Count == 0)
        {
            return false;
        }

        // When the old tree is a complete subtree, its root is the proof's implicit start.
        bool oldIsPowerOfTwo = BitOperations.IsPow2(oldSize);
        int next = oldIsPowerOfTwo ? 0 : 1;
        ReadOnlySpan<byte> seed = oldIsPowerOfTwo ? oldRoot : proof[0];

        long fn = oldSize - 1;
        long sn = newSize - 1;
        int shift = BitOperations.TrailingZeroCount(~fn);
        fn >>= shift;
        sn >>= shift;

        Span<byte> fr = stackalloc byte[HashSize];
        Span<byte> sr = stackalloc byte[HashSize];
        seed.CopyTo(fr);
        seed.CopyTo(sr);
        for (int i = next; i < proof.Count; i++)
        {
            if (sn == 0)
            {
                return false;
            }

            var c = proof[i];
            if ((fn & 1) == 1 || fn == sn)
            {
                HashChildren(c, fr, fr);
                HashChildren(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    int climb = fn == 0 ? 0 : BitOperations.TrailingZeroCount(fn);
                    fn >>= climb;
                    sn >>= climb;
                }
            }
            else
            {
                HashChildren(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        // Both comparisons always run so that the time does not say which root differed.
        bool oldMatches = CryptographicOperations.FixedTimeEquals(fr, oldRoot);
        bool newMatches = CryptographicOperations.FixedTimeEquals(sr, newRoot);
        return sn == 0 & oldMatches & newMatches;
    }

    // RFC 6962 PATH(m, D[start:start+count]), appended from the leaf's level upwards.
    private static void AppendPath(
        IReadOnlyList<byte[]> leaves, int m, int start, int count, List<byte[]> path)
    {
        if (count == 1)
        {
            return;
        }

        int k = SplitPoint(count);
        var sibling = new byte[HashSize];
        if (m < k)
        {
            AppendPath(leaves, m, start, k, path);
            SubtreeRoot(leaves, start + k, count - k, sibling);
        }
        else
        {
            AppendPath(leaves, m - k, start + k, count - k, path);
            SubtreeRoot(leaves, start, k, sibling);
        }

        path.Add(sibling);
    }

    // RFC 6962 SUBPROOF(m, D[start:start+count], b).
    private static void AppendSubproof(
        IReadOnlyList<byte[]> leaves, int m, int start, int count, bool complete, List<byte[]> proof)
    {
        if (m == count)
        {
            if (!complete)
            {
                var whole = new byte[HashSize];
                SubtreeRoot(leaves, start, count, whole);
                proof.Add(whole);
            }

            return;
        }

        int k = SplitPoint(count);
        var other = new byte[HashSize];
        if (m <= k)
        {
            AppendSubproof(leaves, m, start, k, complete, proof);
            SubtreeRoot(leaves, start + k, count - k, other);
        }
        else
        {
            AppendSubproof(leaves, m - k, start + k, count - k, false, proof);
            SubtreeRoot(leaves, start, k, other);
        }

        proof.Add(other);
    }

    // MTH(D[start:start+count]) for count >= 1. Leaves are folded into a stack of perfect
    // subtrees (one per set bit of the count so far); the stack is then combined from the
    // right, which is exactly the RFC 6962 shape.
    private static void SubtreeRoot(
        IReadOnlyList<byte[]> leaves, int start, int count, Span<byte> destination)
    {
        Span<byte> stack = stackalloc byte[(MaxProofLength + 1) * HashSize];
        int depth = 0;
        for (int i = 0; i < count; i++)
        {
            leaves[start + i].CopyTo(stack.Slice(depth * HashSize, HashSize));
            depth++;
            for (int done = i + 1; (done & 1) == 0; done >>= 1)
            {
                var left = stack.Slice((depth - 2) * HashSize, HashSize);
                var right = stack.Slice((depth - 1) * HashSize, HashSize);
                HashChildren(left, right, left);
                depth--;
            }
        }

        while (depth > 1)
        {
            var left = stack.Slice((depth - 2) * HashSize, HashSize);
            var right = stack.Slice((depth - 1) * HashSize, HashSize);
            HashChildren(left, right, left);
            depth--;
        }

        stack[..HashSize].CopyTo(destination);
    }

    // SHA-256(0x01 || left || right); the destination may alias either input.
    private static void HashChildren(
        ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[1 + (2 * HashSize)];
        input[0] = NodePrefix;
        left.CopyTo(input.Slice(1, HashSize));
        right.CopyTo(input.Slice(1 + HashSize, HashSize));
        SHA256.HashData(input, destination);
    }

    // The largest power of two strictly smaller than n, for n >= 2.
    private static int SplitPoint(int n) => 1 << (31 - BitOperations.LeadingZeroCount((uint)(n - 1)));

    private static void ValidateLeaves(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        for (int i = 0; i < leafHashes.Count; i++)
        {
            var leaf = leafHashes[i]
                ?? throw new ArgumentNullException(nameof(leafHashes), $"Leaf hash {i} is null.");
            if (leaf.Length != HashSize)
            {
                throw new ArgumentException(
                    $"Leaf hash {i} is {leaf.Length} bytes; a leaf hash is {HashSize} bytes.",
                    nameof(leafHashes));
            }
        }
    }

    private static bool IsWellFormedProof(IReadOnlyList<byte[]>? proof)
    {
        if (proof is null || proof.Count > MaxProofLength)
        {
            return false;
        }

        foreach (var node in proof)
        {
            if (node is null || node.Length != HashSize)
            {
                return false;
            }
        }

        return true;
    }
}
