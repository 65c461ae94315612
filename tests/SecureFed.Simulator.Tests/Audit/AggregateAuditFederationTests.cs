using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SecureFed.Protocol.Audit;
using SecureFed.Protocol.Ledger;
using SecureFed.Protocol.Masking;

namespace SecureFed.Simulator.Tests.Audit;

/// <summary>
/// The offline aggregate spot check (AggregateAudit) on the evidence of real federations:
/// clean evidence passes, and each kind of tampering is named in a finding. The audit does
/// not check signatures (the ledger verifier does), so a ledger whose round.closed hashes
/// are patched stands for an appliance that signed a false aggregate.
/// </summary>
[Collection("Federation")]
public sealed class AggregateAuditFederationTests : IClassFixture<AuditedFederations>, IDisposable
{
    private const int SpotChecks = 64;

    private readonly AuditedFederations _federations;
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("securefed-audit-case-");

    public AggregateAuditFederationTests(AuditedFederations federations)
    {
        _federations = federations;
    }

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public void Check_CleanMaskRoundWithDropout_FindsNothing()
    {
        var (entries, contributions) = Copy(_federations.Mask);

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        Assert.Empty(result.Findings);
        Assert.True(result.Passed);
        Assert.Equal(1, result.RoundsChecked);
        Assert.Equal(SpotChecks, result.CoordinatesChecked);
        using var evidence = UnmaskingEvidence.Parse(File.ReadAllBytes(RoundFile(contributions, AuditFiles.Unmasking)));
        Assert.Contains(evidence.Masks, m => !m.IsSelfMask);
        Assert.Equal(7, evidence.Masks.Count(m => m.IsSelfMask));
    }

    [Fact]
    public void Check_CleanHeRound_FindsNothing()
    {
        var (entries, contributions) = Copy(_federations.He);

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        Assert.Empty(result.Findings);
        Assert.Equal(1, result.RoundsChecked);
        Assert.Equal(SpotChecks, result.CoordinatesChecked);
    }

