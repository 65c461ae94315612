using SecureFed.Protocol.Audit;

namespace SecureFed.Protocol.Tests.Audit;

public sealed class AggregateAuditTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("securefed-audit-unit-");
    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public void Check_TenRoundsOfFiftyClients_SamplesKCoordinatesInEveryRound()
    {
        // The speed at 100 rounds is measured by the audit-verify benchmark, not here.
        var entries = SyntheticMaskLedger.Write(_work.FullName, rounds: 10, clients: 50, dimension: 2048, bits: 32);

        var result = AggregateAudit.Check(entries, _work.FullName, 64);

        Assert.Empty(result.Findings);
        Assert.Equal(10, result.RoundsChecked);
        Assert.Equal(640, result.CoordinatesChecked);
    }

    [Fact]
    public void Check_AlteredSumOfOneRound_ReportsThatRoundOnly()
    {
        var entries = SyntheticMaskLedger.Write(_work.FullName, rounds: 3, clients: 4, dimension: 100, bits: 20);
        string sum = Path.Combine(_work.FullName, AuditFiles.RoundDirectory(2), AuditFiles.Sum);
        byte[] bytes = File.ReadAllBytes(sum);
        bytes[0] ^= 1;
        File.WriteAllBytes(sum, bytes);

        var result = AggregateAudit.Check(entries, _work.FullName, 16);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(2UL, finding.Round);
        Assert.Equal("aggregate", finding.Check);
        Assert.Equal(2, result.RoundsChecked);
    }

    [Fact]
    public void Check_RoundClosedWithoutSumHash_ReportsItCannotBeChecked()
    {
        var entries = SyntheticMaskLedger.Write(
            _work.FullName, rounds: 1, clients: 3, dimension: 50, bits: 16, withSumHash: false);

        var result = AggregateAudit.Check(entries, _work.FullName, 8);

        var finding = Assert.Single(result.Findings);
        Assert.Contains("no sum_sha256", finding.Reason, StringComparison.Ordinal);
        Assert.Equal(0, result.RoundsChecked);
    }

    [Fact]
    public void Check_MissingRoundDirectory_ReportsIt()
    {
        var entries = SyntheticMaskLedger.Write(_work.FullName, rounds: 2, clients: 3, dimension: 50, bits: 16);
        Directory.Delete(Path.Combine(_work.FullName, AuditFiles.RoundDirectory(1)), recursive: true);

        var result = AggregateAudit.Check(entries, _work.FullName, 8);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(1UL, finding.Round);
        Assert.Contains("no directory round-000001", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnreadablePayload_ReportsItWithoutThrowing()
    {
        var entries = SyntheticMaskLedger.Write(_work.FullName, rounds: 1, clients: 3, dimension: 50, bits: 16);
        var last = entries[^1];
        entries[^1] = new Protocol.Ledger.LedgerEntry(
            last.Index, last.PreviousHash.Span, 1, last.Kind, "{\"round\": \"x\"}"u8, last.Hash.Span,
            last.Signature.Span);

        var result = AggregateAudit.Check(entries, _work.FullName, 8);

        var finding = Assert.Single(result.Findings);
        Assert.Contains("cannot be read", finding.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(AggregateAudit.MaxSpotChecks + 1)]
    public void Check_SpotChecksOutOfRange_Throws(int spotChecks) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AggregateAudit.Check([], _work.FullName, spotChecks));

    [Fact]
    public void Check_NullEntries_Throws() =>
        Assert.Throws<ArgumentNullException>(() => AggregateAudit.Check(null!, _work.FullName, 8));
}
