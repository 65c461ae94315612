using SecureFed.Training.Data;
using SecureFed.Training.Models;
using Xunit.Abstractions;

namespace SecureFed.Training.Tests;

public sealed class LocalTrainerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ModelKind.LogisticRegression, OptimizerKind.Sgd, 0.1)]
    [InlineData(ModelKind.Mlp, OptimizerKind.Adam, 0.01)]
    public void Train_StandardisedWdbc_ReachesNinetyThreePercentOnHeldOutRows(
        ModelKind model, OptimizerKind optimizer, double learningRate)
    {
        var (train, test) = StandardisedSplit("wdbc.csv", "diagnosis");
        var options = new TrainingOptions
        {
            Model = model,
            Optimizer = optimizer,
            LearningRate = learningRate,
            LocalEpochs = 20,
            BatchSize = 32,
            Seed = 11,
        };
        using var trainer = new LocalTrainer(train.FeatureCount, train.ClassNames.Count, options);

        trainer.Train(train);

        var accuracy = trainer.Accuracy(test);
        output.WriteLine($"{model}, {optimizer}: wdbc test accuracy {accuracy:F4}");
        Assert.True(accuracy >= 0.93, $"test accuracy {accuracy}");
    }

    [Fact]
    public void Train_Digits_Mlp_ReachesNinetyPercentOnHeldOutRows()
    {
        var (train, test) = StandardisedSplit("digits.csv", "label");
        var options = new TrainingOptions
        {
            Model = ModelKind.Mlp,
            Optimizer = OptimizerKind.Adam,
            LearningRate = 0.005,
            LocalEpochs = 10,
            Seed = 5,
        };
        using var trainer = new LocalTrainer(train.FeatureCount, train.ClassNames.Count, options);

        trainer.Train(train);

        var accuracy = trainer.Accuracy(test);
        output.WriteLine($"digits test accuracy {accuracy:F4}");
        Assert.True(accuracy >= 0.9, $"test accuracy {accuracy}");
    }

    [Fact]
    public void Train_SameSeed_GivesSameParameters()
    {
        var (train, _) = StandardisedSplit("wdbc.csv", "diagnosis");
        var options = new TrainingOptions { Model = ModelKind.Mlp, HiddenUnits = 8, Seed = 2 };
        using var first = new LocalTrainer(train.FeatureCount, 2, options);
        using var second = new LocalTrainer(train.FeatureCount, 2, options);

        first.Train(train);
        second.Train(train);

        Assert.Equal(first.GetParameters(), second.GetParameters());
    }

    [Fact]
    public void SetParameters_FromAnotherTrainer_GivesSamePredictions()
    {
        var (train, test) = StandardisedSplit("wdbc.csv", "diagnosis");
        var options =
            new TrainingOptions { Model = ModelKind.Mlp, HiddenUnits = 8, LocalEpochs = 5 };
        using var trained = new LocalTrainer(train.FeatureCount, 2, options);
        using var fresh = new LocalTrainer(train.FeatureCount, 2, options with { Seed = 9 });
        trained.Train(train);

        fresh.SetParameters(trained.GetParameters());

        Assert.Equal(trained.GetParameters(), fresh.GetParameters());
        Assert.Equal(trained.Accuracy(test), fresh.Accuracy(test));
        Assert.Equal((30 * 8) + 8 + (8 * 2) + 2, fresh.ParameterCount);
    }

    [Fact]
    public void SetParameters_WrongLength_IsRefused()
    {
        using var trainer = new LocalTrainer(4, 3, new TrainingOptions());

        Assert.Throws<ArgumentException>(() => trainer.SetParameters(new float[4 * 3]));
    }

    private static (TabularDataSet Train, TabularDataSet Test) StandardisedSplit(
        string file, string labelColumn)
    {
        var (train, test) = TabularDataSet.LoadCsv(TestData.Path(file), labelColumn)
            .Split(0.2, seed: 42);

        // Moments from the training rows only, so nothing of the test rows leaks into training.
        var (mean, scale) = train.FeatureMoments();
        return (train.Standardize(mean, scale), test.Standardize(mean, scale));
    }
}
