using System.Buffers.Binary;
using SecureFed.Client.Participation;
using SecureFed.Enclave.Configuration;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Ledger;
using SecureFed.Simulator.Federation;

namespace SecureFed.Simulator.Tests.Federation;

/// <summary>
/// The appliance across restarts and on a schedule, over real gRPC with mutual TLS: what a
/// service restart keeps, what it aborts, and rounds opened without an operator.
/// </summary>
[Collection("Federation")]
public class ApplianceLifecycleTests
{
    private const int Dimension = 48;
    private const int Bits = 16;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Restart_KeepsEnrollmentsLedgerAndRounds_AndTheNextRoundIsExact()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var federation = await LoopbackFederation.StartAsync();
        var clients = await EnrollClientsAsync(federation, 3, timeout.Token);
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator").Connection.Operator;

        var first = await operatorClient.OpenRoundAsync(MaskRound(3), cancellationToken: timeout.Token);
        Assert.True(await RunMaskRoundAsync(clients, first.Round.Round, timeout.Token));
        var before = await operatorClient.GetStatusAsync(new GetStatusRequest(), cancellationToken: timeout.Token);

        await federation.RestartApplianceAsync();

        var after = await operatorClient.GetStatusAsync(new GetStatusRequest(), cancellationToken: timeout.Token);
        Assert.Equal(before.FederationId, after.FederationId);
        Assert.Equal(3u, after.ClientsEnrolled);
        Assert.Equal(before.LedgerEntries, after.LedgerEntries);
        Assert.Equal(1ul, after.RoundsCompleted);
        Assert.Equal("idle", after.CurrentStage);

