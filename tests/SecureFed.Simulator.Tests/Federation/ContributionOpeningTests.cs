using Grpc.Core;
using Google.Protobuf;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Simulator.Federation;

namespace SecureFed.Simulator.Tests.Federation;

/// <summary>
/// The custodians' spot-check of an HE aggregate over real gRPC with mutual TLS: the round
/// stays exact with the check on, and the appliance opens contributions to nobody else.
/// </summary>
[Collection("Federation")]
public class ContributionOpeningTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task HeRound_WithTheSpotCheck_DecryptsTheExactSum()
    {
        using var timeout = new CancellationTokenSource(Patience);

        FederationRoundReport report = await FederationRound.RunAsync(
            new FederationRoundOptions(ProtectionMode.He, Clients: 4, Dimension: 300, Custodians: 3, Threshold: 2),
            timeout.Token);

        Assert.True(report.Exact);
        Assert.Equal(4, report.Contributors);
    }

    [Fact]
    public async Task OpenContributions_WithoutAPendingDecryption_IsRefused()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var federation = await LoopbackFederation.StartAsync();
        var custodian = await federation.EnrollAsync(ParticipantRole.Custodian, "custodian-1", timeout.Token);

        var refusal = await Assert.ThrowsAsync<RpcException>(
            () => DrainAsync(custodian.Connection.Custodians, Request(federation, custodian.Credentials!.ParticipantId),
                timeout.Token));

        Assert.Equal(StatusCode.FailedPrecondition, refusal.StatusCode);
        Assert.Contains("no decryption pending", refusal.Status.Detail);
    }

    [Fact]
    public async Task OpenContributions_ByAClient_IsDeniedByRole()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var federation = await LoopbackFederation.StartAsync();
        var client = await federation.EnrollAsync(ParticipantRole.Client, "client-1", timeout.Token);

        var refusal = await Assert.ThrowsAsync<RpcException>(
            () => DrainAsync(client.Connection.Custodians, Request(federation, client.Credentials!.ParticipantId),
                timeout.Token));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
    }

    private static OpenContributionsRequest Request(LoopbackFederation federation, uint custodianId)
    {
        var request = new OpenContributionsRequest
        {
            Round = new RoundRef { FederationId = ByteString.CopyFrom(federation.FederationId), Round = 1 },
            CustodianId = custodianId,
        };
        request.ClientIds.Add(1);
        request.ChunkIndices.Add(0);
        return request;
    }

    private static async Task DrainAsync(
        Custodians.CustodiansClient custodians, OpenContributionsRequest request, CancellationToken cancellation)
    {
        using var call = custodians.OpenContributions(request, cancellationToken: cancellation);
        while (await call.ResponseStream.MoveNext(cancellation))
        {
        }
    }
}
