using SecureFed.Protocol.Grpc.V1;
using SecureFed.Simulator.Federation;

namespace SecureFed.Simulator.Tests.Audit;

/// <summary>
/// One real mask-mode round with a client that drops after sharing keys, and one real HE
/// round, each over a loopback federation, with their ledger exports and contributions
/// directories written once for every test to copy and tamper with.
/// </summary>
public sealed class AuditedFederations : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("securefed-audit-");

    /// <summary>The mask-mode round's evidence: ledger.json and contributions/.</summary>
    public string Mask => Path.Combine(_root.FullName, "mask");

    /// <summary>The HE round's evidence.</summary>
    public string He => Path.Combine(_root.FullName, "he");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await FederationRound.RunAsync(
            new FederationRoundOptions(
                ProtectionMode.Mask, Clients: 8, Dimension: 1000, Dropout: 0.125, EvidenceDirectory: Mask),
            timeout.Token);
        await FederationRound.RunAsync(
            new FederationRoundOptions(
                ProtectionMode.He, Clients: 3, Dimension: 300, Custodians: 3, Threshold: 2, EvidenceDirectory: He),
            timeout.Token);
    }

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
