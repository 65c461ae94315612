using Google.Protobuf;
using Grpc.Core;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Masking;

namespace SecureFed.Enclave.Tests.Integration;

/// <summary>
/// Masked uploads and messages of the wrong size. The appliance checks an upload's length
/// against the round's dimension before it reads the data, and against every chunk as it
/// reads, and gRPC refuses any single message over MessageLimits.MaxMessageBytes. Nothing
/// refused is recorded, and the round then completes with exactly the honest sum.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class UploadRejectionTests
{
    [Fact]
    public Task UploadMaskedInput_PackedForAnotherDimension_IsInvalidArgumentAndRecordsNothing() =>
        AssertUploadRefusedAsync(StatusCode.InvalidArgument, (round, victim) =>
        {
            // A vector one coordinate longer, bit-packed as the round's would be, with a
            // statement that honestly signs its length: the length alone is wrong.
            int longer = PackedVector.ByteLength(round.Dimension + 1, round.Bits);
            Assert.NotEqual(victim.MaskedVector.Length, longer);
            byte[] vector = [.. victim.MaskedVector, .. new byte[longer - victim.MaskedVector.Length]];
            return victim.UploadAsync(round.Round.Round, victim.Id, vector);
        });

    [Fact]
    public Task UploadMaskedInput_StreamShorterThanStatement_IsInvalidArgumentAndRecordsNothing() =>
        AssertUploadRefusedAsync(StatusCode.InvalidArgument, (round, victim) =>
        {
            // The statement is the victim's real one; the stream stops one byte short of it.
            var header = victim.SignUpload(round.Round.Round, victim.Id, victim.MaskedVector);
            return victim.UploadRawAsync(header, [victim.MaskedVector[..^1]]);
        });

    [Fact]
    public Task UploadMaskedInput_StreamLongerThanStatement_IsResourceExhaustedAndRecordsNothing() =>
        AssertUploadRefusedAsync(StatusCode.ResourceExhausted, (round, victim) =>
        {
            // Every chunk is small; only their total runs past the round's length.
            var header = victim.SignUpload(round.Round.Round, victim.Id, victim.MaskedVector);
            return victim.UploadRawAsync(header, [victim.MaskedVector, [0]]);
        });

    [Fact]
    public Task UploadMaskedInput_HeaderOverMaxMessageSize_IsResourceExhaustedAndRecordsNothing() =>
        AssertUploadRefusedAsync(StatusCode.ResourceExhausted, (round, victim) =>
        {
            // The victim's real statement with a session id padded past the limit. The
            // client's channel sends up to the ceremony's limit, so the message reaches the
            // appliance; the header, not a chunk, carries the excess, so that no length check
            // of the handler could be what refuses it.
            var header = victim.SignUpload(round.Round.Round, victim.Id, victim.MaskedVector);
            header.SessionId = ByteString.CopyFrom(new byte[MessageLimits.MaxMessageBytes]);
            return victim.UploadRawAsync(header, [victim.MaskedVector]);
        });

    [Fact]
    public async Task AdvertiseKeys_OverMaxMessageSize_IsResourceExhaustedAndRoundCompletesExactly()
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        await round.JoinAsync();
        var victim = round.Clients[0];
        var before = await round.SnapshotAsync();

        // The victim's own advertisement, padded past the limit with a field the appliance
        // would otherwise reject only after reading it.
        var oversized = victim.AdvertiseRequest.Clone();
        oversized.Advertisement.CipherPublicKey = ByteString.CopyFrom(new byte[MessageLimits.MaxMessageBytes]);
        var refused = await SteppedMaskRound.RefusalAsync(
            () => victim.Rounds.AdvertiseKeysAsync(oversized).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused);
        Assert.Equal(before, await round.SnapshotAsync());

        // Had the appliance taken it, the victim's real advertisement would be a replay.
        await round.AdvertiseAsync();
        await round.ShareAsync();
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }

    // Opens a round, brings it to the masking stage, has the first client make the refused
    // upload, and checks the status, that the appliance's state did not move, and that the
    // round still completes with exactly the honest sum.
    private static async Task AssertUploadRefusedAsync(
        StatusCode expected, Func<SteppedMaskRound, SteppedMaskClient, Task> upload)
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        await round.ReachMaskingAsync();
        var victim = round.Clients[0];
        var before = await round.SnapshotAsync();

        var refused = await SteppedMaskRound.RefusalAsync(() => upload(round, victim));

        Assert.Equal(expected, refused);
        Assert.Equal(before, await round.SnapshotAsync());
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }
}
