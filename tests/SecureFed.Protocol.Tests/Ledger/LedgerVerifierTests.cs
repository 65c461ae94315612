using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Protocol.Tests.Ledger;

public sealed class LedgerVerifierTests : IDisposable
{
    private const int Count = 50;
    private const int Target = 23;

    private readonly Ed25519PrivateKey _key = Ed25519PrivateKey.Generate();
    private readonly Ed25519PrivateKey _other = Ed25519PrivateKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _other.Dispose();
    }

    private void AssertFails(List<LedgerEntry> entries, LedgerFailure failure, int index)
    {
        var report = LedgerVerifier.Verify(entries, _key.PublicKey);

        Assert.False(report.Ok);
        Assert.Equal(failure, report.Failure);
        Assert.Equal(index, report.FirstBadIndex);
        Assert.Contains(index.ToString(System.Globalization.CultureInfo.InvariantCulture), report.Message);
    }

    [Fact]
    public void Verify_AChainOf50Entries_Verifies()
    {
        var entries = LedgerFixture.Build(_key, Count);

        var report = LedgerVerifier.Verify(entries, _key.PublicKey);

        Assert.True(report.Ok);
        Assert.Null(report.FirstBadIndex);
        Assert.Equal(LedgerFailure.None, report.Failure);
        Assert.True(entries[0].PreviousHash.Span.SequenceEqual(new byte[32]));
        Assert.True(LedgerVerifier.Verify([], _key.PublicKey).Ok);
    }

    [Fact]
    public void Verify_UnderAnotherKey_FailsAtEntry0()
    {
        var entries = LedgerFixture.Build(_key, Count);

        var report = LedgerVerifier.Verify(entries, _other.PublicKey);

        Assert.Equal(LedgerFailure.BadSignature, report.Failure);
        Assert.Equal(0, report.FirstBadIndex);
    }

    [Fact]
    public void Verify_ATamperedPayloadByte_IsABadHashAtThatEntry()
    {
        var entries = LedgerFixture.Build(_key, Count);
        var payload = entries[Target].Payload.ToArray();
        payload[2] ^= 0x01;
        entries[Target] = LedgerFixture.Forge(entries[Target], payload: payload);

        AssertFails(entries, LedgerFailure.BadHash, Target);
    }

    [Fact]
    public void Verify_AChangedKind_IsABadHashAtThatEntry()
    {
        var entries = LedgerFixture.Build(_key, Count);
        entries[Target] = LedgerFixture.Forge(entries[Target], kind: "round.closed.x");

        AssertFails(entries, LedgerFailure.BadHash, Target);
    }

    [Fact]
    public void Verify_AChangedTimestamp_IsABadHashAtThatEntry()
    {
        var entries = LedgerFixture.Build(_key, Count);
        entries[Target] = LedgerFixture.Forge(entries[Target], timestamp: entries[Target].TimestampUnixMs + 1);

        AssertFails(entries, LedgerFailure.BadHash, Target);
    }

    [Fact]
    public void Verify_ARemovedEntry_IsAnIndexGapWhereItWas()
    {
        var entries = LedgerFixture.Build(_key, Count);
        entries.RemoveAt(Target);

        AssertFails(entries, LedgerFailure.IndexGap, Target);
    }

    [Fact]
    public void Verify_ARemovedFirstEntry_IsAnIndexGapAt0()
    {
        var entries = LedgerFixture.Build(_key, Count);
        entries.RemoveAt(0);

        AssertFails(entries, LedgerFailure.IndexGap, 0);
    }

    [Fact]
    public void Verify_AReorderedPair_IsAnIndexGapAtTheFirstOfThem()
    {
        var entries = LedgerFixture.Build(_key, Count);
        (entries[Target], entries[Target + 1]) = (entries[Target + 1], entries[Target]);

        AssertFails(entries, LedgerFailure.IndexGap, Target);
    }

    [Fact]
    public void Verify_AnEntrySignedByAnotherKey_IsABadSignatureAtThatEntry()
    {
        var entries = LedgerFixture.Build(_key, Count);
        entries[Target] = LedgerFixture.Resign(_other, entries[Target]);

        AssertFails(entries, LedgerFailure.BadSignature, Target);
    }

    [Fact]
    public void Verify_AReplacedPreviousHash_EvenResignedByTheLedgerKey_IsABrokenChain()
    {
        var entries = LedgerFixture.Build(_key, Count);
        var wrongPrevious = entries[Target - 2].Hash.ToArray();
        entries[Target] = LedgerFixture.Resign(_key, entries[Target], previousHash: wrongPrevious);

        AssertFails(entries, LedgerFailure.BrokenChain, Target);
    }

    [Fact]
    public void Verify_ANonZeroPreviousHashOnEntry0_IsABrokenChain()
    {
        var entries = LedgerFixture.Build(_key, Count);
        var notZeros = new byte[32];
        notZeros[31] = 1;
        entries[0] = LedgerFixture.Resign(_key, entries[0], previousHash: notZeros);

        AssertFails(entries, LedgerFailure.BrokenChain, 0);
    }

    [Fact]
    public void Verify_TimeGoingBackwards_EvenResignedByTheLedgerKey_IsDetected()
    {
        var entries = LedgerFixture.Build(_key, Count);
        var earlier = LedgerFixture.Resign(_key, entries[Target], timestamp: entries[Target - 1].TimestampUnixMs - 1);
        entries[Target] = earlier;

        // The next entry links to the replaced one's old hash, but the first fault is the time.
        AssertFails(entries, LedgerFailure.TimeBackwards, Target);
    }

    [Fact]
    public void Chain_RefusesTimeGoingBackwards_AndAForgedLastEntry()
    {
        var entries = LedgerFixture.Build(_key, 3);
        var chain = new LedgerChain(_key, entries[^1]);

        Assert.Equal(3UL, chain.NextIndex);
        Assert.Throws<ArgumentException>(() => chain.Append("round.opened", "{}"u8, entries[^1].TimestampUnixMs - 1));
        Assert.Equal(entries[^1], chain.Last);
        Assert.Throws<ArgumentException>(() => new LedgerChain(_other, entries[^1]));
        Assert.Throws<ArgumentException>(() => new LedgerChain(_key, LedgerFixture.Forge(entries[^1], kind: "x")));

        var next = chain.Append("round.opened", "{}"u8, entries[^1].TimestampUnixMs);
        Assert.Equal(3UL, next.Index);
        Assert.True(next.PreviousHash.Span.SequenceEqual(entries[^1].Hash.Span));
        Assert.True(LedgerVerifier.Verify([.. entries, next], _key.PublicKey).Ok);
    }

    [Fact]
    public void Entry_RejectsMalformedFields()
    {
        var zeros = new byte[32];
        var signature = new byte[64];

        Assert.Throws<ArgumentException>(() => new LedgerEntry(0, new byte[31], 0, "a", [], zeros, signature));
        Assert.Throws<ArgumentException>(() => new LedgerEntry(0, zeros, -1, "a", [], zeros, signature));
        Assert.Throws<ArgumentException>(() => new LedgerEntry(0, zeros, 0, "", [], zeros, signature));
        Assert.Throws<ArgumentException>(() => new LedgerEntry(0, zeros, 0, "Round", [], zeros, signature));
        Assert.Throws<ArgumentException>(() => new LedgerEntry(0, zeros, 0, "a b", [], zeros, signature));
        Assert.Throws<ArgumentException>(() => new LedgerEntry(0, zeros, 0, "a", [], new byte[33], signature));
        Assert.Throws<ArgumentException>(() => new LedgerEntry(0, zeros, 0, "a", [], zeros, new byte[63]));
        Assert.Throws<ArgumentException>(
            () => new LedgerEntry(0, zeros, 0, "a", new byte[LedgerEntry.MaxPayloadSize + 1], zeros, signature));
    }
}
