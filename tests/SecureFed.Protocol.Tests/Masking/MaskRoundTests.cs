using SecureFed.Protocol.Masking;

namespace SecureFed.Protocol.Tests.Masking;

public class MaskRoundTests
{
    [Theory]
    [InlineData(5, 4, 3, 32)]    // complete graph
    [InlineData(12, 6, 4, 20)]   // Harary graph
    [InlineData(9, 8, 5, 64)]    // complete graph, full 64-bit modulus
    [InlineData(10, 4, 3, 1)]    // one-bit modulus
    public void Sum_IsExact_WithoutDropouts(int n, int k, int t, int bits)
    {
        using var round = new RoundHarness(n, 37, bits, k, t);

        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        round.MaskStage(round.Ids);
        round.ConsistencyStage(round.Ids);
        var result = round.UnmaskStage(round.Ids);

        Assert.Equal(round.PlainSum(round.Ids), result.Sum);
        Assert.Equal(round.Ids, result.Survivors);
        Assert.Empty(result.DroppedAfterSharing);
    }

    [Theory]
    [InlineData("advertise")]
    [InlineData("share")]
    [InlineData("mask")]
    [InlineData("consistency")]
    [InlineData("unmask")]
    public void Sum_IsExact_WithDropoutsAtEachStage(string stage)
    {
        using var round = new RoundHarness(14, 50, 24, 8, 5);
        uint[] dropped = [round.Ids[2], round.Ids[9]];
        var live = round.Live(dropped);

        round.AdvertiseStage(stage == "advertise" ? live : round.Ids);
        round.ShareStage(stage is "advertise" or "share" ? live : round.Ids);
        round.MaskStage(stage is "consistency" or "unmask" ? round.Ids : live);
        round.ConsistencyStage(stage == "unmask" ? round.Ids : live);
        var result = round.UnmaskStage(live);

        var contributors = stage is "consistency" or "unmask" ? round.Ids : live;
        Assert.Equal(round.PlainSum(contributors), result.Sum);
        Assert.Equal(contributors, result.Survivors);
        Assert.Equal(stage == "mask" ? dropped : [], result.DroppedAfterSharing);
    }

    [Fact]
    public void Round_Aborts_WhenASurvivorKeepsFewerThanThresholdLiveNeighbours()
    {
        // Complete graph of 6 with t = 4: each client has 5 neighbours, so losing 2 after
        // sharing leaves 3 live holders of the dropped clients' keys.
        using var round = new RoundHarness(6, 10, 16, 5, 4);
        uint[] dropped = [round.Ids[0], round.Ids[1], round.Ids[2]];

        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        foreach (uint id in round.Live(dropped))
        {
            round.Server.ReceiveMaskedInput(round.Clients[id].MaskInput(round.Forwarded[id], round.Inputs[id]));
        }

        var abort = Assert.Throws<RoundAbortedException>(() => round.Server.CloseMasking());
        Assert.Contains("below the threshold 4", abort.Message);
        Assert.Equal(MaskServerStage.Aborted, round.Server.Stage);
    }

    [Fact]
    public void Round_Aborts_WhenTooFewClientsRevealShares()
    {
        using var round = new RoundHarness(6, 10, 16, 5, 4);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        round.MaskStage(round.Ids);
        round.ConsistencyStage(round.Ids);

        // Only three clients answer the unmask request: every seed has at most 3 shares.
        var abort = Assert.Throws<RoundAbortedException>(() => round.UnmaskStage(round.Ids.Take(3)));
        Assert.Contains("below the threshold 4", abort.Message);
        Assert.Equal(MaskServerStage.Aborted, round.Server.Stage);
    }

    [Fact]
    public void Client_Aborts_WhenFewerThanThresholdNeighboursAdvertise()
    {
        using var round = new RoundHarness(6, 10, 16, 5, 4);
        var live = round.Ids.Take(4).ToArray();
        round.AdvertiseStage(live);

        var abort = Assert.Throws<RoundAbortedException>(() => round.Clients[live[0]].ShareKeys(round.Advertised!));
        Assert.Contains("only 3 neighbours advertised", abort.Message);
        Assert.Equal(MaskClientStage.Aborted, round.Clients[live[0]].Stage);
    }

    [Fact]
    public void Sum_IsExact_WhenTheSurvivorsRevealMoreSharesThanTheThreshold()
    {
        // All five survivors answer with t = 3: the extra shares are checked for consistency.
        using var round = new RoundHarness(6, 20, 32, 5, 3);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        var live = round.Live([round.Ids[5]]);
        round.MaskStage(live);
        round.ConsistencyStage(live);

        var result = round.UnmaskStage(live);

        Assert.Equal(round.PlainSum(live), result.Sum);
    }

    [Fact]
    public void CloseMasking_FewerSurvivorsThanMinSurvivors_AbortsBeforeAnyShareIsAskedFor()
    {
        // Complete graph of 8 with t = 5 and min_clients 7: two dropouts after sharing leave
        // 6 survivors, enough for the threshold but not for the budgets' noise shares.
        using var round = new RoundHarness(8, 10, 16, 7, 5, serverMinSurvivors: 7);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        foreach (uint id in round.Live([round.Ids[1], round.Ids[4]]))
        {
            round.Server.ReceiveMaskedInput(round.Clients[id].MaskInput(round.Forwarded[id], round.Inputs[id]));
        }

        var abort = Assert.Throws<RoundAbortedException>(() => round.Server.CloseMasking());
        Assert.Contains("Only 6 clients sent masked inputs", abort.Message);
        Assert.Contains("min_clients of 7", abort.Message);
        Assert.Equal(MaskServerStage.Aborted, round.Server.Stage);
        Assert.Throws<ProtocolViolationException>(() => round.Server.Finish());
    }

    [Fact]
    public void Round_SurvivorsExactlyMinSurvivors_CompletesWithTheExactSum()
    {
        var policy = MaskClientPolicy.Default with { MinSurvivors = 6 };
        using var round = new RoundHarness(8, 10, 16, 7, 5, serverMinSurvivors: 6, clientPolicy: policy);
        round.AdvertiseStage(round.Ids);
        round.ShareStage(round.Ids);
        var live = round.Live([round.Ids[1], round.Ids[4]]);
        round.MaskStage(live);
        round.ConsistencyStage(live);

        var result = round.UnmaskStage(live);

        Assert.Equal(live, result.Survivors);
        Assert.Equal(round.PlainSum(live), result.Sum);
    }
}
