using System.Diagnostics;
using SecureFed.Training.Data;
using SecureFed.Training.Models;
using SecureFed.Training.Privacy;
using Xunit.Abstractions;

namespace SecureFed.Training.Tests.Privacy;

public sealed class RecordLevelDpTests(ITestOutputHelper output)
{
    private const int Epochs = 20;

    [Fact]
    public void Train_WdbcLogisticRegressionAtEpsilonThree_ReachesNinetyPercentWithinBudget()
    {
        var (train, test) = StandardisedWdbc();
        const int batchSize = 32;
        var stepsPerEpoch = (int)Math.Round((double)train.RowCount / batchSize);
        var dp = new RecordLevelDpOptions
        {
            TargetEpsilon = 3,
            Delta = 1e-5,
            ClipNorm = 1,
            PlannedSteps = Epochs * stepsPerEpoch,
        };
        var options = new TrainingOptions
        {
            LearningRate = 0.5,
            LocalEpochs = Epochs,
            BatchSize = batchSize,
            Seed = 11,
            RecordLevelDp = dp,
        };
        using var trainer = new LocalTrainer(train.FeatureCount, 2, options);

        var watch = Stopwatch.StartNew();
        trainer.Train(train);
        watch.Stop();

        var accuracy = trainer.Accuracy(test);
        var epsilon = trainer.EpsilonSpent!.Value;
        output.WriteLine(
            $"z {trainer.NoiseMultiplier:F4}, q {trainer.SampleRate:F4}, steps {trainer.StepsTaken}, "
            + $"epsilon {epsilon:F4}, accuracy {accuracy:F4}, "
            + $"{watch.Elapsed.TotalMilliseconds / Epochs:F1} ms per epoch");
        Assert.True(accuracy >= 0.90, $"test accuracy {accuracy}");
        Assert.Equal(dp.PlannedSteps, trainer.StepsTaken);
        Assert.InRange(epsilon, 1e-9, 3.0);
        Assert.Equal(
            DpSgdAccounting.Epsilon(trainer.NoiseMultiplier!.Value, trainer.SampleRate!.Value,
                trainer.StepsTaken, dp.Delta),
            epsilon,
            1e-9);
    }

    [Fact]
    public void Train_WdbcMlpAtEpsilonThree_ReachesNinetyPercent()
    {
        var (train, test) = StandardisedWdbc();
        var options = new TrainingOptions
        {
            Model = ModelKind.Mlp,
            HiddenUnits = 16,
            LearningRate = 0.5,
            LocalEpochs = Epochs,
            Seed = 3,
            RecordLevelDp = new RecordLevelDpOptions { TargetEpsilon = 3, PlannedSteps = 280 },
        };
        using var trainer = new LocalTrainer(train.FeatureCount, 2, options);

        var watch = Stopwatch.StartNew();
        trainer.Train(train);
        watch.Stop();

        var accuracy = trainer.Accuracy(test);
        output.WriteLine(
            $"MLP d {trainer.ParameterCount}: z {trainer.NoiseMultiplier:F4}, epsilon "
            + $"{trainer.EpsilonSpent:F4}, accuracy {accuracy:F4}, "
            + $"{watch.Elapsed.TotalMilliseconds / Epochs:F1} ms per epoch");
        Assert.True(accuracy >= 0.90, $"test accuracy {accuracy}");
    }

    [Fact]
    public void Validate_BothTargetEpsilonAndNoiseMultiplier_IsRefused()
    {
        var dp = new RecordLevelDpOptions { TargetEpsilon = 3, NoiseMultiplier = 1, PlannedSteps = 9 };

        Assert.Throws<ArgumentException>(() => new TrainingOptions { RecordLevelDp = dp }.Validate());
    }

