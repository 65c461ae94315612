// Federated averaging (McMahan et al., "Communication-Efficient Learning of Deep Networks
// from Decentralized Data", AISTATS 2017) with a server learning rate of 1: each round every
// client trains from the global parameters on its own rows, and the global parameters move
// by the average of the clients' deltas weighted by their example counts. How that average
// is computed (in the clear, or from a protected aggregate) is the caller's choice.

using SecureFed.Training;
using SecureFed.Training.Data;

namespace SecureFed.Simulator.Demo;

/// <summary>One federated training run over fixed client data sets.</summary>
public sealed class FederatedAveraging : IDisposable
{
    private readonly TabularDataSet[] _clientData;
    private readonly TabularDataSet _test;
    private readonly LocalTrainer _global;
    private readonly LocalTrainer[] _clients;

    /// <summary>
    /// Prepares a run. Two runs made with the same arguments start from the same parameters
    /// and draw the same mini-batches, so they differ only in how the average is computed.
    /// </summary>
    public FederatedAveraging(
        IReadOnlyList<TabularDataSet> clientData, TabularDataSet test, TrainingOptions training)
    {
        ArgumentNullException.ThrowIfNull(clientData);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(training);
        _clientData = [.. clientData];
        _test = test;
        int classes = test.ClassNames.Count;
        _global = new LocalTrainer(test.FeatureCount, classes, training);
        _clients = [.. _clientData.Select((_, k) =>
            new LocalTrainer(test.FeatureCount, classes, training with { Seed = training.Seed + 1 + k }))];
    }

    /// <summary>The length of the parameter vector.</summary>
    public int ParameterCount => _global.ParameterCount;

    /// <summary>
    /// Runs <paramref name="rounds"/> rounds. <paramref name="average"/> turns the clients'
    /// updates into the weighted average delta; <paramref name="progress"/> hears each round's
    /// test accuracy.
    /// </summary>
    /// <returns>The test accuracy after each round.</returns>
    public async Task<double[]> RunAsync(
        int rounds, Func<ClientUpdate[], Task<double[]>> average, Action<int, double>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        ArgumentNullException.ThrowIfNull(average);
        var accuracy = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            float[] global = _global.GetParameters();
            var updates = _clients.Select((trainer, k) => TrainClient(trainer, _clientData[k], global)).ToArray();

            double[] step = await average(updates).ConfigureAwait(false);
            var next = new float[global.Length];
            for (int i = 0; i < next.Length; i++)
            {
                next[i] = (float)(global[i] + step[i]);
            }

            _global.SetParameters(next);
            accuracy[round] = _global.Accuracy(_test);
            progress?.Invoke(round + 1, accuracy[round]);
        }

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
