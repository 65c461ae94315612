namespace SecureFed.Training.Federated;

/// <summary>Which server optimiser federated training uses, with its settings.</summary>
public sealed record ServerOptimizerOptions
{
    /// <summary>The algorithm; FedAvg by default.</summary>
    public ServerOptimizerKind Kind { get; init; } = ServerOptimizerKind.FedAvg;

    /// <summary>The server learning rate eta.</summary>
    public double LearningRate { get; init; } = 1.0;

    /// <summary>beta of FedAvgM, beta1 of FedAdam.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>FedAdam's beta2.</summary>
    public double Beta2 { get; init; } = 0.99;

    /// <summary>FedAdam's adaptivity floor tau.</summary>
    public double Tau { get; init; } = 1e-3;

    /// <summary>A fresh optimiser with these settings for <paramref name="dimension"/> parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is outside its range.</exception>
    public ServerOptimizer Create(int dimension) =>
        new(Kind, dimension, LearningRate, Momentum, Beta2, Tau);
}
