// Federated averaging (McMahan et al., "Communication-Efficient Learning of Deep Networks
// from Decentralized Data", AISTATS 2017): each round every client trains from the global
// parameters on its own rows, and the global parameters move by a server optimiser's step on
// the average of the clients' deltas weighted by their example counts (FedAvg's step of rate 1
// by default; FedAvgM or FedAdam on request). How that average is computed (in the clear, or
// from a protected aggregate) is the caller's choice.

using SecureFed.Training;
using SecureFed.Training.Data;
using SecureFed.Training.Federated;
using SecureFed.Training.Privacy;

namespace SecureFed.Simulator.Demo;

/// <summary>One federated training run over fixed client data sets.</summary>
public sealed class FederatedAveraging : IDisposable
{
    private readonly TabularDataSet[] _clientData;
    private readonly TabularDataSet _test;
    private readonly LocalTrainer _global;
    private readonly LocalTrainer[] _clients;
    private readonly ServerOptimizer _server;

    /// <summary>
    /// Prepares a run. Two runs made with the same arguments start from the same parameters
    /// and draw the same mini-batches, so they differ only in how the average is computed.
    /// </summary>
    /// <remarks>
    /// With <paramref name="recordLevelDp"/> every client trains with DP-SGD and plans its steps
    /// for <paramref name="rounds"/> rounds of its own data, so that its target epsilon covers
    /// the whole run; each client keeps its own accountant, as it would on its own machine.
    /// </remarks>
    public FederatedAveraging(
        IReadOnlyList<TabularDataSet> clientData,
        TabularDataSet test,
        TrainingOptions training,
        RecordLevelDpOptions? recordLevelDp = null,
        int rounds = 0,
        ServerOptimizerOptions? server = null)
    {
        ArgumentNullException.ThrowIfNull(clientData);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(training);
        _clientData = [.. clientData];
        _test = test;
        int classes = test.ClassNames.Count;
        _global = new LocalTrainer(test.FeatureCount, classes, training);
        _clients = [.. _clientData.Select((data, k) =>
            new LocalTrainer(test.FeatureCount, classes, ClientOptions(training, recordLevelDp, rounds, data, k)))];
        _server = (server ?? new ServerOptimizerOptions()).Create(_global.ParameterCount);
    }

    /// <summary>
    /// The largest record-level epsilon any client has spent so far; null without record-level
    /// DP. A client's records are protected by its own epsilon, so the largest is the figure
    /// every client can rely on.
    /// </summary>
    public double? RecordEpsilonSpent =>
        _clients.Select(c => c.EpsilonSpent).Where(e => e is not null).Max();

    /// <summary>
    /// The final model after <see cref="RunAsync"/>: the average of the global models of its
    /// last rounds; empty before.
    /// </summary>
    public float[] FinalParameters { get; private set; } = [];

    /// <summary>The test accuracy of <see cref="FinalParameters"/>; NaN before a run.</summary>
    public double FinalAccuracy { get; private set; } = double.NaN;

    /// <summary>The length of the parameter vector.</summary>
    public int ParameterCount => _global.ParameterCount;

    /// <summary>
    /// Runs <paramref name="rounds"/> rounds. <paramref name="average"/> turns the clients'
    /// updates into the weighted average delta; <paramref name="progress"/> hears each round's
    /// test accuracy, and <paramref name="trained"/> (round, clients done) each client's end of
    /// local training.
    /// </summary>
    /// <returns>The test accuracy after each round.</returns>
    public async Task<double[]> RunAsync(
        int rounds,
        Func<ClientUpdate[], Task<double[]>> average,
        Action<int, double>? progress = null,
        Action<int, int>? trained = null,
        int tailRounds = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        ArgumentNullException.ThrowIfNull(average);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tailRounds);
        tailRounds = Math.Min(tailRounds, rounds);
        var accuracy = new double[rounds];
        var tailSum = new double[ParameterCount];
        for (int round = 0; round < rounds; round++)
        {
            float[] global = _global.GetParameters();
            var updates = new ClientUpdate[_clients.Length];
            for (int k = 0; k < updates.Length; k++)
            {
                updates[k] = TrainClient(_clients[k], _clientData[k], global);
                trained?.Invoke(round + 1, k + 1);
            }

            double[] step = await average(updates).ConfigureAwait(false);
            _server.Step(global, step);
            _global.SetParameters(global);
            accuracy[round] = _global.Accuracy(_test);
            if (round >= rounds - tailRounds)
            {
                for (int i = 0; i < tailSum.Length; i++)
                {
                    tailSum[i] += global[i];
                }
            }

            progress?.Invoke(round + 1, accuracy[round]);
        }

        // The final model averages the global models of the last tailRounds rounds (Polyak-
        // Ruppert averaging): with DP noise in every step the last iterate wanders around the
        // optimum, and the average of several iterates sits closer to it. It uses only the
        // released global models, so it costs no privacy.
        FinalParameters = [.. tailSum.Select(sum => (float)(sum / tailRounds))];
        _global.SetParameters(FinalParameters);
        FinalAccuracy = _global.Accuracy(_test);
        return accuracy;
    }

    /// <summary>The exact weighted average of the deltas: the plaintext FedAvg server.</summary>
    public static Task<double[]> PlainAverage(ClientUpdate[] updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var sum = new double[updates[0].Delta.Length];
        long examples = 0;
        foreach (var update in updates)
        {
            examples += update.Examples;
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += update.Examples * (double)update.Delta[i];
            }
        }

        for (int i = 0; i < sum.Length && examples > 0; i++)
        {
            sum[i] /= examples;
        }

        return Task.FromResult(sum);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _global.Dispose();
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private static TrainingOptions ClientOptions(
        TrainingOptions training, RecordLevelDpOptions? dp, int rounds, TabularDataSet data, int k)
    {
        var options = training with { Seed = training.Seed + 1 + k };
        if (dp is null || data.RowCount == 0)
        {
            return options;
        }

        // The trainer takes round(1 / q) Poisson-sampled steps an epoch, q = batch / rows.
        double sampleRate = Math.Min(1.0, (double)training.BatchSize / data.RowCount);
        int stepsPerEpoch = Math.Max(1, (int)Math.Round(1 / sampleRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        return options with
        {
            RecordLevelDp = dp with { PlannedSteps = rounds * training.LocalEpochs * stepsPerEpoch },
        };
    }

    private static ClientUpdate TrainClient(LocalTrainer trainer, TabularDataSet data, float[] global)
    {
        // A Dirichlet split can leave a client without rows; it still takes part in the round
        // (the round needs every client) but contributes a zero delta of weight zero.
        if (data.RowCount == 0)
        {
            return new ClientUpdate(new float[global.Length], 0);
        }

        trainer.SetParameters(global);
        trainer.Train(data);
        float[] trained = trainer.GetParameters();
        for (int i = 0; i < trained.Length; i++)
        {
            trained[i] -= global[i];
        }

        return new ClientUpdate(trained, data.RowCount);
    }
}