    [Fact]
    public void EpsilonSpent_TwoRounds_ComposesEveryStepOfBoth()
    {
        var (train, _) = StandardisedWdbc();
        var options = new TrainingOptions
        {
            RecordLevelDp = new RecordLevelDpOptions { NoiseMultiplier = 1.2, SampleRate = 0.1 },
        };
        using var trainer = new LocalTrainer(train.FeatureCount, 2, options);
        Assert.Equal(0, trainer.EpsilonSpent);

        trainer.Train(train);
        var afterOne = trainer.EpsilonSpent!.Value;
        trainer.Train(train);
        var afterTwo = trainer.EpsilonSpent!.Value;

        Assert.Equal(20, trainer.StepsTaken);
        Assert.Equal(DpSgdAccounting.Epsilon(1.2, 0.1, 10, 1e-5), afterOne, 1e-9);
        Assert.Equal(DpSgdAccounting.Epsilon(1.2, 0.1, 20, 1e-5), afterTwo, 1e-9);
        Assert.True(afterTwo > afterOne, $"{afterTwo} after {afterOne}");
    }

    [Fact]
    public void Train_BeyondPlannedSteps_IsRefused()
    {
        var (train, _) = StandardisedWdbc();
        var options = new TrainingOptions
        {
            RecordLevelDp = new RecordLevelDpOptions { TargetEpsilon = 3, PlannedSteps = 10 },
        };
        using var trainer = new LocalTrainer(train.FeatureCount, 2, options);

        Assert.Throws<InvalidOperationException>(() => trainer.Train(train));
        Assert.Equal(0, trainer.StepsTaken);
    }

    [Fact]
    public void NoiseMultiplierFor_TargetEpsilon_IsMetAndTight()
    {
        var multiplier = DpSgdAccounting.NoiseMultiplierFor(3, 1e-5, 0.07, 280);

        Assert.True(DpSgdAccounting.Epsilon(multiplier, 0.07, 280, 1e-5) <= 3);
        Assert.True(DpSgdAccounting.Epsilon(multiplier * 0.99, 0.07, 280, 1e-5) > 3);
    }

    [Fact]
    public void ClippedGradientSum_HugeGradientExample_MovesTheUpdateByAtMostLrCOverExpectedBatch()
    {
        var (train, _) = StandardisedWdbc();
        const double clipNorm = 0.5;
        const double learningRate = 0.5;
        var options = new TrainingOptions
        {
            LearningRate = learningRate,
            BatchSize = 32,
            RecordLevelDp = new RecordLevelDpOptions { NoiseMultiplier = 1, ClipNorm = clipNorm },
        };
        var features = train.Features.ToArray();
        var labels = train.Labels.ToArray();

        // Row 0 becomes an outlier: features a thousand times too large, with whichever label
        // the initial model gets wrong (the right one gives a saturated, zero gradient).
        for (var j = 0; j < train.FeatureCount; j++)
        {
            features[j] *= 1000;
        }

        var withOutlier = WithLabel(train, features, labels, 0);
        var rawNorm = Norm(RawGradient(withOutlier, options));
        var flipped = WithLabel(train, features, labels, 1 - labels[0]);
        var flippedNorm = Norm(RawGradient(flipped, options));
        if (flippedNorm > rawNorm)
        {
            (withOutlier, rawNorm) = (flipped, flippedNorm);
        }

        using var trainer = new LocalTrainer(train.FeatureCount, 2, options);
        int[] rest = [.. Enumerable.Range(1, 31)];

        var without = trainer.ClippedGradientSum(withOutlier, rest);
        var with = trainer.ClippedGradientSum(withOutlier, [.. rest, 0]);
        var scale = learningRate / (trainer.SampleRate!.Value * train.RowCount);
        var updateShift = Norm(with.Zip(without, (a, b) => scale * (a - b)));

        output.WriteLine(
            $"update shift {updateShift:G6}, bound {scale * clipNorm:G6}, raw {rawNorm:G6}");
        Assert.True(rawNorm > 100 * clipNorm, $"the outlier's raw gradient norm {rawNorm}");
        // The slack covers only the rounding of the double sums (about 1e-11 here).
        Assert.True(updateShift <= (scale * clipNorm) + 1e-9, $"shift {updateShift}");
        Assert.True(updateShift > 0.5 * scale * clipNorm, $"shift {updateShift}: outlier not counted");
    }

