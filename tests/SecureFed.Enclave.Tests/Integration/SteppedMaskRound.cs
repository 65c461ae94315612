using Grpc.Core;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Masking;
using SecureFed.Simulator.Federation;

namespace SecureFed.Enclave.Tests.Integration;

/// <summary>
/// A fresh appliance on loopback with an operator and enrolled clients, and one open
/// mask-mode round that the test moves stage by stage. Its deadlines are long, so a stage
/// closes only when every client has sent its message, never while a test is still
/// probing it.
/// </summary>
internal sealed class SteppedMaskRound : IAsyncDisposable
{
    public const int ValueBits = 16;

    private SteppedMaskRound(
        LoopbackFederation federation, SimulatedParticipant operatorClient, RoundRef round,
        int dimension, int bits, SteppedMaskClient[] clients)
    {
        Federation = federation;
        Operator = operatorClient;
        Round = round;
        Dimension = dimension;
        Bits = bits;
        Clients = clients;
    }

    public LoopbackFederation Federation { get; }

    public SimulatedParticipant Operator { get; }

    public RoundRef Round { get; }

    public int Dimension { get; }

    public int Bits { get; }

    public SteppedMaskClient[] Clients { get; }

    /// <summary>Starts an appliance, enrolls <paramref name="clients"/> clients and opens a round.</summary>
    public static async Task<SteppedMaskRound> OpenAsync(int clients = 4, int dimension = 40, int seed = 1)
    {
        var federation = await LoopbackFederation.StartAsync();
        try
        {
            var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
            var enrolled = new List<SimulatedParticipant>();
            for (int i = 1; i <= clients; i++)
            {
                enrolled.Add(await federation.EnrollAsync(ParticipantRole.Client, $"client-{i}"));
            }

            int bits = ModulusBits.For(clients, 1UL << ValueBits);
            var opened = await operatorClient.Connection.Operator.OpenRoundAsync(new OpenRoundRequest
            {
                Mode = ProtectionMode.Mask,
                Dimension = (uint)dimension,
                Bits = (uint)bits,
                MinClients = (uint)clients,
                MaxClients = (uint)clients,
                JoinTimeoutMs = 60_000,
                StageTimeoutMs = 60_000,
                // No client of a stepped round drops out, and with four clients even a 5%
                // dropout rate is one dropout too many for SecAgg+ parameters to exist.
                DropoutRate = 0,
                CorruptRate = 0.05,
            });
            var random = new Random(seed);
            SteppedMaskClient[] stepped = [.. enrolled.Select(c => new SteppedMaskClient(
                c, opened.Round, Aggregates.RandomInput(random, dimension, ValueBits)))];
            return new SteppedMaskRound(federation, operatorClient, opened.Round, dimension, bits, stepped);
        }
        catch
        {
            await federation.DisposeAsync();
            throw;
        }
    }

    public Task<StatusResponse> StatusAsync() =>
        Operator.Connection.Operator.GetStatusAsync(new GetStatusRequest()).ResponseAsync;

    /// <summary>The appliance's state as the operator sees it.</summary>
    public Task<ApplianceSnapshot> SnapshotAsync() => ApplianceSnapshot.TakeAsync(Operator);

    public Task JoinAsync() => Task.WhenAll(Clients.Select(c => c.JoinAsync()));

    public Task AdvertiseAsync(IEnumerable<SteppedMaskClient>? clients = null) =>
        Task.WhenAll((clients ?? Clients).Select(c => c.AdvertiseAsync()));

    /// <summary>Joins, advertises and shares keys, so that every client may upload.</summary>
    public async Task ReachMaskingAsync()
    {
        await JoinAsync();
        await AdvertiseAsync();
        await ShareAsync();
    }

    public Task ShareAsync() => Task.WhenAll(Clients.Select(c => c.ShareAsync()));

    public Task UploadAsync(IEnumerable<SteppedMaskClient>? clients = null) =>
        Task.WhenAll((clients ?? Clients).Select(c => c.UploadAsync()));

    /// <summary>Runs the remaining stages and checks that every client contributed exactly.</summary>
    public async Task AssertCompletesExactlyAsync()
    {
        var results = await Task.WhenAll(Clients.Select(c => c.FinishAsync()));
        foreach (var result in results)
        {
            Assert.True(result.Completed, result.AbortReason);
            Assert.Equal(Clients.Select(c => c.Id).Order(), result.Contributors.Order());
        }

        var aggregate = await Aggregates.DownloadAsync(Clients[0].Participant, Round);
        Assert.Equal(Aggregates.Sum(Clients.Select(c => c.Input), Dimension, Bits), aggregate);
    }

    /// <summary>Awaits a call the appliance must refuse, and returns how it refused it.</summary>
    public static async Task<StatusCode> RefusalAsync(Func<Task> call)
    {
        var refusal = await Assert.ThrowsAsync<RpcException>(call);
        return refusal.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
        {
            client.Dispose();
        }

        await Federation.DisposeAsync();
    }
}
