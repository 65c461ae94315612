using SecureFed.Client.Participation;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Masking;
using SecureFed.Simulator.Federation;

namespace SecureFed.Enclave.Tests.Integration;

/// <summary>
/// A whole HE-mode round over gRPC with mutual TLS on loopback: the custodians' key
/// ceremony, clients' encrypted uploads and threshold decryption.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class HeRoundTests
{
    private const int RingDegree = 8192;
    private const int Custodians = 4;
    private const int Threshold = 3;
    private const int Clients = 5;
    private const int Dimension = 24;
    private const int ValueBits = 16;
    private static readonly int Bits = ModulusBits.For(Clients, 1UL << ValueBits);

    [Fact]
    public async Task HeRound_OneClientNeverUploadsAndOneCustodianIsOffline_AggregateIsExactlyContributorsSum()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var cancellation = timeout.Token;
        await using var federation = await LoopbackFederation.StartAsync(ringDegree: RingDegree);
        var ckks = new CkksContext(CkksParameters.CreateDefault(RingDegree));
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
        var (custodians, clients, keyStates) = await KeyedFederationAsync(
            federation, operatorClient, ckks, cancellation);

        // The last custodian goes offline after the ceremony; the threshold others decrypt.
        keyStates[^1]!.Dispose();
        var serving = custodians.Take(Threshold)
            .Select((c, i) => ServeOneDecryptionAsync(c, keyStates[i]!, cancellation))
            .ToArray();

        var random = new Random(5);
        var inputs = clients.ToDictionary(
            c => c.Credentials!.ParticipantId, _ => Aggregates.RandomInput(random, Dimension, ValueBits));
        uint silent = clients[1].Credentials!.ParticipantId;
        var (opened, results) = await RunRoundAsync(
            operatorClient, clients, ckks, inputs, silent, minClients: Clients - 1, cancellation);
        await Task.WhenAll(serving);

        var contributors = inputs.Keys.Where(id => id != silent).Order().ToArray();
        Assert.Equal(Clients - 1, results.Count(r => r is not null));
        foreach (var result in results.OfType<RoundResult>())
        {
            Assert.True(result.Completed, result.AbortReason);
            Assert.Equal(contributors, result.Contributors.Order());
        }

        var aggregate = await Aggregates.DownloadAsync(clients[0], opened.Round);
        Assert.Equal(Aggregates.Sum(contributors.Select(id => inputs[id]), Dimension, Bits), aggregate);
    }

    [Fact]
    public async Task HeRound_FewerContributorsThanMinClients_AbortsBeforeDecryption()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var cancellation = timeout.Token;
        await using var federation = await LoopbackFederation.StartAsync(ringDegree: RingDegree);
        var ckks = new CkksContext(CkksParameters.CreateDefault(RingDegree));
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
        var (_, clients, keyStates) = await KeyedFederationAsync(federation, operatorClient, ckks, cancellation);

        // Every client joins, one never uploads: 4 contributions, min_clients 5, while the
        // custodians would accept 4 (min_contributors).
        var random = new Random(6);
        var inputs = clients.ToDictionary(
            c => c.Credentials!.ParticipantId, _ => Aggregates.RandomInput(random, Dimension, ValueBits));
        uint silent = clients[2].Credentials!.ParticipantId;
        var (_, results) = await RunRoundAsync(
            operatorClient, clients, ckks, inputs, silent, minClients: Clients, cancellation);
        foreach (var keyState in keyStates)
        {
            keyState!.Dispose();
        }

        var contributed = results.OfType<RoundResult>().ToArray();
        Assert.Equal(Clients - 1, contributed.Length);
        Assert.All(contributed, result =>
        {
            Assert.False(result.Completed);
            Assert.Contains("min_clients", result.AbortReason, StringComparison.Ordinal);
        });
        var status = await operatorClient.Connection.Operator.GetStatusAsync(
            new GetStatusRequest(), cancellationToken: cancellation);
        Assert.Equal(0UL, status.RoundsCompleted);
    }

    // Opens an HE round that needs min_contributors of all but one client, and runs every
    // client in it; the silent one joins but never uploads.
    private static async Task<(OpenRoundResponse Opened, RoundResult?[] Results)> RunRoundAsync(
        SimulatedParticipant operatorClient,
        SimulatedParticipant[] clients,
        CkksContext ckks,
        Dictionary<uint, ulong[]> inputs,
        uint silent,
        int minClients,
        CancellationToken cancellation)
    {
        var opened = await operatorClient.Connection.Operator.OpenRoundAsync(
            new OpenRoundRequest
            {
                Mode = ProtectionMode.He,
                Dimension = Dimension,
                Bits = (uint)Bits,
                MinClients = (uint)minClients,
                MaxClients = Clients,
                JoinTimeoutMs = 60_000,
                StageTimeoutMs = 3_000,
                MinContributors = Clients - 1,
            },
            cancellationToken: cancellation);
        var results = await Task.WhenAll(clients.Select(async client =>
        {
            uint id = client.Credentials!.ParticipantId;
            var task = await client.Connection.Rounds.WaitForTaskAsync(
                new WaitForTaskRequest { FederationId = opened.Round.FederationId, AfterRound = 0 },
                cancellationToken: cancellation);
            return await HeRoundParticipant.RunAsync(
                client.Connection.Rounds, client.Credentials, ckks, task, inputs[id],
                contribute: id != silent, cancellation: cancellation);
        }));
        return (opened, results);
    }

    // Enrolls the custodians and clients and runs the key ceremony: every custodian must end
    // it with its key state.
    private static async Task<(SimulatedParticipant[] Custodians, SimulatedParticipant[] Clients,
        CustodianKeyState?[] KeyStates)> KeyedFederationAsync(
        LoopbackFederation federation,
        SimulatedParticipant operatorClient,
        CkksContext ckks,
        CancellationToken cancellation)
    {
        var custodians = await Task.WhenAll(Enumerable.Range(1, Custodians)
            .Select(i => federation.EnrollAsync(ParticipantRole.Custodian, $"custodian-{i}", cancellation)));
        var clients = await Task.WhenAll(Enumerable.Range(1, Clients)
            .Select(i => federation.EnrollAsync(ParticipantRole.Client, $"client-{i}", cancellation)));
        var start = new StartCeremonyRequest { Threshold = Threshold };
        start.CustodianNames.AddRange(custodians.Select(c => c.Identity.Name));
        await operatorClient.Connection.Operator.StartCeremonyAsync(start, cancellationToken: cancellation);
        var keyStates = await Task.WhenAll(custodians.Select(c => CustodianRunner.RunCeremonyAsync(
            c.Connection.Custodians, c.Credentials!, ckks, cancellation)));
        Assert.All(keyStates, Assert.NotNull);
        return (custodians, clients, keyStates);
    }

    // Answers decryption requests until one is served: a poll window can pass before the
    // round's contribution stage closes.
    private static async Task ServeOneDecryptionAsync(
        SimulatedParticipant custodian, CustodianKeyState keyState, CancellationToken cancellation)
    {
        using (keyState)
        {
            byte[] served = [];
            while (!await CustodianRunner.ServeOnceAsync(
                custodian.Connection.Custodians, custodian.Credentials!, keyState, minimumContributors: 2,
                served, record => served = record, cancellation))
            {
            }
        }
    }
}
