using SecureFed.Protocol.Masking;
using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Protocol.Tests.Masking;

public class MaskClientRefusalTests
{
    private static RoundHarness RoundAtConsistencyCheck()
    {
        var round = new RoundHarness(6, 8, 16, 5, 3);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        round.MaskStage(round.Live([round.Ids[5]]));
        return round;
    }

    [Fact]
    public void Unmask_RefusesToRevealTheOtherShareOfANeighbour()
    {
        using var round = RoundAtConsistencyCheck();
        var live = round.Live([round.Ids[5]]);
        round.ConsistencyStage(live);
        var client = round.Clients[live[0]];
        var first = client.Unmask(round.UnmaskRequest!);
        uint survivor = live[1];
        Assert.Contains(first.Shares, s => s.Owner == survivor && s.Kind == ShareKind.SelfMaskSeed);

        // Now the server claims that client dropped, which would release its mask key too.
        var second = round.UnmaskRequest! with
        {
            Survivors = round.UnmaskRequest!.Survivors.Where(v => v != survivor).ToArray(),
        };

        var refusal = Assert.Throws<ProtocolViolationException>(() => client.Unmask(second));
        Assert.Contains("will not reveal", refusal.Message);
        Assert.Same(first, client.Unmask(round.UnmaskRequest!));
    }

    [Fact]
    public void Unmask_RefusesASurvivorSetOtherThanTheOneItSigned()
    {
        using var round = RoundAtConsistencyCheck();
        var live = round.Live([round.Ids[5]]);
        round.ConsistencyStage(live);
        var client = round.Clients[live[0]];
        var other = round.UnmaskRequest! with
        {
            Survivors = round.UnmaskRequest!.Survivors.Where(v => v != live[2]).ToArray(),
        };

        Assert.Throws<ProtocolViolationException>(() => client.Unmask(other));
        Assert.Equal(MaskClientStage.SignedSurvivors, client.Stage);
    }

    [Fact]
    public void Unmask_RefusesForgedSignaturesOnTheSurvivorSet()
    {
        using var round = RoundAtConsistencyCheck();
        var live = round.Live([round.Ids[5]]);
        round.ConsistencyStage(live);
        var client = round.Clients[live[0]];
        var forged = round.UnmaskRequest! with
        {
            Signatures = round.UnmaskRequest!.Signatures
                .Select(s => s with { Signature = round.Identities[live[0]].Sign("not the survivor set"u8) })
                .ToArray(),
        };

        var refusal = Assert.Throws<ProtocolViolationException>(() => client.Unmask(forged));
        Assert.Contains("validly signed", refusal.Message);
        Assert.Equal(MaskClientStage.SignedSurvivors, client.Stage);

        // The genuine request still goes through: the refusal changed nothing.
        Assert.NotEmpty(client.Unmask(round.UnmaskRequest!).Shares);
    }

    [Fact]
    public void Unmask_RefusesASurvivorSetSignedByFewerThanThresholdNeighbours()
    {
        using var round = RoundAtConsistencyCheck();
        var live = round.Live([round.Ids[5]]);
        round.ConsistencyStage(live);
        var client = round.Clients[live[0]];
        var tooFew = round.UnmaskRequest! with
        {
            Signatures = round.UnmaskRequest!.Signatures.Where(s => s.ClientId != live[0]).Take(2).ToArray(),
        };

        Assert.Throws<ProtocolViolationException>(() => client.Unmask(tooFew));
    }

    [Fact]
    public void Unmask_RefusesSignaturesReplayedFromAnotherSigner()
    {
        using var round = RoundAtConsistencyCheck();
        var live = round.Live([round.Ids[5]]);
        round.ConsistencyStage(live);
        var client = round.Clients[live[0]];
        var one = round.UnmaskRequest!.Signatures.First(s => s.ClientId != live[0]);
        var replayed = round.UnmaskRequest! with
        {
            Signatures = round.UnmaskRequest!.Signatures.Select(s => s with { Signature = one.Signature }).ToArray(),
        };

        Assert.Throws<ProtocolViolationException>(() => client.Unmask(replayed));
    }

