using System.Security.Cryptography;
using SecureFed.Crypto.Merkle;

namespace SecureFed.Crypto.Tests.Merkle;

public class MerkleTreeTests
{
    private const int MaxExhaustiveSize = 20;

    private static byte[][] VectorLeafHashes(int count) =>
        [.. Rfc6962Vectors.LeafInputs.Take(count).Select(d => MerkleTree.HashLeaf(d))];

    private static byte[][] Hex(string[] hashes) => [.. hashes.Select(Convert.FromHexString)];

    private static byte[][] SyntheticLeafHashes(int count) =>
        [.. Enumerable.Range(0, count).Select(i => MerkleTree.HashLeaf(BitConverter.GetBytes(i * 7919)))];

    [Fact]
    public void HashLeaf_MatchesRfc6962TestTree()
    {
        for (int i = 0; i < Rfc6962Vectors.LeafInputs.Length; i++)
        {
            Assert.Equal(
                Rfc6962Vectors.LeafHashes[i],
                Convert.ToHexString(MerkleTree.HashLeaf(Rfc6962Vectors.LeafInputs[i])),
                ignoreCase: true);
        }
    }

    [Fact]
    public void Root_MatchesRfc6962TestTreeForEverySize()
    {
        for (int size = 0; size <= 8; size++)
        {
            Assert.Equal(
                Rfc6962Vectors.Roots[size],
                Convert.ToHexString(MerkleTree.Root(VectorLeafHashes(size))),
                ignoreCase: true);
        }
    }

    [Fact]
    public void Root_OfEmptyList_IsSha256OfNothing()
    {
        Assert.Equal(SHA256.HashData(ReadOnlySpan<byte>.Empty), MerkleTree.Root([]));
    }

    [Fact]
    public void Root_MatchesNaiveReferenceUpTo20Leaves_AndAtLargerOddSizes()
    {
        foreach (int size in Enumerable.Range(0, MaxExhaustiveSize + 1).Concat([63, 64, 65, 1000]))
        {
            var leaves = SyntheticLeafHashes(size);
            Assert.Equal(NaiveMerkle.Root(leaves), MerkleTree.Root(leaves));
        }
    }

    [Fact]
    public void InclusionProof_MatchesPublishedPaths()
    {
        var leaves = VectorLeafHashes(8);
        foreach (var (index, size, path) in Rfc6962Vectors.InclusionProofs)
        {
            var proof = MerkleTree.InclusionProof(leaves[..size], index);

            Assert.Equal(Hex(path), proof);
            Assert.True(MerkleTree.VerifyInclusion(
                leaves[index], index, size, proof, Convert.FromHexString(Rfc6962Vectors.Roots[size])));
        }
    }

    [Fact]
    public void InclusionProof_MatchesReferenceAndVerifies_ForEveryIndexAndSizeUpTo20()
    {
        var all = SyntheticLeafHashes(MaxExhaustiveSize);
        for (int size = 1; size <= MaxExhaustiveSize; size++)
        {
            var leaves = all[..size];
            var root = MerkleTree.Root(leaves);
            for (int index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(leaves, index);

                Assert.Equal(NaiveMerkle.Path(index, leaves), proof);
                Assert.True(MerkleTree.VerifyInclusion(leaves[index], index, size, proof, root));
            }
        }
    }

