using System.Security.Cryptography;
using SecureFed.Client.Participation;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Masking;
using SecureFed.Simulator.Federation;

namespace SecureFed.Enclave.Tests.Integration;

/// <summary>A whole mask-mode round over gRPC with mutual TLS on loopback.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class MaskRoundTests
{
    private const int Clients = 8;
    private const int Dimension = 500;
    private const int ValueBits = 16;

    [Fact]
    public async Task MaskRound_TwoClientsDropAfterSharingKeys_AggregateIsExactlySurvivorsSum()
    {
        await using var federation = await LoopbackFederation.StartAsync();
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
        var clients = await Task.WhenAll(Enumerable.Range(1, Clients)
            .Select(i => federation.EnrollAsync(ParticipantRole.Client, $"client-{i}")));
        var random = new Random(8);
        var inputs = clients.ToDictionary(
            c => c.Credentials!.ParticipantId, _ => Aggregates.RandomInput(random, Dimension, ValueBits));
        var dropped = new HashSet<uint>
        {
            clients[2].Credentials!.ParticipantId, clients[5].Credentials!.ParticipantId,
        };
        int bits = ModulusBits.For(Clients, 1UL << ValueBits);

        // The deadline only has to outlast honest clients' masking; the dropouts are
        // detected when it passes.
        var opened = await operatorClient.Connection.Operator.OpenRoundAsync(new OpenRoundRequest
        {
            Mode = ProtectionMode.Mask,
            Dimension = Dimension,
            Bits = (uint)bits,
            MinClients = Clients,
            MaxClients = Clients,
            JoinTimeoutMs = 60_000,
            StageTimeoutMs = 3_000,
            DropoutRate = 0.25,
            CorruptRate = 0.05,
        });
        var results = await Task.WhenAll(clients.Select(async client =>
        {
            uint id = client.Credentials!.ParticipantId;
            var task = await client.Connection.Rounds.WaitForTaskAsync(new WaitForTaskRequest
            {
                FederationId = opened.Round.FederationId,
                AfterRound = opened.Round.Round - 1,
            });
            return await MaskRoundParticipant.RunAsync(
                client.Connection.Rounds, client.Credentials, task, inputs[id],
                dropped.Contains(id) ? MaskStage.Mask : MaskStage.Finish);
        }));

        var survivors = inputs.Keys.Where(id => !dropped.Contains(id)).Order().ToArray();
        Assert.Equal(Clients - dropped.Count, results.Count(r => r is not null));
        foreach (var result in results.OfType<RoundResult>())
        {
            Assert.True(result.Completed, result.AbortReason);
            Assert.Equal(survivors, result.Contributors.Order());
        }

        var survivor = clients.First(c => !dropped.Contains(c.Credentials!.ParticipantId));
        var aggregate = await Aggregates.DownloadAsync(survivor, opened.Round);
        Assert.Equal(Aggregates.Sum(survivors.Select(id => inputs[id]), Dimension, bits), aggregate);
        var published = results.OfType<RoundResult>().First();
        Assert.Equal(
            SHA256.HashData(aggregate.SelectMany(BitConverter.GetBytes).ToArray()),
            published.AggregateHash.ToByteArray());

        var status = await operatorClient.Connection.Operator.GetStatusAsync(new GetStatusRequest());
        Assert.Equal(1UL, status.RoundsCompleted);
    }
}