    [Fact]
    public void Client_RefusesMessagesForAnotherSession()
    {
        using var round = RoundAtConsistencyCheck();
        var client = round.Clients[round.Ids[0]];
        var wrongSession = round.Check! with { SessionId = new byte[32] };

        Assert.Throws<ProtocolViolationException>(() => client.SignSurvivors(wrongSession));
        Assert.Equal(MaskClientStage.MaskedInput, client.Stage);
        Assert.NotNull(client.SignSurvivors(round.Check!));
    }

    [Fact]
    public void Client_RefusesMessagesForAnotherRound()
    {
        using var round = RoundAtConsistencyCheck();
        var client = round.Clients[round.Ids[0]];

        Assert.Throws<ProtocolViolationException>(() => client.SignSurvivors(round.Check! with { Round = 8 }));
        Assert.Equal(MaskClientStage.MaskedInput, client.Stage);
    }

    [Fact]
    public void Client_RefusesASurvivorSetThatLeavesItOut()
    {
        using var round = RoundAtConsistencyCheck();
        uint self = round.Ids[0];
        var request = round.Check! with { Survivors = round.Check!.Survivors.Where(v => v != self).ToArray() };

        Assert.Throws<ProtocolViolationException>(() => round.Clients[self].SignSurvivors(request));
    }

    [Fact]
    public void MaskInput_RefusesATamperedShareAndKeepsItsState()
    {
        using var round = new RoundHarness(6, 8, 16, 5, 3);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        uint self = round.Ids[0];
        var forwarded = round.Forwarded[self];
        var box = (byte[])forwarded.Shares[0].Ciphertext.Clone();
        box[20] ^= 1;
        var tampered = forwarded with
        {
            Shares = [forwarded.Shares[0] with { Ciphertext = box }, .. forwarded.Shares.Skip(1)],
        };

        var refusal = Assert.Throws<ProtocolViolationException>(
            () => round.Clients[self].MaskInput(tampered, round.Inputs[self]));
        Assert.Contains("does not open", refusal.Message);
        Assert.Equal(MaskClientStage.SharedKeys, round.Clients[self].Stage);
        Assert.NotNull(round.Clients[self].MaskInput(forwarded, round.Inputs[self]));
    }

    [Fact]
    public void MaskInput_RefusesASharePretendingToComeFromAnotherNeighbour()
    {
        using var round = new RoundHarness(6, 8, 16, 5, 3);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        uint self = round.Ids[0];
        var forwarded = round.Forwarded[self];
        var swapped = forwarded with
        {
            Shares =
            [
                forwarded.Shares[0] with { Sender = forwarded.Shares[1].Sender },
                forwarded.Shares[1],
                .. forwarded.Shares.Skip(2),
            ],
        };

        Assert.Throws<ProtocolViolationException>(() => round.Clients[self].MaskInput(swapped, round.Inputs[self]));
    }

    [Fact]
    public void ShareKeys_RefusesAForgedNeighbourAdvertisement()
    {
        using var round = new RoundHarness(5, 8, 16, 4, 3);
        round.AdvertiseStage(round.Ids);
        var keys = round.Advertised!.Keys.ToArray();
        keys[1] = keys[1] with { MaskPublicKey = keys[2].MaskPublicKey };

        var refusal = Assert.Throws<ProtocolViolationException>(
            () => round.Clients[round.Ids[0]].ShareKeys(round.Advertised with { Keys = keys }));
        Assert.Contains("not validly signed", refusal.Message);
        Assert.Equal(MaskClientStage.Advertised, round.Clients[round.Ids[0]].Stage);
    }

    [Fact]
    public void ShareKeys_RefusesAdvertisementsThatAlterItsOwnKeys()
    {
        using var round = new RoundHarness(5, 8, 16, 4, 3);
        round.AdvertiseStage(round.Ids);
        var keys = round.Advertised!.Keys.ToArray();
        keys[0] = keys[0] with { CipherPublicKey = keys[1].CipherPublicKey };

        Assert.Throws<ProtocolViolationException>(
            () => round.Clients[round.Ids[0]].ShareKeys(round.Advertised with { Keys = keys }));
    }

    [Theory]
    [InlineData(4, 2)]  // t not above k / 2
    [InlineData(4, 5)]  // t above k
    [InlineData(3, 2)]  // odd degree below the complete graph
    public void Advertise_RefusesASetupThatWeakensTheProtocol(int degree, int threshold)
    {
        using var round = new RoundHarness(8, 8, 16, 4, 3);
        var weak = round.Setup with { Degree = degree, Threshold = threshold };

        Assert.Throws<ProtocolViolationException>(() => round.Clients[round.Ids[0]].Advertise(weak));
        Assert.Equal(MaskClientStage.Idle, round.Clients[round.Ids[0]].Stage);
    }

