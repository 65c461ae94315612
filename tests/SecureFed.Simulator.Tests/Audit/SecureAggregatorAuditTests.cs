using SecureFed.Protocol.Audit;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Simulator.Demo;

namespace SecureFed.Simulator.Tests.Audit;

/// <summary>
/// The demo's in-process appliance (SecureAggregator) exports what the aggregate audit
/// reads, for rounds with and without distributed DP.
/// </summary>
[Collection("Federation")]
public sealed class SecureAggregatorAuditTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("securefed-aggregator-audit-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task ExportAuditEvidence_MaskRoundsWithAndWithoutDp_PassTheAudit()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var aggregator = await SecureAggregator.StartAsync(ProtectionMode.Mask, 4, timeout.Token);
        var random = new Random(5);
        var privacy = DemoPrivacy.Calibrate(8, 1e-5, 0.3, 4, 10, 62);
        await aggregator.AggregatePrivateAsync(
            [.. Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 62).Select(_ => random.NextSingle() - 0.5f)
                .ToArray())],
            privacy,
            timeout.Token);
        await aggregator.AggregateAsync(
            [.. Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 500).Select(_ => (ulong)random.Next(1000))
                .ToArray())],
            20,
            timeout.Token);

        var export = await aggregator.ExportAuditEvidenceAsync(_work.FullName, timeout.Token);
        var result = AggregateAudit.Check(export.Entries, Path.Combine(_work.FullName, "contributions"), 32);

        Assert.Empty(result.Findings);
        Assert.Equal(2, result.RoundsChecked);
        Assert.True(File.Exists(Path.Combine(_work.FullName, "ledger.json")));
    }
}
