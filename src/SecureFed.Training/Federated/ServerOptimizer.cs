// The server side of federated optimisation (Reddi et al., "Adaptive Federated Optimization",
// ICLR 2021): the average of the clients' deltas is treated as a pseudo-gradient, and the
// global model moves by a server optimiser's step on it. FedAvg is the plain step of rate 1;
// FedAvgM adds heavy-ball momentum (Hsu, Qi and Brown, 2019), which smooths the round-to-round
// swings that label skew and DP noise cause; FedAdam scales each coordinate by a running
// estimate of its squared pseudo-gradient.
//
// The optimiser sees only the released average, never a client's update, so with DP its state
// is post-processing of DP outputs and costs no privacy.

namespace SecureFed.Training.Federated;

/// <summary>
/// Turns each round's average delta into the step the global model takes, keeping the
/// optimiser's state (momentum, second moments) from round to round.
/// </summary>
public sealed class ServerOptimizer
{
    private readonly double[] _momentum;
    private readonly double[] _secondMoment;

    /// <summary>Creates an optimiser for a model of <paramref name="dimension"/> parameters.</summary>
    /// <param name="kind">The algorithm.</param>
    /// <param name="dimension">The length of the parameter vector.</param>
    /// <param name="learningRate">The server learning rate eta; positive and finite.</param>
    /// <param name="momentum">beta (FedAvgM) or beta1 (FedAdam), in [0, 1).</param>
    /// <param name="beta2">FedAdam's decay of the second moments, in [0, 1).</param>
    /// <param name="tau">FedAdam's adaptivity floor added to the root of the second moments;
    /// positive. Reddi et al. found 1e-3 to 1e-2 worked across their tasks.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public ServerOptimizer(
        ServerOptimizerKind kind,
        int dimension,
        double learningRate = 1.0,
        double momentum = 0.9,
        double beta2 = 0.99,
        double tau = 1e-3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown server optimiser.");
        }

        if (!(learningRate > 0 && double.IsFinite(learningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Must be positive and finite.");
        }

        if (!(momentum >= 0 && momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Must lie in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Must lie in [0, 1).");
        }

        if (!(tau > 0 && double.IsFinite(tau)))
        {
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "Must be positive and finite.");
        }

        Kind = kind;
        LearningRate = learningRate;
        Momentum = momentum;
        Beta2 = beta2;
        Tau = tau;
        _momentum = new double[dimension];
        _secondMoment = new double[dimension];
    }

    /// <summary>The algorithm.</summary>
    public ServerOptimizerKind Kind { get; }

    /// <summary>The server learning rate eta.</summary>
    public double LearningRate { get; }

    /// <summary>beta of FedAvgM, beta1 of FedAdam; unused by FedAvg.</summary>
    public double Momentum { get; }

    /// <summary>FedAdam's beta2.</summary>
    public double Beta2 { get; }

    /// <summary>FedAdam's tau.</summary>
    public double Tau { get; }

    /// <summary>The number of steps taken.</summary>
    public int Steps { get; private set; }

    /// <summary>
    /// Moves <paramref name="parameters"/> in place by one server step on
    /// <paramref name="averageDelta"/>, the round's average of the clients' deltas.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ from the optimiser's dimension,
    /// or the average holds a value that is not finite.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<double> averageDelta)
    {
        if (parameters.Length != _momentum.Length || averageDelta.Length != _momentum.Length)
        {
            throw new ArgumentException(
                $"The optimiser steps vectors of {_momentum.Length} parameters, not "
                + $"{parameters.Length} and {averageDelta.Length}.");
        }

        foreach (double value in averageDelta)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException(
                    "The average delta holds a value that is not finite.", nameof(averageDelta));
            }
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            double delta = averageDelta[i];
            double step = Kind switch
            {
                ServerOptimizerKind.FedAvg => delta,
                ServerOptimizerKind.FedAvgM => _momentum[i] = (Momentum * _momentum[i]) + delta,
                _ => AdamStep(i, delta),
            };
            parameters[i] = (float)(parameters[i] + (LearningRate * step));
        }

        Steps++;
    }

    // Reddi et al.'s FedAdam keeps no bias correction; tau keeps early steps bounded where the
    // second moment is still small.
    private double AdamStep(int i, double delta)
    {
        _momentum[i] = (Momentum * _momentum[i]) + ((1 - Momentum) * delta);
        _secondMoment[i] = (Beta2 * _secondMoment[i]) + ((1 - Beta2) * delta * delta);
        return _momentum[i] / (Math.Sqrt(_secondMoment[i]) + Tau);
    }
}
