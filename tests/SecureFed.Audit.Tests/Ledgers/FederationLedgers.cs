using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Ledger;
using SecureFed.Simulator.Demo;

namespace SecureFed.Audit.Tests.Ledgers;

/// <summary>
/// The ledgers of two real federations, one per mode: an appliance served over gRPC on
/// loopback, four enrolled clients (and in HE mode three custodians, threshold two), one
/// round without DP and two with distributed DP, exported as an operator exports them. Each
/// also yields the appliance's receipt for a contribution, saved as a client saves it, and
/// the contributions directory an operator exports for the aggregate spot checks.
/// </summary>
public sealed class FederationLedgers : IAsyncLifetime
{
    public const int Clients = 4;
    public const int Rounds = 3;
    public const double EpsilonLimit = 10;
    public const double Delta = 1e-5;

    private readonly string _directory =
        System.IO.Directory.CreateTempSubdirectory("securefed-audit-").FullName;

    public string MaskLedgerPath => Path.Combine(_directory, "ledger-mask.json");

    public string HeLedgerPath => Path.Combine(_directory, "ledger-he.json");

    public string MaskReceiptPath => Path.Combine(_directory, "receipt-mask.json");

    public string HeReceiptPath => Path.Combine(_directory, "receipt-he.json");

    public string MaskContributions => Path.Combine(_directory, "evidence-mask", "contributions");

    public string HeContributions => Path.Combine(_directory, "evidence-he", "contributions");

    public string Directory => _directory;

    public LedgerExport Mask { get; private set; } = null!;

    public LedgerExport He { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mask = await ProduceAsync(
            ProtectionMode.Mask, MaskLedgerPath, MaskReceiptPath, Path.Combine(_directory, "evidence-mask"));
        He = await ProduceAsync(
            ProtectionMode.He, HeLedgerPath, HeReceiptPath, Path.Combine(_directory, "evidence-he"));
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<LedgerExport> ProduceAsync(
        ProtectionMode mode, string ledgerPath, string receiptPath, string evidence)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var aggregator = await SecureAggregator.StartAsync(
            mode, Clients, timeout.Token, EpsilonLimit, Delta);
        var inputs = Enumerable.Range(0, Clients)
            .Select(i => Enumerable.Range(0, 8).Select(j => (ulong)(i * 8 + j)).ToArray())
            .ToArray();
        await aggregator.AggregateAsync(inputs, 16, timeout.Token);

        const int dimension = 16;
        var privacy = DemoPrivacy.Calibrate(4, Delta, 1, Clients, 2, dimension);
        var updates = Enumerable.Range(0, Clients)
            .Select(i => Enumerable.Range(0, dimension).Select(j => 0.01f * (i - j)).ToArray())
            .ToArray();
        for (int round = 0; round < 2; round++)
        {
            await aggregator.AggregatePrivateAsync(updates, privacy, timeout.Token);
        }

        byte[] ledger = await aggregator.ExportLedgerAsync(timeout.Token);
        await File.WriteAllBytesAsync(ledgerPath, ledger, timeout.Token);
        var export = LedgerExport.Deserialize(System.Text.Encoding.UTF8.GetString(ledger));

        await aggregator.ExportAuditEvidenceAsync(evidence, timeout.Token);

        var contribution = export.Entries.First(e => e.Kind == "contribution");
        var receipt = await aggregator.ReceiptAsync(contribution.Index, timeout.Token);
        await File.WriteAllTextAsync(receiptPath, receipt.ToJson(), timeout.Token);
        return export;
    }
}