    [Fact]
    public void Advertise_RefusesARoundItIsNotPartOf()
    {
        using var round = new RoundHarness(5, 8, 16, 4, 3);
        var without = round.Setup with { Participants = round.Ids.Skip(1).ToArray(), Degree = 3 };

        Assert.Throws<ProtocolViolationException>(() => round.Clients[round.Ids[0]].Advertise(without));
    }

    [Fact]
    public void Client_RefusesMessagesOutOfTurn()
    {
        using var round = new RoundHarness(5, 8, 16, 4, 3);
        round.AdvertiseStage(round.Ids);
        var client = round.Clients[round.Ids[0]];

        Assert.Throws<ProtocolViolationException>(() => client.Advertise(round.Setup));
        Assert.Throws<ProtocolViolationException>(
            () => client.SignSurvivors(new ConsistencyCheckRequest(round.Setup.Round, new byte[32], round.Ids)));
    }

    // A server that skips its own min_clients check (MinSurvivors 0) in front of clients
    // that hold the round's min_clients of 7: a complete graph of 8 with t = 5. The clients
    // at the indexes in droppedAt send no masked input.
    private static RoundHarness RoundBelowMinClients(params int[] droppedAt)
    {
        var round = new RoundHarness(
            8, 8, 16, 7, 5, clientPolicy: MaskClientPolicy.Default with { MinSurvivors = 7 });
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        round.MaskStage(round.Live(droppedAt.Select(i => round.Ids[i])));
        return round;
    }

    [Fact]
    public void SignSurvivors_SurvivorSetBelowMinClients_RefusesAndTheSumStaysMasked()
    {
        using var round = RoundBelowMinClients(3, 6);
        Assert.Equal(6, round.Check!.Survivors.Count);

        foreach (uint id in round.Check.Survivors)
        {
            var client = round.Clients[id];
            var refusal = Assert.Throws<ProtocolViolationException>(
                () => client.SignSurvivors(round.Check));
            Assert.Contains("6 clients", refusal.Message);
            Assert.Contains("min_clients of 7", refusal.Message);
            Assert.Equal(MaskClientStage.MaskedInput, client.Stage);
        }

        // No survivor signed, so no client will reveal a share and the server cannot unmask.
        Assert.Throws<RoundAbortedException>(() => round.Server.CloseConsistencyCheck());
        Assert.Throws<ProtocolViolationException>(() => round.Server.Finish());
    }

    [Fact]
    public void Unmask_SurvivorSetBelowMinClients_RefusesAndRevealsNoShare()
    {
        using var round = RoundBelowMinClients();
        round.ConsistencyStage(round.Ids);
        var client = round.Clients[round.Ids[0]];

        // The server swaps in a smaller survivor set once every client has signed the full one.
        uint[] gone = [round.Ids[3], round.Ids[6]];
        var smaller = round.UnmaskRequest! with
        {
            Survivors = round.UnmaskRequest!.Survivors.Except(gone).ToArray(),
        };

        var refusal = Assert.Throws<ProtocolViolationException>(() => client.Unmask(smaller));
        Assert.Contains("6 clients", refusal.Message);
        Assert.Contains("min_clients of 7", refusal.Message);
        Assert.Equal(MaskClientStage.SignedSurvivors, client.Stage);

        // The refusal released nothing: the genuine request still gets the one answer.
        Assert.Equal(round.Ids.Length - 1, client.Unmask(round.UnmaskRequest!).Shares.Count);
    }

    [Fact]
    public void Advertise_SetupWithFewerParticipantsThanMinClients_IsRefused()
    {
        using var round = new RoundHarness(
            6, 8, 16, 5, 3, clientPolicy: MaskClientPolicy.Default with { MinSurvivors = 7 });
        var client = round.Clients[round.Ids[0]];

        var refusal = Assert.Throws<ProtocolViolationException>(() => client.Advertise(round.Setup));
        Assert.Contains("6 participants", refusal.Message);
        Assert.Contains("min_clients of 7", refusal.Message);
        Assert.Equal(MaskClientStage.Idle, client.Stage);
    }
}
