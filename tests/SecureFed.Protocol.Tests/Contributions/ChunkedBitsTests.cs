using SecureFed.Protocol.Contributions;

namespace SecureFed.Protocol.Tests.Contributions;

public class ChunkedBitsTests
{
    [Theory]
    [InlineData(20)]
    [InlineData(61)]
    [InlineData(64)]
    public void Read_FieldsAcrossAChunkBoundary_MatchTheWholeStream(int bits)
    {
        var random = new Random(bits);
        var stream = new byte[(2 * ContributionCommitment.ChunkSize) + 100];
        random.NextBytes(stream);
        const int Size = ContributionCommitment.ChunkSize;
        ReadOnlyMemory<byte> Chunk(int index) =>
            stream.AsMemory(index * Size, Math.Min(Size, stream.Length - (index * Size)));

        for (long offset = (8L * Size) - 70; offset < (8L * Size) + 8; offset++)
        {
            ulong whole = ChunkedBits.Read(stream, offset, bits);
            Assert.Equal(whole, ChunkedBits.Read(Chunk, offset, bits));
            if (bits < 64)
            {
                Assert.True(whole < 1UL << bits);
            }
        }
    }

    [Fact]
    public void ChunksOf_FieldStraddlingTheBoundary_NamesBothChunks()
    {
        Assert.Equal((0, 1), ChunkedBits.ChunksOf((8L * ContributionCommitment.ChunkSize) - 4, 8));
        Assert.Equal((1, 1), ChunkedBits.ChunksOf(8L * ContributionCommitment.ChunkSize, 8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Read_WidthOutOfRange_Throws(int bits) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkedBits.Read(new byte[16], 0, bits));
}
