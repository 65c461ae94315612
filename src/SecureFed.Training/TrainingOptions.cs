using SecureFed.Training.Models;
using SecureFed.Training.Privacy;

namespace SecureFed.Training;

/// <summary>How a client trains its model locally in one round.</summary>
public sealed record TrainingOptions
{
    /// <summary>The architecture; logistic regression by default.</summary>
    public ModelKind Model { get; init; } = ModelKind.LogisticRegression;

    /// <summary>The width of the MLP's hidden layer; unused by logistic regression.</summary>
    public int HiddenUnits { get; init; } = 64;

    /// <summary>Passes over the local data per call to <see cref="LocalTrainer.Train"/>.</summary>
    public int LocalEpochs { get; init; } = 1;

    /// <summary>Rows per gradient step; the last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The optimiser; SGD by default.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>The optimiser's learning rate.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Seeds the initial parameters and the order of the batches.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Record-level DP-SGD in local training; null (the default) trains without it. With it,
    /// batches are Poisson samples of expected size <see cref="BatchSize"/> unless its sample
    /// rate says otherwise.
    /// </summary>
    public RecordLevelDpOptions? RecordLevelDp { get; init; }

    /// <summary>Checks that every option lies in its range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HiddenUnits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LocalEpochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(LearningRate), LearningRate, "Must be positive and finite.");
        }

        RecordLevelDp?.Validate();
    }
}
