using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Protocol.Tests.Ledger;

public sealed class LedgerReceiptTests : IDisposable
{
    private readonly Ed25519PrivateKey _key = Ed25519PrivateKey.Generate();
    private readonly Ed25519PrivateKey _other = Ed25519PrivateKey.Generate();
    private readonly List<LedgerEntry> _entries;
    private readonly LedgerCheckpoint _checkpoint;

    public LedgerReceiptTests()
    {
        _entries = LedgerFixture.Build(_key, 50);
        _checkpoint = LedgerCheckpoint.ForEntries(_entries, 1_800_000_000_000, _key);
    }

    public void Dispose()
    {
        _key.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void Receipt_ForEveryEntry_VerifiesAloneAndAgainstTheLedger()
    {
        for (int i = 0; i < _entries.Count; i++)
        {
            var receipt = LedgerReceipt.Create(_entries, i, _checkpoint);

            Assert.True(receipt.Verify(_key.PublicKey));
            Assert.True(LedgerVerifier.VerifyReceipt(receipt, _entries, _key.PublicKey).Ok);
        }
    }

    [Fact]
    public void Receipt_UnderAnOlderCheckpoint_VerifiesAgainstTheLongerLedger()
    {
        var older = LedgerCheckpoint.ForEntries(_entries[..30], 1_750_000_000_000, _key);
        var receipt = LedgerReceipt.Create(_entries, 12, older);

        Assert.True(LedgerVerifier.VerifyReceipt(receipt, _entries, _key.PublicKey).Ok);
        Assert.True(older.IsConsistentWith(_checkpoint, LedgerTree.ConsistencyProof(_entries, 30, 50)));
        Assert.False(older.IsConsistentWith(_checkpoint, LedgerTree.ConsistencyProof(_entries, 29, 50)));
        Assert.Throws<ArgumentOutOfRangeException>(() => LedgerReceipt.Create(_entries, 30, older));
    }

    [Fact]
    public void Receipt_WithATamperedEntry_Fails()
    {
        var receipt = LedgerReceipt.Create(_entries, 7, _checkpoint);
        var payload = receipt.Entry.Payload.ToArray();
        payload[0] ^= 1;
        var forged = new LedgerReceipt(
            LedgerFixture.Forge(receipt.Entry, payload: payload), _checkpoint, receipt.InclusionProof);

        Assert.False(forged.Verify(_key.PublicKey));
        Assert.Equal(LedgerFailure.BadHash, forged.Check(_key.PublicKey).Failure);
    }

    [Fact]
    public void Receipt_WithAnEntryOfAnotherSigner_Fails()
    {
        var receipt = LedgerReceipt.Create(_entries, 7, _checkpoint);
        var forged = new LedgerReceipt(
            LedgerFixture.Resign(_other, receipt.Entry), _checkpoint, receipt.InclusionProof);

        Assert.Equal(LedgerFailure.BadSignature, forged.Check(_key.PublicKey).Failure);
    }

    [Fact]
    public void Receipt_WithACheckpointOfAnotherSignerOrTamperedRoot_Fails()
    {
        var receipt = LedgerReceipt.Create(_entries, 7, _checkpoint);
        var foreign = LedgerCheckpoint.ForEntries(_entries, _checkpoint.TimestampUnixMs, _other);
        var root = _checkpoint.Root.ToArray();
        root[0] ^= 1;
        var tamperedRoot = new LedgerCheckpoint(50, root, _checkpoint.TimestampUnixMs, _checkpoint.Signature.Span);
        var tamperedSize = new LedgerCheckpoint(
            49, _checkpoint.Root.Span, _checkpoint.TimestampUnixMs, _checkpoint.Signature.Span);

        Assert.Equal(LedgerFailure.BadCheckpointSignature,
            new LedgerReceipt(receipt.Entry, foreign, receipt.InclusionProof).Check(_key.PublicKey).Failure);
        Assert.False(new LedgerReceipt(receipt.Entry, tamperedRoot, receipt.InclusionProof).Verify(_key.PublicKey));
        Assert.False(new LedgerReceipt(receipt.Entry, tamperedSize, receipt.InclusionProof).Verify(_key.PublicKey));
    }

    [Fact]
    public void Receipt_WithATamperedOrWrongProof_FailsAsABadInclusionProof()
    {
        var receipt = LedgerReceipt.Create(_entries, 7, _checkpoint);
        var proof = receipt.InclusionProof.Select(n => (byte[])n.Clone()).ToArray();
        proof[2][5] ^= 0x20;
        var otherProof = LedgerReceipt.Create(_entries, 8, _checkpoint).InclusionProof;

        Assert.Equal(LedgerFailure.BadInclusionProof,
            new LedgerReceipt(receipt.Entry, _checkpoint, proof).Check(_key.PublicKey).Failure);
        Assert.Equal(LedgerFailure.BadInclusionProof,
            new LedgerReceipt(receipt.Entry, _checkpoint, otherProof).Check(_key.PublicKey).Failure);
        Assert.Equal(LedgerFailure.BadInclusionProof,
            new LedgerReceipt(receipt.Entry, _checkpoint, proof[..^1]).Check(_key.PublicKey).Failure);
    }

    [Fact]
    public void VerifyReceipt_FromAForkedLedger_FailsAgainstTheRealOne()
    {
        // The appliance signs a different history (the same key, another entry 7) and a
        // receipt for it: alone it verifies, against the ledger the auditor holds it does not.
        var fork = _entries.ToList();
        var chain = new LedgerChain(_key, fork[6]);
        fork[7] = chain.Append("contribution", "{\"forked\":true}"u8, fork[7].TimestampUnixMs);
        var forkedCheckpoint = LedgerCheckpoint.ForEntries(fork[..8], fork[7].TimestampUnixMs, _key);
        var receipt = LedgerReceipt.Create(fork, 7, forkedCheckpoint);

        Assert.True(receipt.Verify(_key.PublicKey));
        var report = LedgerVerifier.VerifyReceipt(receipt, _entries, _key.PublicKey);
        Assert.Equal(LedgerFailure.EntryNotInLedger, report.Failure);
        Assert.Equal(7, report.FirstBadIndex);

        // Entry 3 is the same in both histories; only the checkpoint betrays the fork.
        var honest = LedgerReceipt.Create(fork, 3, forkedCheckpoint);
        Assert.Equal(LedgerFailure.CheckpointRootMismatch,
            LedgerVerifier.VerifyReceipt(honest, _entries, _key.PublicKey).Failure);
        Assert.Equal(LedgerFailure.EntryNotInLedger,
            LedgerVerifier.VerifyReceipt(receipt, _entries[..5], _key.PublicKey).Failure);
    }

    [Fact]
    public void VerifyCheckpoint_BeyondTheLedger_Fails()
    {
        Assert.True(LedgerVerifier.VerifyCheckpoint(_entries, _checkpoint, _key.PublicKey).Ok);
        Assert.Equal(LedgerFailure.CheckpointBeyondLedger,
            LedgerVerifier.VerifyCheckpoint(_entries[..49], _checkpoint, _key.PublicKey).Failure);
    }

    [Fact]
    public void ReceiptJson_RoundTrips_AndTheCopyVerifies()
    {
        var receipt = LedgerReceipt.Create(_entries, 19, _checkpoint);

        var copy = LedgerReceipt.FromJson(receipt.ToJson());

        Assert.True(copy.Verify(_key.PublicKey));
        Assert.True(copy.Entry.Hash.Span.SequenceEqual(receipt.Entry.Hash.Span));
        Assert.Equal(receipt.InclusionProof, copy.InclusionProof);
        Assert.Equal(receipt.ToJson(), copy.ToJson());
    }

    [Fact]
    public void ReceiptJson_Malformed_IsAFormatExceptionNamingTheField()
    {
        var json = LedgerReceipt.Create(_entries, 19, _checkpoint).ToJson();
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["inclusion_proof"]![0] = Convert.ToBase64String(new byte[31]);

        var e = Assert.Throws<FormatException>(() => LedgerReceipt.FromJson(node.ToJsonString()));
        Assert.Contains("inclusion_proof[0]", e.Message);
        var version2 = json.Replace("\"format_version\": 1", "\"format_version\": 2", StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => LedgerReceipt.FromJson(version2));
        Assert.Throws<FormatException>(() => LedgerReceipt.FromJson("[]"));
        Assert.Throws<FormatException>(() => LedgerReceipt.FromJson("null"));
    }
}
