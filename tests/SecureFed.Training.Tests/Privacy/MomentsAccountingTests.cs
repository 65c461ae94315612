using SecureFed.Training.Data;
using SecureFed.Training.Privacy;
using Xunit.Abstractions;

namespace SecureFed.Training.Tests.Privacy;

public sealed class MomentsAccountingTests(ITestOutputHelper output)
{
    private const double Delta = 1e-5;

    [Fact]
    public void NoiseMultiplierForShare_MomentsAlone_SpendTheShareAndNoMore()
    {
        var multiplier = PrivateFeatureMoments.NoiseMultiplierForShare(3, Delta, 0.1);

        Assert.True(DpSgdAccounting.GaussianEpsilon(multiplier, Delta) <= 0.3);
        Assert.True(DpSgdAccounting.GaussianEpsilon(multiplier * 0.999, Delta) > 0.3);
    }

    [Fact]
    public void NoiseMultiplierFor_WithPriorMoments_IsLargerAndKeepsTheTotalWithinTarget()
    {
        var prior = PrivateFeatureMoments.NoiseMultiplierForShare(3, Delta, 0.1);

        var without = DpSgdAccounting.NoiseMultiplierFor(3, Delta, 0.07, 280);
        var with = DpSgdAccounting.NoiseMultiplierFor(3, Delta, 0.07, 280, prior);

        var total = DpSgdAccounting.Epsilon(with, 0.07, 280, Delta, prior);
        output.WriteLine($"moments z {prior:F3}; DP-SGD z {without:F4} alone, {with:F4} after them; "
            + $"total epsilon {total:F4}");
        Assert.True(with > without, $"{with} after the moments, {without} without");
        Assert.InRange(total, 2.9, 3.0);
        Assert.True(DpSgdAccounting.Epsilon(with * 0.999, 0.07, 280, Delta, prior) > 3);
        Assert.True(DpSgdAccounting.Epsilon(with, 0.07, 280, Delta) < total);
    }

    [Fact]
    public void NoiseMultiplierFor_PriorSpendingTheWholeTarget_IsRefused()
    {
        var prior = DpSgdAccounting.GaussianNoiseMultiplierFor(3, Delta);

        Assert.Throws<ArgumentOutOfRangeException>(
            () => DpSgdAccounting.NoiseMultiplierFor(3, Delta, 0.07, 280, prior * 0.9));
    }

    [Fact]
    public void EpsilonSpent_WithPriorMoments_CountsThemBeforeAndAfterTraining()
    {
        var data = Wdbc();
        var prior = PrivateFeatureMoments.NoiseMultiplierForShare(3, Delta, 0.1);
        var dp = new RecordLevelDpOptions
        {
            NoiseMultiplier = 1.2,
            SampleRate = 0.1,
            PriorGaussianNoiseMultiplier = prior,
        };
        using var trainer = new LocalTrainer(
            data.FeatureCount, 2, new TrainingOptions { RecordLevelDp = dp });

        var before = trainer.EpsilonSpent!.Value;
        trainer.Train(data);
        var after = trainer.EpsilonSpent!.Value;

        Assert.Equal(DpSgdAccounting.GaussianEpsilon(prior, Delta), before, 1e-12);
        Assert.Equal(10, trainer.StepsTaken);
        Assert.Equal(DpSgdAccounting.Epsilon(1.2, 0.1, 10, Delta, prior), after, 1e-12);
        Assert.True(after > DpSgdAccounting.Epsilon(1.2, 0.1, 10, Delta), $"{after}");
    }

    [Fact]
    public void Train_TargetEpsilonWithPriorMoments_CalibratesMoreNoiseAndEndsWithinTarget()
    {
        var data = Wdbc();
        var prior = PrivateFeatureMoments.NoiseMultiplierForShare(2, Delta, 0.2);
        var dp = new RecordLevelDpOptions
        {
            TargetEpsilon = 2,
            SampleRate = 0.1,
            PlannedSteps = 10,
            PriorGaussianNoiseMultiplier = prior,
        };
        using var trainer = new LocalTrainer(
            data.FeatureCount, 2, new TrainingOptions { RecordLevelDp = dp });

        trainer.Train(data);

        var spent = trainer.EpsilonSpent!.Value;
        output.WriteLine($"z {trainer.NoiseMultiplier:F4}, epsilon {spent:F4}");
        Assert.Equal(DpSgdAccounting.NoiseMultiplierFor(2, Delta, 0.1, 10, prior), trainer.NoiseMultiplier);
        Assert.True(trainer.NoiseMultiplier > DpSgdAccounting.NoiseMultiplierFor(2, Delta, 0.1, 10));
        Assert.InRange(spent, 1.9, 2.0);
    }

    [Fact]
    public void Validate_NonPositivePrior_IsRefused()
    {
        var dp = new RecordLevelDpOptions { NoiseMultiplier = 1, PriorGaussianNoiseMultiplier = 0 };

        Assert.Throws<ArgumentOutOfRangeException>(dp.Validate);
    }

    private static TabularDataSet Wdbc()
    {
        var data = TabularDataSet.LoadCsv(TestData.Path("wdbc.csv"), "diagnosis");
        var (mean, scale) = data.FeatureMoments();
        return data.Standardize(mean, scale);
    }
}