        var second = await operatorClient.OpenRoundAsync(MaskRound(3), cancellationToken: timeout.Token);
        Assert.Equal(first.Round.Round + 1, second.Round.Round);
        Assert.True(await RunMaskRoundAsync(clients, second.Round.Round, timeout.Token));
        var ledger = LedgerExport.Deserialize(await ExportAsync(operatorClient, timeout.Token));
        Assert.True(LedgerVerifier.Verify(ledger.Entries, ledger.LedgerPublicKey).Ok);
        Assert.True(LedgerVerifier.VerifyCheckpoint(ledger.Entries, ledger.Checkpoint, ledger.LedgerPublicKey).Ok);
    }

    [Fact]
    public async Task Restart_WithARoundOpen_AbortsItInTheLedgerAndNumbersOn()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var federation = await LoopbackFederation.StartAsync();
        var clients = await EnrollClientsAsync(federation, 3, timeout.Token);
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator").Connection.Operator;
        var open = await operatorClient.OpenRoundAsync(MaskRound(3), cancellationToken: timeout.Token);
        var before = await operatorClient.GetStatusAsync(new GetStatusRequest(), cancellationToken: timeout.Token);
        Assert.Equal(open.Round.Round, before.CurrentRound);

        await federation.RestartApplianceAsync();

        var after = await operatorClient.GetStatusAsync(new GetStatusRequest(), cancellationToken: timeout.Token);
        Assert.Equal("idle", after.CurrentStage);
        Assert.Equal(0ul, after.RoundsCompleted);
        Assert.Equal(before.LedgerEntries + 1, after.LedgerEntries);
        string export = await ExportAsync(operatorClient, timeout.Token);
        var ledger = LedgerExport.Deserialize(export);
        Assert.Equal("round.aborted", ledger.Entries[^1].Kind);

        var next = await operatorClient.OpenRoundAsync(MaskRound(3), cancellationToken: timeout.Token);
        Assert.Equal(open.Round.Round + 1, next.Round.Round);
        Assert.True(await RunMaskRoundAsync(clients, next.Round.Round, timeout.Token));
    }

    [Fact]
    public async Task Schedule_OpensRoundsWithoutAnOperator()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var federation = await LoopbackFederation.StartAsync(configure: options =>
            options.Schedule = new RoundScheduleOptions
            {
                IntervalSeconds = 1,
                Mode = "mask",
                Dimension = Dimension,
                Bits = Bits,
                MinClients = 3,
                MaxClients = 3,
                JoinTimeoutMs = 30_000,
                StageTimeoutMs = 30_000,
                DropoutRate = 0,
                CorruptRate = 0,
            });
        var clients = await EnrollClientsAsync(federation, 3, timeout.Token);

        Assert.True(await RunMaskRoundAsync(clients, expectedRound: null, timeout.Token));

        var status = await federation.Connect(ParticipantRole.Operator, "operator").Connection.Operator
            .GetStatusAsync(new GetStatusRequest(), cancellationToken: timeout.Token);
        Assert.True(status.RoundsCompleted >= 1);
    }

    [Fact]
    public async Task Schedule_ThatCannotOpenARound_StopsTheApplianceFromStarting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LoopbackFederation.StartAsync(
            configure: options => options.Schedule = new RoundScheduleOptions
            {
                IntervalSeconds = 60,
                Mode = "mask",
                Dimension = Dimension,
                Bits = Bits,
                MinClients = 1,
                MaxClients = 3,
            }));

        Assert.Contains("Enclave:Schedule", error.Message, StringComparison.Ordinal);
        Assert.Contains("min_clients", error.Message, StringComparison.Ordinal);
    }

    private static OpenRoundRequest MaskRound(int clients) => new()
    {
        Mode = ProtectionMode.Mask,
        Dimension = Dimension,
        Bits = Bits,
        MinClients = (uint)clients,
        MaxClients = (uint)clients,
        JoinTimeoutMs = 30_000,
        StageTimeoutMs = 30_000,
    };

    private static async Task<SimulatedParticipant[]> EnrollClientsAsync(
        LoopbackFederation federation, int count, CancellationToken cancellation) =>
        await Task.WhenAll(Enumerable.Range(1, count)
            .Select(i => federation.EnrollAsync(ParticipantRole.Client, $"client-{i}", cancellation)));

    /// <summary>
    /// Every client waits for its next task, contributes a random vector, and the aggregate the
    /// appliance publishes must be the exact sum modulo 2^b.
    /// </summary>
    private static async Task<bool> RunMaskRoundAsync(
        SimulatedParticipant[] clients, ulong? expectedRound, CancellationToken cancellation)
    {
        var random = new Random(7);
        var inputs = clients.Select(_ => Enumerable.Range(0, Dimension)
            .Select(_ => (ulong)random.Next(1 << Bits)).ToArray()).ToArray();
        var results = await Task.WhenAll(clients.Select(async (client, i) =>
        {
            var credentials = client.Credentials!;
            var task = await WaitForTaskAsync(client, credentials, cancellation);
            Assert.True(expectedRound is null || task.Round.Round == expectedRound);
            var result = await MaskRoundParticipant.RunAsync(
                client.Connection.Rounds, credentials, task, inputs[i], cancellation: cancellation);
            return (result!, task);
        }));

        var (outcome, roundTask) = results[0];
        if (!outcome.Completed || outcome.Contributors.Count != clients.Length)
        {
            return false;
        }

        byte[] aggregate = await HeRoundParticipant.DownloadAsync(
            clients[0].Connection.Rounds.DownloadAggregate(
                new StageRequest { Round = roundTask.Round, ClientId = clients[0].Credentials!.ParticipantId },
                cancellationToken: cancellation),
            cancellation);
        ulong mask = (1UL << Bits) - 1;
        for (int i = 0; i < Dimension; i++)
        {
            ulong expected = inputs.Aggregate(0UL, (sum, input) => (sum + input[i]) & mask);
            if (BinaryPrimitives.ReadUInt64LittleEndian(aggregate.AsSpan(i * sizeof(ulong))) != expected)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<RoundTask> WaitForTaskAsync(
        SimulatedParticipant client, ParticipantCredentials credentials, CancellationToken cancellation)
    {
        while (true)
        {
            var task = await client.Connection.Rounds.WaitForTaskAsync(
                new WaitForTaskRequest
                {
                    FederationId = Google.Protobuf.ByteString.CopyFrom(credentials.FederationId),
                    AfterRound = 0,
                },
                cancellationToken: cancellation);
            if (task.HasTask)
            {
                return task;
            }
        }
    }

    private static async Task<string> ExportAsync(
        Operator.OperatorClient operatorClient, CancellationToken cancellation)
    {
        byte[] export = await HeRoundParticipant.DownloadAsync(
            operatorClient.ExportLedger(new ExportLedgerRequest(), cancellationToken: cancellation), cancellation);
        return System.Text.Encoding.UTF8.GetString(export);
    }
}
