using SecureFed.Crypto.Merkle;
using SecureFed.Protocol.Contributions;

namespace SecureFed.Protocol.Tests.Contributions;

public class ContributionCommitmentTests
{
    private static byte[] Contribution(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(3 * 4096)]
    [InlineData((5 * 4096) + 17)]
    public void ComputeRoot_IsTheMerkleRootOf4096ByteChunks(int length)
    {
        var contribution = Contribution(length);
        var chunks = contribution.Chunk(ContributionCommitment.ChunkSize)
            .Select(c => MerkleTree.HashLeaf(c))
            .ToArray();

        Assert.Equal(MerkleTree.Root(chunks), ContributionCommitment.ComputeRoot(contribution));
        Assert.Equal(chunks.Length, ContributionCommitment.ChunkCount(length));
    }

    [Fact]
    public void ComputeRoot_OfEmptyContribution_IsTheEmptyTreeRoot()
    {
        Assert.Equal(MerkleTree.Root([]), ContributionCommitment.ComputeRoot([]));
    }

    [Fact]
    public void ComputeRoot_ChangesWithAnyByteOrTheLength()
    {
        var contribution = Contribution(3 * 4096);
        var root = ContributionCommitment.ComputeRoot(contribution);
        var flipped = (byte[])contribution.Clone();
        flipped[8191] ^= 1;

        Assert.NotEqual(root, ContributionCommitment.ComputeRoot(flipped));
        Assert.NotEqual(root, ContributionCommitment.ComputeRoot(contribution.AsSpan(0, contribution.Length - 1)));
    }

    [Fact]
    public void Hasher_GivesTheSameDigestForAnySplitOfTheInput()
    {
        var contribution = Contribution((7 * 4096) + 1234);
        var expected = ContributionCommitment.ComputeRoot(contribution);
        var random = new Random(7);
        foreach (int maxPiece in new[] { 1, 100, 4095, 4096, 4097, 20_000, contribution.Length })
        {
            var hasher = new ContributionHasher();
            int offset = 0;
            while (offset < contribution.Length)
            {
                int piece = Math.Min(random.Next(0, maxPiece + 1), contribution.Length - offset);
                hasher.Append(contribution.AsSpan(offset, piece));
                offset += piece;
            }

            var digest = hasher.Finish();

            Assert.Equal(expected, digest.Root);
            Assert.Equal(contribution.Length, digest.TotalLength);
            Assert.Equal(ContributionCommitment.LeafHashes(contribution), digest.LeafHashes);
        }
    }

    [Fact]
    public void Hasher_RefusesUseAfterFinish()
    {
        var hasher = new ContributionHasher();
        hasher.Append([1, 2, 3]);
        hasher.Finish();

        Assert.Throws<InvalidOperationException>(() => hasher.Append([4]));
        Assert.Throws<InvalidOperationException>(() => hasher.Finish());
    }

    [Fact]
    public void ChunkProof_VerifiesEveryChunk_AndRejectsWrongChunkIndexOrLength()
    {
        var contribution = Contribution((4 * 4096) + 100);
        var digest = Digest(contribution);
        int count = ContributionCommitment.ChunkCount(contribution.Length);
        for (int i = 0; i < count; i++)
        {
            var (offset, length) = ContributionCommitment.ChunkRange(contribution.Length, i);
            var chunk = contribution.AsSpan((int)offset, length);
            var proof = ContributionCommitment.ChunkProof(digest.LeafHashes, i);

            Assert.Equal(proof, ContributionCommitment.ChunkProof(contribution, i));
            Assert.True(ContributionCommitment.VerifyChunk(chunk, i, contribution.Length, proof, digest.Root));
            Assert.False(ContributionCommitment.VerifyChunk(
                chunk, (i + 1) % count, contribution.Length, proof, digest.Root));
            Assert.False(ContributionCommitment.VerifyChunk(
                chunk, i, contribution.Length * 4L, proof, digest.Root));
            Assert.False(ContributionCommitment.VerifyChunk(chunk[..^1], i, contribution.Length, proof, digest.Root));

            var tampered = chunk.ToArray();
            tampered[0] ^= 0x40;
            Assert.False(ContributionCommitment.VerifyChunk(tampered, i, contribution.Length, proof, digest.Root));
        }

        Assert.Equal(100, ContributionCommitment.ChunkRange(contribution.Length, 4).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => ContributionCommitment.ChunkRange(contribution.Length, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContributionCommitment.ChunkProof(digest.LeafHashes, 5));
    }

    private static ContributionDigest Digest(byte[] contribution)
    {
        var hasher = new ContributionHasher();
        hasher.Append(contribution);
        return hasher.Finish();
    }
}
