using SecureFed.Enclave.Rounds;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Enclave.Tests.Rounds;

/// <summary>
/// The federation's budget charges each round with the noise shares actually in its sum, and
/// checks a round before it opens against the smallest sum it could publish.
/// </summary>
public class PrivacyBudgetTests
{
    private const double Delta = 1e-5;

    [Fact]
    public void Charge_WithFewerContributors_CostsMoreEpsilon()
    {
        var round = Round(1, minClients: 6, expected: 10);
        double full = new PrivacyBudget(Delta, []).Charge(round, 10);
        double thinned = new PrivacyBudget(Delta, []).Charge(round, 6);

        Assert.True(full > 0);
        Assert.True(thinned > full * 1.2, $"{thinned} against {full}");
    }

    [Fact]
    public void Charge_CountsNoMoreSharesThanPlanned()
    {
        var round = Round(1, minClients: 6, expected: 10);

        Assert.Equal(
            new PrivacyBudget(Delta, []).Charge(round, 10),
            new PrivacyBudget(Delta, []).Charge(round, 25), 12);
    }

    [Fact]
    public void EpsilonAfter_AssumesOnlyTheMinimumOfClientsContributes()
    {
        var round = Round(1, minClients: 6, expected: 10);
        var budget = new PrivacyBudget(Delta, []);

        double worst = budget.EpsilonAfter(round);

        Assert.Equal(new PrivacyBudget(Delta, []).Charge(round, 6), worst, 12);
        Assert.Equal(0, budget.EpsilonSpent());
    }

    [Fact]
    public void Restore_FromChargedRounds_GivesTheSameEpsilon()
    {
        var first = Round(1, minClients: 6, expected: 10);
        var second = Round(2, minClients: 6, expected: 10);
        var live = new PrivacyBudget(Delta, []);
        live.Charge(first, 9);
        double spent = live.Charge(second, 7);

        var restored = new PrivacyBudget(Delta, [new ChargedRound(first, 9), new ChargedRound(second, 7)]);

        Assert.Equal(spent, restored.EpsilonSpent(), 12);
    }

    [Fact]
    public void RoundWithoutDp_ChargesNothing()
    {
        var budget = new PrivacyBudget(Delta, []);
        budget.Charge(Round(1, minClients: 6, expected: 10), 10);
        double before = budget.EpsilonSpent();

        double after = budget.Charge(Round(2, minClients: 6, expected: 10) with { Dp = null }, 10);

        Assert.Equal(before, after, 12);
    }

    private static RoundSettings Round(ulong round, int minClients, int expected) => new(
        round, ProtectionMode.Mask, Dimension: 256, Bits: 24, minClients, MaxClients: expected,
        JoinTimeoutMs: 1000, StageTimeoutMs: 1000, DropoutRate: 0.1, CorruptRate: 0.05,
        MinContributors: 2, HeScaleBits: 0,
        new RoundDpSettings(
            "skellam", NoiseMultiplier: 1.0, Clip: 1.0, expected, Beta: Math.Exp(-0.5),
            MaxOverflowProbability: 1e-6, RotationSeed: new byte[32], ModelDimension: 200));
}
