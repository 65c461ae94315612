using SecureFed.Protocol.Masking;
using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Protocol.Tests.Masking;

public class MaskServerRefusalTests
{
    [Fact]
    public void Server_RefusesAReplayedAdvertisement()
    {
        using var round = new RoundHarness(5, 8, 16, 4, 3);
        var advert = round.Clients[round.Ids[0]].Advertise(round.Setup);
        round.Server.ReceiveAdvertisement(advert);

        Assert.Throws<ProtocolViolationException>(() => round.Server.ReceiveAdvertisement(advert));
    }

    [Fact]
    public void Server_RefusesAnAdvertisementWithAForgedSignature()
    {
        using var round = new RoundHarness(5, 8, 16, 4, 3);
        var advert = round.Clients[round.Ids[0]].Advertise(round.Setup);
        var forged = advert with { Signature = round.Identities[round.Ids[1]].Sign("anything"u8) };

        var refusal = Assert.Throws<ProtocolViolationException>(() => round.Server.ReceiveAdvertisement(forged));
        Assert.Contains("not validly signed", refusal.Message);
        round.Server.ReceiveAdvertisement(advert);
    }

    [Fact]
    public void Server_RefusesUnknownSendersAndOtherRounds()
    {
        using var round = new RoundHarness(5, 8, 16, 4, 3);
        var advert = round.Clients[round.Ids[0]].Advertise(round.Setup);

        Assert.Throws<ProtocolViolationException>(
            () => round.Server.ReceiveAdvertisement(advert with { ClientId = 999 }));
        Assert.Throws<ProtocolViolationException>(() => round.Server.ReceiveAdvertisement(advert with { Round = 6 }));
    }

    [Fact]
    public void Server_RefusesReplayedAndMisshapenMaskedInputs_AndTheSumStaysExact()
    {
        using var round = new RoundHarness(5, 9, 12, 4, 3);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        var inputs = round.Ids.ToDictionary(
            id => id, id => round.Clients[id].MaskInput(round.Forwarded[id], round.Inputs[id]));
        var first = inputs[round.Ids[0]];
        round.Server.ReceiveMaskedInput(first);

        Assert.Throws<ProtocolViolationException>(() => round.Server.ReceiveMaskedInput(first));
        Assert.Throws<ProtocolViolationException>(
            () => round.Server.ReceiveMaskedInput(inputs[round.Ids[1]] with { PackedVector = new byte[13] }));
        var badPadding = (byte[])inputs[round.Ids[1]].PackedVector.Clone();
        badPadding[^1] |= 0x80;
        Assert.Throws<ProtocolViolationException>(
            () => round.Server.ReceiveMaskedInput(inputs[round.Ids[1]] with { PackedVector = badPadding }));
        Assert.Throws<ProtocolViolationException>(
            () => round.Server.ReceiveMaskedInput(inputs[round.Ids[1]] with { SessionId = new byte[32] }));

        foreach (uint id in round.Ids.Skip(1))
        {
            round.Server.ReceiveMaskedInput(inputs[id]);
        }

        round.CloseMaskStage();
        round.ConsistencyStage(round.Ids);
        Assert.Equal(round.PlainSum(round.Ids), round.UnmaskStage(round.Ids).Sum);
    }

    [Fact]
    public void Server_RefusesSharesAddressedToNonNeighbours()
    {
        using var round = new RoundHarness(8, 8, 16, 4, 3);
        round.AdvertiseStage(round.Ids);
        uint sender = round.Ids[0];
        var message = round.Clients[sender].ShareKeys(round.Advertised!);
        uint stranger = round.Ids.First(v => v != sender && !round.Server.Graph.AreNeighbours(sender, v));
        var misdirected = message with
        {
            Shares = [message.Shares[0] with { Recipient = stranger }, .. message.Shares.Skip(1)],
        };

        Assert.Throws<ProtocolViolationException>(() => round.Server.ReceiveShareKeys(misdirected));
        round.Server.ReceiveShareKeys(message);
    }

    [Fact]
    public void Server_RefusesAShareOfTheWrongKind()
    {
        using var round = new RoundHarness(6, 8, 16, 5, 3);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        round.MaskStage(round.Ids);
        round.ConsistencyStage(round.Ids);
        var response = round.Clients[round.Ids[0]].Unmask(round.UnmaskRequest!);
        var wrongKind = response with
        {
            Shares = [response.Shares[0] with { Kind = ShareKind.MaskKey }, .. response.Shares.Skip(1)],
        };

        Assert.Throws<ProtocolViolationException>(() => round.Server.ReceiveUnmaskResponse(wrongKind));
        round.Server.ReceiveUnmaskResponse(response);
    }

    [Fact]
    public void Server_RefusesASurvivorSignatureOnAnotherSet()
    {
        using var round = new RoundHarness(5, 8, 16, 4, 3);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        round.MaskStage(round.Ids);
        var signature = round.Clients[round.Ids[0]].SignSurvivors(round.Check!);
        var other = signature with { Signature = round.Identities[round.Ids[0]].Sign("other set"u8) };

        Assert.Throws<ProtocolViolationException>(() => round.Server.ReceiveConsistencySignature(other));
        round.Server.ReceiveConsistencySignature(signature);
    }

    [Fact]
    public void Server_RejectsASetupWithAThresholdAtMostHalfTheDegree()
    {
        using var round = new RoundHarness(8, 8, 16, 4, 3);
        var weak = round.Setup with { Threshold = 2 };

        var e = Assert.Throws<ArgumentException>(() => new MaskServer(weak, round.Directory));
        Assert.Contains("above half the degree", e.Message);
    }
}
