using Google.Protobuf;
using Grpc.Core;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Simulator.Federation;

namespace SecureFed.Simulator.Tests.Federation;

/// <summary>
/// The appliance refuses, over real gRPC, to open a round that could take the federation past
/// its epsilon limit or that SecAgg+ could never run, and the refusal changes nothing.
/// </summary>
[Collection("Federation")]
public class RoundOpeningRefusalTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task OpenRound_OverTheFederationsEpsilon_IsRefusedAndChangesNothing()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var federation = await LoopbackFederation.StartAsync(epsilonLimit: 1.0);
        await Task.WhenAll(Enumerable.Range(1, 4).Select(
            i => federation.EnrollAsync(ParticipantRole.Client, $"client-{i}", timeout.Token)));
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator").Connection.Operator;
        var before = await operatorClient.GetStatusAsync(new GetStatusRequest(), cancellationToken: timeout.Token);

        // One round at noise multiplier 0.5 costs far more than epsilon 1 at delta 1e-5.
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await operatorClient.OpenRoundAsync(
            DpRound(noiseMultiplier: 0.5), cancellationToken: timeout.Token));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("over the federation's limit", refused.Status.Detail, StringComparison.Ordinal);
        var after = await operatorClient.GetStatusAsync(new GetStatusRequest(), cancellationToken: timeout.Token);
        Assert.Equal(before.LedgerEntries, after.LedgerEntries);
        Assert.Equal(before.CurrentRound, after.CurrentRound);
        Assert.Equal("idle", after.CurrentStage);
        Assert.Equal(0, after.EpsilonSpent);

        // A round well inside the limit still opens: the refusal was about the budget alone.
        var opened = await operatorClient.OpenRoundAsync(
            DpRound(noiseMultiplier: 40), cancellationToken: timeout.Token);
        Assert.Equal(1ul, opened.Round.Round);
    }

    [Fact]
    public async Task OpenRound_MaskWithTooFewClientsForSecAggPlus_IsRefusedAndChangesNothing()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var federation = await LoopbackFederation.StartAsync();
        await Task.WhenAll(Enumerable.Range(1, 4).Select(
            i => federation.EnrollAsync(ParticipantRole.Client, $"client-{i}", timeout.Token)));
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator").Connection.Operator;
        var before = await operatorClient.GetStatusAsync(new GetStatusRequest(), cancellationToken: timeout.Token);

        // Four clients with 5% dropouts and 5% corrupt clients round up to one of each, and no
        // SecAgg+ threshold then both survives the dropout and outnumbers the corrupt.
        var request = DpRound(noiseMultiplier: 40);
        request.DropoutRate = 0.05;
        request.CorruptRate = 0.05;
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await operatorClient.OpenRoundAsync(
            request, cancellationToken: timeout.Token));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("No SecAgg+ parameters", refused.Status.Detail, StringComparison.Ordinal);
        var after = await operatorClient.GetStatusAsync(new GetStatusRequest(), cancellationToken: timeout.Token);
        Assert.Equal(before.LedgerEntries, after.LedgerEntries);
        Assert.Equal(before.CurrentRound, after.CurrentRound);
        Assert.Equal("idle", after.CurrentStage);
    }

    private static OpenRoundRequest DpRound(double noiseMultiplier) => new()
    {
        Mode = ProtectionMode.Mask,
        Bits = 24,
        MinClients = 3,
        MaxClients = 4,
        JoinTimeoutMs = 30_000,
        StageTimeoutMs = 30_000,
        DropoutRate = 0,
        CorruptRate = 0,
        Dp = new DpSettings
        {
            Noise = DpSettings.Types.Noise.Skellam,
            NoiseMultiplier = noiseMultiplier,
            Clip = 1,
            ExpectedClients = 4,
            RotationSeed = ByteString.CopyFrom(new byte[32]),
            ModelDimension = 64,
        },
    };
}
