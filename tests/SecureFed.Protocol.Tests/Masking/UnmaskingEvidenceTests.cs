using SecureFed.Protocol.Masking;

namespace SecureFed.Protocol.Tests.Masking;

public class UnmaskingEvidenceTests
{
    [Fact]
    public void Finish_KeepingEvidenceWithADropoutAfterSharing_CorrectionsStripEveryMask()
    {
        using var round = new RoundHarness(10, 40, 24, 6, 4, keepUnmaskingEvidence: true);
        uint[] dropped = [round.Ids[3]];
        var live = round.Live(dropped);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        round.MaskStage(live);
        round.ConsistencyStage(live);

        var result = round.UnmaskStage(live);

        using var evidence = result.Unmasking!;
        Assert.Equal(live.Length, evidence.Masks.Count(m => m.IsSelfMask));
        Assert.Contains(evidence.Masks, m => !m.IsSelfMask && m.Owner == dropped[0] && live.Contains(m.Peer));
        long[] coordinates = [.. Enumerable.Range(0, 40).Select(c => (long)c)];
        ulong[] sum = evidence.CorrectionsAt(coordinates);
        foreach (uint id in live)
        {
            PackedVector.AddTo(round.Masked[id], sum, 24);
        }

        Assert.Equal(result.Sum, sum);
    }

    [Fact]
    public void Finish_ByDefault_KeepsNoEvidence()
    {
        using var round = new RoundHarness(6, 10, 16, 5, 3);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        round.MaskStage(round.Ids);
        round.ConsistencyStage(round.Ids);

        var result = round.UnmaskStage(round.Ids);

        Assert.Null(result.Unmasking);
    }

    [Fact]
    public void Parse_SerializedEvidence_RoundTrips()
    {
        using var evidence = Sample();

        using var parsed = UnmaskingEvidence.Parse(evidence.Serialize());

        Assert.Equal(evidence.Round, parsed.Round);
        Assert.Equal(evidence.Dimension, parsed.Dimension);
        Assert.Equal(evidence.Bits, parsed.Bits);
        Assert.Equal(evidence.Serialize(), parsed.Serialize());
        Assert.Equal(evidence.CorrectionsAt([0, 5, 99]), parsed.CorrectionsAt([0, 5, 99]));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Parse_WrongLength_ThrowsFormatException(int change)
    {
        using var evidence = Sample();
        byte[] bytes = evidence.Serialize();

        Assert.Throws<FormatException>(() => UnmaskingEvidence.Parse(change < 0 ? bytes[..^1] : [.. bytes, 0]));
    }

    [Fact]
    public void Parse_WrongMagic_ThrowsFormatException()
    {
        using var evidence = Sample();
        byte[] bytes = evidence.Serialize();
        bytes[0] ^= 0xFF;

        Assert.Throws<FormatException>(() => UnmaskingEvidence.Parse(bytes));
    }

    [Fact]
    public void CorrectionsAt_AfterDispose_Throws()
    {
        var evidence = Sample();
        evidence.Dispose();

        Assert.Throws<ObjectDisposedException>(() => evidence.CorrectionsAt([0]));
    }

    [Fact]
    public void ToString_NeverShowsTheSeed()
    {
        using var evidence = Sample();

        Assert.DoesNotContain("0x", evidence.Masks[1].ToString(), StringComparison.Ordinal);
        Assert.Equal("RevealedMask(pair mask of dropped client 4 and survivor 2)", evidence.Masks[1].ToString());
    }

    private static UnmaskingEvidence Sample() => new(
        3,
        100,
        20,
        [
            new RevealedMask(2, 2, false, Seed(1)),
            new RevealedMask(4, 2, true, Seed(2)),
        ]);

    private static byte[] Seed(byte fill) => Enumerable.Repeat(fill, 32).ToArray();
}