    [Fact]
    public void PrivatizedGradientSum_EmptyBatch_IsIntegerMultiplesOfGammaWithTheAccountedSpread()
    {
        var (train, _) = StandardisedWdbc();
        const double multiplier = 1.5;
        var options = new TrainingOptions
        {
            RecordLevelDp = new RecordLevelDpOptions { NoiseMultiplier = multiplier, ClipNorm = 2 },
        };
        using var trainer = new LocalTrainer(train.FeatureCount, 2, options);
        var values = new List<double>();
        trainer.PreparePrivacy(train.RowCount);

        var watch = Stopwatch.StartNew();
        for (var draw = 0; draw < 200; draw++)
        {
            values.AddRange(trainer.PrivatizedGradientSum(train, []));
        }

        watch.Stop();
        output.WriteLine(
            $"{watch.Elapsed.TotalMicroseconds / values.Count:F2} µs per coordinate of noise");

        var gamma = trainer.Gamma!.Value;
        Assert.Equal(Math.ScaleB(2.0, -12), gamma);
        Assert.All(values, v => Assert.Equal(Math.Round(v / gamma), v / gamma));
        var sensitivity = 2 + (gamma * (Math.Ceiling(Math.Sqrt(trainer.ParameterCount)) + 1));
        var stddev = Math.Sqrt(values.Sum(v => v * v) / values.Count);
        output.WriteLine($"noise stddev {stddev:F4}, z Delta {multiplier * sensitivity:F4}");
        Assert.InRange(stddev, 0.95 * multiplier * sensitivity, 1.05 * multiplier * sensitivity);
    }

    [Fact]
    public void AddRounded_ClippedGradient_StaysWithinOneGridStepAndIsUnbiased()
    {
        var noise = new DpSgdNoise(3, 1.0, 0);
        double[] clipped = [0.3, -0.4, 0.5 * noise.Gamma];
        var sum = new long[3];
        const int draws = 20000;

        for (var draw = 0; draw < draws; draw++)
        {
            var one = new long[3];
            noise.AddRounded(clipped, one);
            for (var i = 0; i < 3; i++)
            {
                Assert.True(Math.Abs((one[i] * noise.Gamma) - clipped[i]) < noise.Gamma);
                sum[i] += one[i];
            }
        }

        // Half a grid step is rounded up about half the time: 10000 +- 3 sd of 71.
        Assert.InRange(sum[2], 9_790, 10_210);
    }

    private static double[] RawGradient(TabularDataSet data, TrainingOptions options)
    {
        var huge = options with
        {
            RecordLevelDp = options.RecordLevelDp! with { ClipNorm = 1e12 },
        };
        using var trainer = new LocalTrainer(data.FeatureCount, 2, huge);
        return trainer.ClippedGradientSum(data, [0]);
    }

    private static TabularDataSet WithLabel(
        TabularDataSet like, float[] features, long[] labels, long firstLabel)
    {
        long[] relabelled = [firstLabel, .. labels.AsSpan(1)];
        return new TabularDataSet(features, relabelled, like.FeatureCount, like.ClassNames);
    }

    private static double Norm(IEnumerable<double> values) => Math.Sqrt(values.Sum(v => v * v));

    private static (TabularDataSet Train, TabularDataSet Test) StandardisedWdbc()
    {
        var (train, test) = TabularDataSet.LoadCsv(TestData.Path("wdbc.csv"), "diagnosis")
            .Split(0.2, seed: 42);
        var (mean, scale) = train.FeatureMoments();
        return (train.Standardize(mean, scale), test.Standardize(mean, scale));
    }
}
