using SecureFed.Client.Budget;
using SecureFed.Client.Tests.Updates;
using SecureFed.Privacy.Accounting;
using SecureFed.Privacy.Accounting.Pld;
using SecureFed.Privacy.Pipeline;

namespace SecureFed.Client.Tests.Budget;

public sealed class LocalBudgetTests : IDisposable
{
    private const double Delta = 1e-5;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string StateDir => Path.Combine(_folder.Path, "state");

    private string BudgetPath => Path.Combine(StateDir, LocalBudget.FileName);

    private static DpSgdRound Sgd(string round, double z = 1.1, double q = 0.01, int steps = 100) =>
        new("fed", round, z, q, steps);

    public static TheoryData<RoundMechanism> EveryKind() =>
    [
        new GaussianRound("fed", "g", 4.0),
        new DpSgdRound("fed", "s", 1.1, 0.02, 50),
        new LaplaceRound("fed", "l", 3.0, 0.5),
        new SkellamRound("fed", "k", 40, 4, 400, 0.5),
        new DistributedDiscreteGaussianRound("fed", "d", 40, 4, 3, 20, 1024),
    ];

    [Fact]
    public void Create_ThenLoad_KeepsTheLimitWithNothingSpent()
    {
        LocalBudget.Create(StateDir, 3.0, Delta, BudgetAccountant.Pld);

        LocalBudget budget = LocalBudget.Load(StateDir);

        Assert.Equal(3.0, budget.EpsilonLimit);
        Assert.Equal(Delta, budget.Delta);
        Assert.Equal(BudgetAccountant.Pld, budget.Accountant);
        Assert.Empty(budget.Rounds);
        Assert.Equal(0, budget.EpsilonSpent());
        Assert.Equal(3.0, budget.EpsilonRemaining());
        Assert.Equal([BudgetPath], Directory.GetFiles(StateDir));
    }

