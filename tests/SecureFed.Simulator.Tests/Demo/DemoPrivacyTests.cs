using SecureFed.Simulator.Demo;

namespace SecureFed.Simulator.Tests.Demo;

/// <summary>Calibration of the demo's noise multiplier against the appliance's accountant.</summary>
public class DemoPrivacyTests
{
    // (target epsilon, clients, rounds, model dimension): the small wdbc demo, and digits with
    // 50 clients over the default 10 rounds.
    public static TheoryData<double, int, int, int> Budgets => new()
    {
        { 8, 8, 3, 62 },
        { 3, 50, 10, 650 },
        { 1, 8, 10, 62 },
    };

    [Theory]
    [MemberData(nameof(Budgets))]
    public void Calibrate_SpendsAtMostTheTargetAndWithinFivePercentOfIt(
        double target, int clients, int rounds, int dimension)
    {
        var privacy = DemoPrivacy.Calibrate(target, 1e-5, 0.3, clients, rounds, dimension);

        double spent = privacy.EpsilonSpent();

        Assert.InRange(spent, 0.95 * target, target);
    }

    [Fact]
    public void Calibrate_ReturnsTheSmallestMultiplierThatMeetsTheTarget()
    {
        var privacy = DemoPrivacy.Calibrate(8, 1e-5, 0.3, 8, 3, 62);

        var lessNoise = privacy with { NoiseMultiplier = privacy.NoiseMultiplier * (1 - 1e-3) };

        Assert.True(lessNoise.EpsilonSpent() > 8, $"epsilon {lessNoise.EpsilonSpent()} with less noise");
    }
}
