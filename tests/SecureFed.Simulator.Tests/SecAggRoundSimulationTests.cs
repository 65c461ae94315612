using SecureFed.Simulator.SecAgg;

namespace SecureFed.Simulator.Tests;

public class SecAggRoundSimulationTests
{
    [Theory]
    [InlineData(DropoutStage.Advertise)]
    [InlineData(DropoutStage.Share)]
    [InlineData(DropoutStage.Mask)]
    [InlineData(DropoutStage.Unmask)]
    public void Round_IsExact_WithTenPercentDropoutsAtEachStage(DropoutStage stage)
    {
        var report = SecAggRoundSimulation.Run(new SecAggRoundOptions(40, 3000, DropoutRate: 0.1, DropoutAt: stage));

        Assert.Null(report.Aborted);
        Assert.True(report.Exact);
        Assert.Equal(4, report.Dropped);
        Assert.Equal(stage == DropoutStage.Unmask ? 40 : 36, report.Survivors);
    }

    [Fact]
    public void Round_IsExact_WithoutDropouts_AndReportsItsFigures()
    {
        var report = SecAggRoundSimulation.Run(new SecAggRoundOptions(30, 2000, Bits: 20));

        Assert.True(report.Exact);
        Assert.Equal(0, report.Dropped);
        Assert.True(2 * report.Threshold > report.Neighbours);
        Assert.True(report.ClientMs > 0);
        Assert.True(report.ServerMs > 0);
        Assert.True(report.PrgGbps > 0);

        // Upload is dominated by the packed vector: 2000 coordinates of 20 bits.
        Assert.InRange(report.BytesUpPerClient, 5000, 5000 + report.Neighbours * 200 + 1000);
    }

    [Fact]
    public void Input_IsReproducibleFromTheSeed()
    {
        var options = new SecAggRoundOptions(3, 100, Bits: 9, Seed: 5);

        Assert.Equal(SecAggRoundSimulation.Input(options, 2), SecAggRoundSimulation.Input(options, 2));
        Assert.NotEqual(SecAggRoundSimulation.Input(options, 2), SecAggRoundSimulation.Input(options, 3));
        Assert.All(SecAggRoundSimulation.Input(options, 2), v => Assert.True(v < 512));
    }
}