    [Fact]
    public void Create_WritesTheFileForItsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        LocalBudget budget = LocalBudget.Create(StateDir, 3.0, Delta);
        budget.TryCharge(Sgd("r1"), out _);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(BudgetPath));
        Assert.Equal(0, (int)(File.GetUnixFileMode(StateDir) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)));
    }

    [Fact]
    public void Create_WhenABudgetExists_ThrowsAndKeepsIt()
    {
        LocalBudget first = LocalBudget.Create(StateDir, 3.0, Delta);
        first.TryCharge(Sgd("r1"), out _);
        byte[] before = File.ReadAllBytes(BudgetPath);

        Assert.Throws<IOException>(() => LocalBudget.Create(StateDir, 100.0, Delta));

        Assert.Equal(before, File.ReadAllBytes(BudgetPath));
    }

    [Theory]
    [InlineData(0.0, 1e-5)]
    [InlineData(-1.0, 1e-5)]
    [InlineData(double.NaN, 1e-5)]
    [InlineData(double.PositiveInfinity, 1e-5)]
    [InlineData(1.0, 0.0)]
    [InlineData(1.0, 1.0)]
    public void Create_LimitOutOfRange_Throws(double epsilon, double delta)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LocalBudget.Create(StateDir, epsilon, delta));
        Assert.False(File.Exists(BudgetPath));
    }

    [Fact]
    public void Load_WithoutABudget_ThrowsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => LocalBudget.Load(_folder.Path));

    [Fact]
    public void TryCharge_DpSgdRound_SpendsWhatTheRdpAccountantSays()
    {
        LocalBudget budget = LocalBudget.Create(StateDir, 10.0, Delta);

        bool charged = budget.TryCharge(Sgd("r1"), out BudgetDecision decision);

        double expected = RdpAccountant.Epsilon(1.1, 0.01, 100, Delta).Epsilon;
        Assert.True(charged);
        Assert.True(decision.Accepted);
        Assert.Equal(0, decision.EpsilonBefore);
        Assert.Equal(expected, decision.EpsilonAfter, 12);
        Assert.Equal(expected, budget.EpsilonSpent(), 12);
        Assert.Equal(expected, LocalBudget.Load(StateDir).EpsilonSpent(), 12);
    }

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void TryCharge_EveryKind_IsSavedAndRecomposedAsTheAccountantDoes(RoundMechanism round)
    {
        LocalBudget budget = LocalBudget.Create(StateDir, 1000.0, Delta);
        Assert.True(budget.TryCharge(round, out _));

        LocalBudget reloaded = LocalBudget.Load(StateDir);

        Assert.Equal(round, Assert.Single(reloaded.Rounds));
        var accountant = new RdpAccountant();
        round.ComposeInto(accountant);
        Assert.Equal(accountant.GetEpsilon(Delta).Epsilon, reloaded.EpsilonSpent(), 12);
        Assert.True(reloaded.EpsilonSpent() > 0);
    }

    [Fact]
    public void EpsilonIf_ReportsTheCompositionAndChangesNothing()
    {
        LocalBudget budget = LocalBudget.Create(StateDir, 10.0, Delta);
        budget.TryCharge(Sgd("r1"), out _);
        byte[] before = File.ReadAllBytes(BudgetPath);

        double next = budget.EpsilonIf(Sgd("r2"));

        Assert.Equal(RdpAccountant.Epsilon(1.1, 0.01, 200, Delta).Epsilon, next, 12);
        Assert.Single(budget.Rounds);
        Assert.Equal(before, File.ReadAllBytes(BudgetPath));
    }

    [Fact]
    public void TryCharge_PastTheLimit_RefusesAndChangesNothing()
    {
        double one = RdpAccountant.Epsilon(1.1, 0.01, 100, Delta).Epsilon;
        double two = RdpAccountant.Epsilon(1.1, 0.01, 200, Delta).Epsilon;
        LocalBudget budget = LocalBudget.Create(StateDir, (one + two) / 2, Delta);
        Assert.True(budget.TryCharge(Sgd("r1"), out _));
        byte[] before = File.ReadAllBytes(BudgetPath);

        bool charged = budget.TryCharge(Sgd("r2"), out BudgetDecision decision);

        Assert.False(charged);
        Assert.Equal(BudgetRefusal.ExceedsLimit, decision.Refusal);
        Assert.Equal(one, decision.EpsilonBefore, 12);
        Assert.Equal(two, decision.EpsilonAfter, 12);
        Assert.Contains("past the limit", decision.Message, StringComparison.Ordinal);
        Assert.Single(budget.Rounds);
        Assert.Equal(before, File.ReadAllBytes(BudgetPath));
    }

    [Fact]
    public void TryCharge_RoundAlreadyCharged_IsRefusedButTheSameIdInAnotherFederationIsNot()
    {
        LocalBudget budget = LocalBudget.Create(StateDir, 100.0, Delta);
        Assert.True(budget.TryCharge(Sgd("r1"), out _));

        bool again = budget.TryCharge(new GaussianRound("fed", "r1", 50.0), out BudgetDecision decision);
        bool other = budget.TryCharge(new GaussianRound("other-fed", "r1", 50.0), out _);

        Assert.False(again);
        Assert.Equal(BudgetRefusal.AlreadyCharged, decision.Refusal);
        Assert.True(other);
        Assert.Equal(2, LocalBudget.Load(StateDir).Rounds.Count);
    }

    [Fact]
    public void TryCharge_SeesRoundsChargedThroughAnotherInstance()
    {
        LocalBudget.Create(StateDir, 100.0, Delta);
        LocalBudget a = LocalBudget.Load(StateDir);
        LocalBudget b = LocalBudget.Load(StateDir);
        Assert.True(a.TryCharge(Sgd("r1"), out _));

        bool charged = b.TryCharge(Sgd("r1"), out BudgetDecision decision);

        Assert.False(charged);
        Assert.Equal(BudgetRefusal.AlreadyCharged, decision.Refusal);
        Assert.Equal(a.EpsilonSpent(), b.EpsilonSpent());
    }

    [Fact]
    public void TryCharge_InvalidParameters_ThrowsAndChangesNothing()
    {
        LocalBudget budget = LocalBudget.Create(StateDir, 100.0, Delta);
        byte[] before = File.ReadAllBytes(BudgetPath);

        Assert.Throws<ArgumentOutOfRangeException>(() => budget.TryCharge(Sgd("r1", q: 1.5), out _));
        Assert.Throws<ArgumentException>(() => budget.TryCharge(Sgd(""), out _));

        Assert.Empty(budget.Rounds);
        Assert.Equal(before, File.ReadAllBytes(BudgetPath));
    }

    [Fact]
    public void PldAccountant_HomogeneousDpSgd_TakesTheTighterBound()
    {
        LocalBudget budget = LocalBudget.Create(StateDir, 100.0, Delta, BudgetAccountant.Pld);
        budget.TryCharge(Sgd("r1"), out _);
        budget.TryCharge(Sgd("r2"), out _);

        double rdp = RdpAccountant.Epsilon(1.1, 0.01, 200, Delta).Epsilon;
        double pld = PldAccountant.Epsilon(1.1, 0.01, 200, Delta);
        Assert.True(pld < rdp);
        Assert.Equal(pld, budget.EpsilonSpent(), 12);
    }

    [Fact]
    public void PldAccountant_MixedRounds_FallsBackToRdp()
    {
        LocalBudget budget = LocalBudget.Create(StateDir, 100.0, Delta, BudgetAccountant.Pld);
        budget.TryCharge(Sgd("r1"), out _);
        budget.TryCharge(new SkellamRound("fed", "r2", 40, 4, 400), out _);

        var accountant = new RdpAccountant();
        accountant.ComposePoissonSampledGaussian(1.1, 0.01, 100);
        accountant.ComposeSkellam(40, 4, 400);
        Assert.Equal(accountant.GetEpsilon(Delta).Epsilon, budget.EpsilonSpent(), 12);
    }

    [Theory]
    [InlineData(DistributedNoise.Skellam)]
    [InlineData(DistributedNoise.DiscreteGaussian)]
    public void ForDistributedNoise_MapsThePipelineParametersOntoTheAccountant(DistributedNoise noise)
    {
        var p = DistributedNoiseParameters.Compute(
            noiseMultiplier: 1.0, clip: 1.0, clients: 100, bits: 20, dimension: 1000);

        RoundMechanism round = RoundMechanism.ForDistributedNoise("fed", "r1", p, noise, clients: 80);

        double l1 = Math.Min(p.Sensitivity * p.Sensitivity, Math.Sqrt(p.PaddedDimension) * p.Sensitivity);
        var accountant = new RdpAccountant();
        if (noise == DistributedNoise.Skellam)
        {
            var skellam = Assert.IsType<SkellamRound>(round);
            Assert.Equal(80 * p.LocalVariance, skellam.Variance, 9);
            Assert.Equal(p.Sensitivity, skellam.L2Sensitivity);
            Assert.Equal(l1, skellam.L1Sensitivity);
            accountant.ComposeSkellam(l1, p.Sensitivity, 80 * p.LocalVariance);
        }
        else
        {
            var ddg = Assert.IsType<DistributedDiscreteGaussianRound>(round);
            Assert.Equal(Math.Sqrt(p.LocalVariance), ddg.LocalStddev, 12);
            Assert.Equal(80, ddg.Clients);
            Assert.Equal(p.PaddedDimension, ddg.Dimension);
            accountant.ComposeDistributedDiscreteGaussian(
                l1, p.Sensitivity, Math.Sqrt(p.LocalVariance), 80, p.PaddedDimension);
        }

        LocalBudget budget = LocalBudget.Create(StateDir, 1000.0, Delta);
        Assert.Equal(accountant.GetEpsilon(Delta).Epsilon, budget.EpsilonIf(round), 12);
    }
}