    [Fact]
    public void Check_MaskedVectorAsAggregate_ReportsHashMismatch()
    {
        var (entries, contributions) = Copy(_federations.Mask);
        byte[] masked = File.ReadAllBytes(FirstContribution(contributions));
        File.WriteAllBytes(RoundFile(contributions, AuditFiles.Aggregate), Widen(masked, entries));

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        Assert.Contains(result.Findings, f => f.Check == "aggregate"
            && f.Reason.Contains("aggregate.bin does not have the SHA-256", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_MaskedVectorAsAggregateUnderPatchedLedger_ReportsWrongSum()
    {
        var (entries, contributions) = Copy(_federations.Mask);
        byte[] masked = File.ReadAllBytes(FirstContribution(contributions));
        byte[] aggregate = Widen(masked, entries);
        File.WriteAllBytes(RoundFile(contributions, AuditFiles.Aggregate), aggregate);
        File.WriteAllBytes(RoundFile(contributions, AuditFiles.Sum), masked);
        entries = PatchRoundClosed(entries, ("aggregate_sha256", aggregate), ("sum_sha256", masked));

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(1UL, finding.Round);
        Assert.Contains("is not the sum of the signed contributions", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CiphertextAsAggregate_ReportsHashMismatch()
    {
        var (entries, contributions) = Copy(_federations.He);
        File.Copy(FirstContribution(contributions), RoundFile(contributions, AuditFiles.Sum), overwrite: true);

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Contains("sum.bin does not have the SHA-256", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CiphertextAsAggregateUnderPatchedLedger_ReportsWrongSum()
    {
        var (entries, contributions) = Copy(_federations.He);
        byte[] ciphertext = File.ReadAllBytes(FirstContribution(contributions));
        File.WriteAllBytes(RoundFile(contributions, AuditFiles.Sum), ciphertext);
        entries = PatchRoundClosed(entries, ("sum_sha256", ciphertext));

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Contains(
            "aggregate ciphertexts are not the sum of the signed contributions", finding.Reason,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Check_FlippedByteInContribution_ReportsChunkMismatch()
    {
        var (entries, contributions) = Copy(_federations.Mask);
        string file = FirstContribution(contributions);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(file, bytes);

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Contains("does not match the leaf hash", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_FlippedByteInLeafHashes_ReportsRootMismatch()
    {
        var (entries, contributions) = Copy(_federations.He);
        string leaves = Path.ChangeExtension(FirstContribution(contributions), ".leaves");
        byte[] bytes = File.ReadAllBytes(leaves);
        bytes[^1] ^= 0x80;
        File.WriteAllBytes(leaves, bytes);

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Contains("do not reproduce the root the client signed", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MissingContribution_ReportsIt()
    {
        var (entries, contributions) = Copy(_federations.He);
        string file = FirstContribution(contributions);
        File.Delete(file);

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Contains($"{Path.GetFileName(file)}", finding.Reason, StringComparison.Ordinal);
        Assert.Contains("is missing", finding.Reason, StringComparison.Ordinal);
        Assert.Equal(0, result.RoundsChecked);
    }

    [Fact]
    public void Check_TruncatedContribution_ReportsWrongLength()
    {
        var (entries, contributions) = Copy(_federations.Mask);
        string file = FirstContribution(contributions);
        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..^1]);

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Contains("the client signed", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TamperedUnmaskingEvidence_ReportsHashMismatch()
    {
        var (entries, contributions) = Copy(_federations.Mask);
        string file = RoundFile(contributions, AuditFiles.Unmasking);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(file, bytes);

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Contains("unmasking.bin does not have the SHA-256", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TamperedUnmaskingEvidenceUnderPatchedLedger_ReportsWrongSum()
    {
        var (entries, contributions) = Copy(_federations.Mask);
        string file = RoundFile(contributions, AuditFiles.Unmasking);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        entries = PatchRoundClosed(entries, ("unmasking_sha256", bytes));

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Contains("revealed masks stripped", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MissingUnmaskingEvidence_ReportsIt()
    {
        var (entries, contributions) = Copy(_federations.Mask);
        File.Delete(RoundFile(contributions, AuditFiles.Unmasking));

        var result = AggregateAudit.Check(entries, contributions, SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Contains("unmasking.bin is missing", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MissingDirectory_ReportsFindingWithoutThrowing()
    {
        var (entries, _) = Copy(_federations.He);

        var result = AggregateAudit.Check(entries, Path.Combine(_work.FullName, "none"), SpotChecks);

        var finding = Assert.Single(result.Findings);
        Assert.Contains("does not exist", finding.Reason, StringComparison.Ordinal);
    }

    private (IReadOnlyList<LedgerEntry> Entries, string Contributions) Copy(string evidence)
    {
        string target = Path.Combine(_work.FullName, Path.GetFileName(evidence));
        foreach (string file in Directory.EnumerateFiles(evidence, "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(target, Path.GetRelativePath(evidence, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        var export = LedgerExport.Deserialize(File.ReadAllText(Path.Combine(target, "ledger.json")));
        return (export.Entries, Path.Combine(target, "contributions"));
    }

    private static string RoundFile(string contributions, string name) =>
        Path.Combine(contributions, AuditFiles.RoundDirectory(1), name);

    private static string FirstContribution(string contributions) =>
        Directory.GetFiles(Path.Combine(contributions, AuditFiles.RoundDirectory(1)), "client-*.bin").Order().First();

    // A masked vector in the form a round without DP publishes its aggregate: 64-bit words.
    private static byte[] Widen(byte[] packed, IReadOnlyList<LedgerEntry> entries)
    {
        var opened = JsonNode.Parse(entries.First(e => e.Kind == "round.opened").Payload.Span)!;
        int dimension = opened["settings"]!["dimension"]!.GetValue<int>();
        int bits = opened["settings"]!["bits"]!.GetValue<int>();
        ulong[] values = PackedVector.Unpack(packed, dimension, bits);
        var wide = new byte[values.Length * sizeof(ulong)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(wide.AsSpan(i * sizeof(ulong)), values[i]);
        }

        return wide;
    }

    private static LedgerEntry[] PatchRoundClosed(
        IReadOnlyList<LedgerEntry> entries, params (string Field, byte[] Content)[] hashes)
    {
        var patched = entries.ToArray();
        int at = Array.FindIndex(patched, e => e.Kind == "round.closed");
        var payload = JsonNode.Parse(patched[at].Payload.Span)!.AsObject();
        foreach (var (field, content) in hashes)
        {
            payload[field] = Convert.ToBase64String(SHA256.HashData(content));
        }

        var entry = patched[at];
        patched[at] = new LedgerEntry(
            entry.Index, entry.PreviousHash.Span, entry.TimestampUnixMs, entry.Kind,
            System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString()), entry.Hash.Span, entry.Signature.Span);
        return patched;
    }
}
