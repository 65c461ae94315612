using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using SecureFed.Client.Participation;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Ledger;
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

    // The six survivors are exactly the round's min_clients, so the round completes.
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
        // detected when it passes. min_clients must itself admit SecAgg+ parameters when the
        // round opens, which six clients with two dropouts do only without a corrupt one.
        var opened = await operatorClient.Connection.Operator.OpenRoundAsync(new OpenRoundRequest
        {
            Mode = ProtectionMode.Mask,
            Dimension = Dimension,
            Bits = (uint)bits,
            MinClients = (uint)(Clients - dropped.Count),
            MaxClients = Clients,
            JoinTimeoutMs = 60_000,
            StageTimeoutMs = 3_000,
            DropoutRate = 0.25,
            CorruptRate = 0,
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

    // Six survivors are enough for SecAgg+ (t = 5 of 7 neighbours) but not for the budgets,
    // which charged the round for min_clients = 7 noise shares.
    [Fact]
    public async Task MaskRound_DropoutsLeaveFewerSurvivorsThanMinClients_AbortsAndReleasesNothing()
    {
        await using var federation = await LoopbackFederation.StartAsync();
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
        var clients = await Task.WhenAll(Enumerable.Range(1, Clients)
            .Select(i => federation.EnrollAsync(ParticipantRole.Client, $"client-{i}")));
        var dropped = new HashSet<uint>
        {
            clients[2].Credentials!.ParticipantId, clients[5].Credentials!.ParticipantId,
        };
        var opened = await operatorClient.Connection.Operator.OpenRoundAsync(new OpenRoundRequest
        {
            Mode = ProtectionMode.Mask,
            Bits = 24,
            MinClients = Clients - 1,
            MaxClients = Clients,
            JoinTimeoutMs = 60_000,
            StageTimeoutMs = 3_000,
            DropoutRate = 0.25,
            CorruptRate = 0.05,
            Dp = new DpSettings
            {
                Noise = DpSettings.Types.Noise.Skellam,
                NoiseMultiplier = 40,
                Clip = 1,
                ExpectedClients = Clients,
                RotationSeed = ByteString.CopyFrom(new byte[32]),
                ModelDimension = 64,
            },
        });

        var refusals = await Task.WhenAll(clients.Select(async client =>
        {
            uint id = client.Credentials!.ParticipantId;
            var task = await client.Connection.Rounds.WaitForTaskAsync(new WaitForTaskRequest
            {
                FederationId = opened.Round.FederationId,
                AfterRound = opened.Round.Round - 1,
            });
            var input = Aggregates.RandomInput(new Random((int)id), (int)task.Dimension, ValueBits);
            try
            {
                Assert.Null(await MaskRoundParticipant.RunAsync(
                    client.Connection.Rounds, client.Credentials, task, input,
                    dropped.Contains(id) ? MaskStage.Mask : MaskStage.Finish));
                return null;
            }
            catch (RpcException refusal)
            {
                return refusal;
            }
        }));

        // The survivors hear of the abort while waiting for the survivor set: none is asked
        // to sign or to reveal a share. The dropouts stopped before and heard nothing.
        for (int i = 0; i < Clients; i++)
        {
            if (dropped.Contains(clients[i].Credentials!.ParticipantId))
            {
                Assert.Null(refusals[i]);
                continue;
            }

            Assert.NotNull(refusals[i]);
            Assert.Equal(StatusCode.Aborted, refusals[i]!.StatusCode);
            Assert.Contains("min_clients of 7", refusals[i]!.Status.Detail, StringComparison.Ordinal);
        }

        var reader = clients[0];
        var stage = new StageRequest { Round = opened.Round, ClientId = reader.Credentials!.ParticipantId };
        var result = await reader.Connection.Rounds.AwaitResultAsync(stage);
        Assert.False(result.Completed);
        Assert.Contains("Only 6 clients sent masked inputs", result.AbortReason, StringComparison.Ordinal);
        Assert.Empty(result.Contributors);
        Assert.Equal(0, result.EpsilonSpent);
        var download = await Assert.ThrowsAsync<RpcException>(
            () => Aggregates.DownloadAsync(reader, opened.Round));
        Assert.Equal(StatusCode.FailedPrecondition, download.StatusCode);

        var status = await operatorClient.Connection.Operator.GetStatusAsync(new GetStatusRequest());
        Assert.Equal(0UL, status.RoundsCompleted);
        Assert.Equal(0, status.EpsilonSpent);

        // The six masked inputs were recorded when they arrived; the round then closed as
        // aborted, with its reason, and nothing was released.
        byte[] export = await HeRoundParticipant.DownloadAsync(
            operatorClient.Connection.Operator.ExportLedger(new ExportLedgerRequest()), CancellationToken.None);
        var entries = LedgerExport.Deserialize(Encoding.UTF8.GetString(export)).Entries;
        Assert.Equal(Clients - dropped.Count, entries.Count(e => e.Kind == "contribution"));
        Assert.DoesNotContain(entries, e => e.Kind == "round.closed");
        var aborted = entries[^1];
        Assert.Equal("round.aborted", aborted.Kind);
        using var payload = JsonDocument.Parse(aborted.Payload);
        string reason = payload.RootElement.GetProperty("reason").GetString()!;
        Assert.Contains("below the round's min_clients of 7", reason, StringComparison.Ordinal);
    }
}