    [Fact]
    public void VerifyInclusion_RejectsWrongIndexSizeLeafRootOrTamperedProof()
    {
        var all = SyntheticLeafHashes(MaxExhaustiveSize);
        for (int size = 1; size <= MaxExhaustiveSize; size++)
        {
            var leaves = all[..size];
            var root = MerkleTree.Root(leaves);
            for (int index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(leaves, index);
                var leaf = leaves[index];

                for (int other = 0; other < size; other++)
                {
                    if (other != index && !leaves[other].AsSpan().SequenceEqual(leaf))
                    {
                        Assert.False(MerkleTree.VerifyInclusion(leaf, other, size, proof, root));
                    }
                }

                Assert.False(MerkleTree.VerifyInclusion(leaf, size, size, proof, root));
                Assert.False(MerkleTree.VerifyInclusion(leaf, -1, size, proof, root));
                Assert.False(MerkleTree.VerifyInclusion(leaf, index, size * 2, proof, root));
                Assert.False(MerkleTree.VerifyInclusion(leaf, index, 0, proof, root));

                var tamperedLeaf = (byte[])leaf.Clone();
                tamperedLeaf[3] ^= 0x01;
                Assert.False(MerkleTree.VerifyInclusion(tamperedLeaf, index, size, proof, root));

                var tamperedRoot = (byte[])root.Clone();
                tamperedRoot[31] ^= 0x80;
                Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, proof, tamperedRoot));

                for (int i = 0; i < proof.Length; i++)
                {
                    var tampered = proof.Select(p => (byte[])p.Clone()).ToArray();
                    tampered[i][0] ^= 0x08;
                    Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, tampered, root));
                }

                Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, [.. proof, root], root));
                if (proof.Length > 0)
                {
                    Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, proof[..^1], root));
                    Assert.False(MerkleTree.VerifyInclusion(
                        leaf, index, size, [.. proof[..^1], new byte[31]], root));
                }
            }
        }
    }

    [Fact]
    public void VerifyInclusion_RejectsEveryOtherSizeWithAnotherPathLength()
    {
        // The verifier sees only the shape of the path, so a size whose path for this index
        // has the same length and the same left/right turns (index 0 in sizes 3 and 4)
        // cannot be told apart; every other size must fail.
        var all = SyntheticLeafHashes(MaxExhaustiveSize);
        for (int size = 1; size <= MaxExhaustiveSize; size++)
        {
            var root = MerkleTree.Root(all[..size]);
            for (int index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(all[..size], index);
                for (int otherSize = 1; otherSize <= MaxExhaustiveSize; otherSize++)
                {
                    if (index < otherSize && NaiveMerkle.Path(index, all[..otherSize]).Length != proof.Length)
                    {
                        Assert.False(MerkleTree.VerifyInclusion(all[index], index, otherSize, proof, root));
                    }
                }
            }
        }
    }

    [Fact]
    public void ConsistencyProof_MatchesPublishedProofs()
    {
        var leaves = VectorLeafHashes(8);
        foreach (var (oldSize, newSize, expected) in Rfc6962Vectors.ConsistencyProofs)
        {
            var proof = MerkleTree.ConsistencyProof(leaves[..newSize], oldSize);

            Assert.Equal(Hex(expected), proof);
            Assert.True(MerkleTree.VerifyConsistency(
                oldSize,
                newSize,
                Convert.FromHexString(Rfc6962Vectors.Roots[oldSize]),
                Convert.FromHexString(Rfc6962Vectors.Roots[newSize]),
                proof));
        }
    }

    [Fact]
    public void ConsistencyProof_MatchesReferenceAndVerifies_ForEverySizePairUpTo20()
    {
        var all = SyntheticLeafHashes(MaxExhaustiveSize);
        for (int newSize = 0; newSize <= MaxExhaustiveSize; newSize++)
        {
            var leaves = all[..newSize];
            var newRoot = MerkleTree.Root(leaves);
            for (int oldSize = 0; oldSize <= newSize; oldSize++)
            {
                var oldRoot = MerkleTree.Root(all[..oldSize]);
                var proof = MerkleTree.ConsistencyProof(leaves, oldSize);

                Assert.Equal(NaiveMerkle.Consistency(oldSize, leaves), proof);
                Assert.True(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, proof));
            }
        }
    }

    [Fact]
    public void VerifyConsistency_RejectsWrongSizesRootsOrTamperedProof()
    {
        var all = SyntheticLeafHashes(MaxExhaustiveSize);
        for (int newSize = 2; newSize <= MaxExhaustiveSize; newSize++)
        {
            var newRoot = MerkleTree.Root(all[..newSize]);
            for (int oldSize = 1; oldSize < newSize; oldSize++)
            {
                var oldRoot = MerkleTree.Root(all[..oldSize]);
                var proof = MerkleTree.ConsistencyProof(all[..newSize], oldSize);

                for (int otherOld = 0; otherOld <= newSize; otherOld++)
                {
                    if (otherOld != oldSize)
                    {
                        Assert.False(MerkleTree.VerifyConsistency(otherOld, newSize, oldRoot, newRoot, proof));
                    }
                }

                // As for inclusion, only the proof's shape binds the new size: sizes whose
                // proof has another length must fail.
                var longer = SyntheticLeafHashes(2 * MaxExhaustiveSize);
                for (int otherNew = oldSize; otherNew <= longer.Length; otherNew++)
                {
                    if (NaiveMerkle.Consistency(oldSize, longer[..otherNew]).Length != proof.Length)
                    {
                        Assert.False(MerkleTree.VerifyConsistency(oldSize, otherNew, oldRoot, newRoot, proof));
                    }
                }

                Assert.False(MerkleTree.VerifyConsistency(oldSize, newSize, newRoot, oldRoot, proof));
                Assert.False(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, []));
                Assert.False(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, [.. proof, oldRoot]));
                Assert.False(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, [oldRoot, .. proof]));
                Assert.False(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, proof[..^1]));

                for (int i = 0; i < proof.Length; i++)
                {
                    var tampered = proof.Select(p => (byte[])p.Clone()).ToArray();
                    tampered[i][0] ^= 0x10;
                    Assert.False(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, tampered));
                }
            }
        }
    }

    [Fact]
    public void VerifyConsistency_EdgeSizes_NeedEmptyProofAndMatchingRoots()
    {
        var leaves = SyntheticLeafHashes(5);
        var root = MerkleTree.Root(leaves);
        var empty = MerkleTree.Root([]);
        var other = MerkleTree.Root(leaves[..4]);

        Assert.True(MerkleTree.VerifyConsistency(0, 5, empty, root, []));
        Assert.False(MerkleTree.VerifyConsistency(0, 5, other, root, []));
        Assert.False(MerkleTree.VerifyConsistency(0, 5, empty, root, [empty]));
        Assert.True(MerkleTree.VerifyConsistency(5, 5, root, root, []));
        Assert.False(MerkleTree.VerifyConsistency(5, 5, root, other, []));
        Assert.False(MerkleTree.VerifyConsistency(5, 5, root, root, [root]));
        Assert.False(MerkleTree.VerifyConsistency(5, 4, root, other, []));
        Assert.False(MerkleTree.VerifyConsistency(-1, 4, root, other, []));
        Assert.False(MerkleTree.VerifyConsistency(5, 5, root.AsSpan(0, 31), root, []));
    }

    [Fact]
    public void PublicEntryPoints_RejectMalformedLeavesAndIndices()
    {
        var leaves = SyntheticLeafHashes(4);

        Assert.Throws<ArgumentNullException>(() => MerkleTree.Root(null!));
        Assert.Throws<ArgumentException>(() => MerkleTree.Root([leaves[0], new byte[31]]));
        Assert.Throws<ArgumentNullException>(() => MerkleTree.Root([leaves[0], null!]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProof(leaves, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProof(leaves, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProof([], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyProof(leaves, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyProof(leaves, -1));
        Assert.False(MerkleTree.VerifyInclusion(leaves[0], 0, 1, null!, leaves[0]));
        Assert.False(MerkleTree.VerifyInclusion(leaves[0], 0, 2, [null!], leaves[0]));
    }

    [Fact]
    public void Root_Of100kLeaves_MatchesReferenceAndEveryProofSpotCheckVerifies()
    {
        var leaves = SyntheticLeafHashes(100_003);
        var root = MerkleTree.Root(leaves);

        Assert.Equal(NaiveMerkle.Root(leaves), root);
        foreach (int index in new[] { 0, 1, 65_535, 65_536, 99_999, 100_002 })
        {
            var proof = MerkleTree.InclusionProof(leaves, index);
            Assert.True(MerkleTree.VerifyInclusion(leaves[index], index, leaves.Length, proof, root));
        }

        var consistency = MerkleTree.ConsistencyProof(leaves, 70_000);
        Assert.True(MerkleTree.VerifyConsistency(
            70_000, leaves.Length, MerkleTree.Root(leaves[..70_000]), root, consistency));
    }
}
