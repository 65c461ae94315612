using Google.Protobuf;
using Grpc.Core;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Enclave.Tests.Integration;

/// <summary>
/// Messages from enrolled clients that the round must refuse although they are well formed
/// and correctly signed: a message sent again, a message for another round or federation,
/// and a message naming another client than the caller. Each refusal changes nothing, and
/// the round then completes with exactly the honest clients' sum.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class RoundMessageRejectionTests
{
    [Fact]
    public async Task AdvertiseKeys_SentTwice_ReplayIsAlreadyExistsAndRoundCompletesExactly()
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        await round.JoinAsync();
        var victim = round.Clients[0];

        var refused = await victim.AdvertiseTwiceAsync();

        Assert.Equal(StatusCode.AlreadyExists, refused);
        await round.AdvertiseAsync();
        await round.ShareAsync();
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }

    [Fact]
    public async Task UploadMaskedInput_SentTwice_ReplayIsAlreadyExistsAndRecordedOnce()
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        await round.ReachMaskingAsync();
        var victim = round.Clients[0];
        var header = victim.SignUpload(round.Round.Round, victim.Id, victim.MaskedVector);
        var before = await round.SnapshotAsync();
        var taken = await victim.UploadRawAsync(header, [victim.MaskedVector]);
        var afterFirst = await round.SnapshotAsync();
        Assert.Equal(before.LedgerSize + 1, afterFirst.LedgerSize);

        var refused = await SteppedMaskRound.RefusalAsync(
            () => victim.UploadRawAsync(header, [victim.MaskedVector]));

        Assert.Equal(StatusCode.AlreadyExists, refused);
        Assert.NotNull(taken.Receipt);
        Assert.Equal(afterFirst, await round.SnapshotAsync());

        // Had the replay entered the running sum, the victim's input would count twice.
        await round.UploadAsync(round.Clients.Skip(1));
        await round.AssertCompletesExactlyAsync();
    }

    [Theory]
    [InlineData("next round")]
    [InlineData("earlier round")]
    [InlineData("other federation")]
    public async Task AdvertiseKeys_ForAnotherRound_IsFailedPreconditionAndRoundCompletesExactly(string target)
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        await round.JoinAsync();
        var victim = round.Clients[0];
        var before = await round.SnapshotAsync();
        var (federation, number) = target switch
        {
            "next round" => (round.Round.FederationId, round.Round.Round + 1),
            "earlier round" => (round.Round.FederationId, round.Round.Round - 1),
            _ => (ByteString.CopyFrom(new byte[16]), round.Round.Round),
        };

        // The victim's own signed advertisement, sent in a request that names another round.
        var request = new AdvertiseKeysRequest
        {
            Round = new RoundRef { FederationId = federation, Round = number },
            Advertisement = victim.AdvertiseRequest.Advertisement,
        };
        var refused = await SteppedMaskRound.RefusalAsync(
            () => victim.Rounds.AdvertiseKeysAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, refused);
        Assert.Equal(before, await round.SnapshotAsync());
        await round.AdvertiseAsync();
        await round.ShareAsync();
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }

    [Fact]
    public async Task UploadMaskedInput_StatementSignedForNextRound_IsFailedPreconditionAndRecordsNothing()
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        await round.ReachMaskingAsync();
        var victim = round.Clients[0];
        var before = await round.SnapshotAsync();

        // A masked input that would be accepted now, but whose signed statement commits it to
        // the round after this one.
        var refused = await SteppedMaskRound.RefusalAsync(
            () => victim.UploadAsync(round.Round.Round + 1, victim.Id, victim.MaskedVector));

        Assert.Equal(StatusCode.FailedPrecondition, refused);
        Assert.Equal(before, await round.SnapshotAsync());
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }

    [Fact]
    public async Task JoinRound_ClaimingAnotherClientsId_IsPermissionDeniedAndRoundCompletesExactly()
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        var (impostor, victim) = (round.Clients[1], round.Clients[0]);
        var before = await round.SnapshotAsync();

        var refused = await SteppedMaskRound.RefusalAsync(() => impostor.Rounds.JoinRoundAsync(
            new JoinRoundRequest { Round = round.Round, ClientId = victim.Id }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused);
        Assert.Equal(before, await round.SnapshotAsync());
        await round.ReachMaskingAsync();
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }

    [Fact]
    public async Task AdvertiseKeys_RelayingAnotherClientsSignedAdvertisement_IsPermissionDenied()
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        await round.JoinAsync();
        var (impostor, victim) = (round.Clients[1], round.Clients[0]);

        // The victim's genuine advertisement, whose signature verifies, sent over the
        // impostor's connection: only the caller's certificate says it is not the victim.
        var refused = await SteppedMaskRound.RefusalAsync(
            () => impostor.Rounds.AdvertiseKeysAsync(victim.AdvertiseRequest).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused);

        // The victim's own advertisement is then taken, not refused as a replay.
        await round.AdvertiseAsync();
        await round.ShareAsync();
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }

    [Fact]
    public async Task UploadMaskedInput_SignedByCallerInAnotherClientsName_IsPermissionDeniedAndRecordsNothing()
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        await round.ReachMaskingAsync();
        var (impostor, victim) = (round.Clients[1], round.Clients[0]);
        var before = await round.SnapshotAsync();

        var refused = await SteppedMaskRound.RefusalAsync(
            () => impostor.UploadAsync(round.Round.Round, victim.Id, impostor.MaskedVector));

        Assert.Equal(StatusCode.PermissionDenied, refused);
        Assert.Equal(before, await round.SnapshotAsync());

        // The victim's own upload is taken, and the impostor's input counts once.
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }
}
