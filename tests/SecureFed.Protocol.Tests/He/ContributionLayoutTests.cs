using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.He;

namespace SecureFed.Protocol.Tests.He;

public class ContributionLayoutTests
{
    // Primes of three widths, so that rows start at byte offsets that are not multiples of 8
    // and residues straddle words and commitment chunks at many phases. Not secure.
    private static readonly CkksContext Context =
        new(CkksParameters.UnsafeCreateWithoutSecurityCheck(4096, [60, 51, 45]));

    [Fact]
    public void Read_EveryPositionOfRandomCiphertexts_EqualsTheDeserializedResidue()
    {
        (byte[] contribution, CkksCiphertext[] ciphertexts) = RandomContribution(ciphertextCount: 2, seed: 1);
        var layout = new ContributionLayout(Context, 2);
        Assert.Equal(contribution.Length, layout.TotalLength);

        int straddling = 0;
        for (long index = 0; index < layout.PositionCount; index++)
        {
            CoefficientPosition position = layout.PositionAt(index);
            ulong expected = Residue(ciphertexts, position);
            Assert.Equal(expected, layout.Read(contribution, position));

            // From the commitment chunks, asking only for those ChunksOf names.
            (int first, int last) = layout.ChunksOf(position);
            straddling += first == last ? 0 : 1;
            ulong fromChunks = layout.Read(
                chunk =>
                {
                    Assert.InRange(chunk, first, last);
                    (long offset, int length) = ContributionCommitment.ChunkRange(contribution.Length, chunk);
                    return contribution.AsMemory((int)offset, length);
                },
                position);
            Assert.Equal(expected, fromChunks);
        }

        Assert.True(straddling > 10, $"only {straddling} residues straddle a chunk boundary");
    }

    [Fact]
    public void Locate_FirstResidue_FollowsTheCiphertextPrefix()
    {
        var layout = new ContributionLayout(Context, 3);

        // Header (18 bytes), scale (8) and encoding (1) precede c0's first row.
        Assert.Equal((27L * 8, 60), layout.Locate(new CoefficientPosition(0, 0, 0, 0)));
        Assert.Equal(
            (8L * (27 + layout.CiphertextSize), 60), layout.Locate(new CoefficientPosition(1, 0, 0, 0)));
        Assert.Equal(
            ((27L * 8) + (4096L * 60) + (5 * 51), 51), layout.Locate(new CoefficientPosition(0, 0, 1, 5)));
    }

    [Fact]
    public void PositionAt_IsTheInverseOfStreamOrder()
    {
        var layout = new ContributionLayout(Context, 2);
        long previous = -1;
        foreach (long index in new long[] { 0, 1, 4095, 4096, 12287, 12288, layout.PositionCount - 1 })
        {
            (long offset, _) = layout.Locate(layout.PositionAt(index));
            Assert.True(offset > previous);
            previous = offset;
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => layout.PositionAt(layout.PositionCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Locate(new CoefficientPosition(2, 0, 0, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Locate(new CoefficientPosition(0, 2, 0, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Locate(new CoefficientPosition(0, 0, 3, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Locate(new CoefficientPosition(0, 0, 0, 4096)));
    }

    private static (byte[] Contribution, CkksCiphertext[] Ciphertexts) RandomContribution(int ciphertextCount, int seed)
    {
        using CkksSecretKey secret = CkksSecretKey.Generate(Context);
        var encoder = new HeContributionEncoder(Context, CkksPublicKey.Generate(secret), scaleBits: 40);
        long[] values = HeHarness.RandomVector(new Random(seed), ciphertextCount * Context.RingDegree, 1L << 30);
        IReadOnlyList<byte[]> serialized = encoder.Encrypt(values);
        CkksCiphertext[] parsed = [.. serialized.Select(bytes => CkksSerializer.DeserializeCiphertext(Context, bytes))];
        return (serialized.SelectMany(bytes => bytes).ToArray(), parsed);
    }

    private static ulong Residue(CkksCiphertext[] ciphertexts, CoefficientPosition position)
    {
        CkksCiphertext ciphertext = ciphertexts[position.Ciphertext];
        RnsPolynomial component = position.Component == 0 ? ciphertext.C0 : ciphertext.C1;
        return component.Residues(position.Residue)[position.Coefficient];
    }
}
