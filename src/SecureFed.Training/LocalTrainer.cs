using SecureFed.Training.Data;
using SecureFed.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SecureFed.Training;

/// <summary>
/// Trains a tabular classifier on a client's own data with TorchSharp on the CPU, and
/// exposes its parameters as one flat vector for federated averaging.
/// </summary>
/// <remarks>
/// The initial parameters come from <see cref="TrainingOptions.Seed"/> alone (uniform in
/// ±1/sqrt(fan-in), as torch's own linear layers), not from torch's process-wide
/// generator, so that trainers made in parallel start from the same point.
/// </remarks>
public sealed partial class LocalTrainer : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Parameter[] _parameters;
    private readonly optim.Optimizer _optimizer;
    private readonly CrossEntropyLoss _loss = nn.CrossEntropyLoss();
    private readonly TrainingOptions _options;
    private readonly Random _batchOrder;
    private bool _disposed;

    /// <summary>Creates a freshly initialised model for the given table shape.</summary>
    /// <param name="featureCount">The number of input features.</param>
    /// <param name="classCount">The number of classes, at least two.</param>
    /// <param name="options">The training options.</param>
    public LocalTrainer(int featureCount, int classCount, TrainingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        _options = options;
        FeatureCount = featureCount;
        ClassCount = classCount;
        _model = options.Model switch
        {
            ModelKind.LogisticRegression => nn.Linear(featureCount, classCount),
            ModelKind.Mlp => nn.Sequential(
                ("hidden", nn.Linear(featureCount, options.HiddenUnits)),
                ("relu", nn.ReLU()),
                ("output", nn.Linear(options.HiddenUnits, classCount))),
            _ => throw new ArgumentOutOfRangeException(
                nameof(options), options.Model, "Unknown model."),
        };
        _parameters = [.. _model.parameters()];
        ParameterCount = checked((int)_parameters.Sum(p => p.numel()));
        InitializeParameters(new Random(options.Seed));
        _batchOrder = new Random(unchecked(options.Seed + 1));

        _optimizer = options.Optimizer switch
        {
            OptimizerKind.Sgd => optim.SGD(_parameters, options.LearningRate),
            OptimizerKind.Adam => optim.Adam(_parameters, options.LearningRate),
            _ => throw new ArgumentOutOfRangeException(
                nameof(options), options.Optimizer, "Unknown optimiser."),
        };
    }

    /// <summary>The number of input features.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The length of the flat parameter vector.</summary>
    public int ParameterCount { get; }

    /// <summary>
    /// Runs <see cref="TrainingOptions.LocalEpochs"/> passes over <paramref name="data"/>
    /// in shuffled mini-batches.
    /// </summary>
    /// <remarks>
    /// With <see cref="TrainingOptions.RecordLevelDp"/> set, each epoch is instead
    /// round(1 / q) DP-SGD steps on Poisson samples of rate q; see
    /// <see cref="EpsilonSpent"/>.
    /// </remarks>
    /// <returns>
    /// The mean training loss over the last epoch; NaN under record-level DP, where the loss
    /// of the examples is not protected by the noise and so is not released.
    /// </returns>
    /// <exception cref="InvalidOperationException">
    /// Under record-level DP, the steps of this call would exceed the planned steps.
    /// </exception>
    public double Train(TabularDataSet data)
    {
        CheckShape(data);
        if (_options.RecordLevelDp is { } dp)
        {
            TrainPrivately(data, dp);
            return double.NaN;
        }

        using var scope = NewDisposeScope();
        var (features, labels) = ToTensors(data);
        var order = Enumerable.Range(0, data.RowCount).ToArray();
        var lastEpochLoss = 0.0;
        _model.train();
        for (var epoch = 0; epoch < _options.LocalEpochs; epoch++)
        {
            _batchOrder.Shuffle(order);
            lastEpochLoss = 0;
            for (var start = 0; start < order.Length; start += _options.BatchSize)
            {
                lastEpochLoss += TrainBatch(features, labels, order, start);
            }

            lastEpochLoss /= order.Length;
        }

        return lastEpochLoss;
    }

    /// <summary>The fraction of the rows of <paramref name="data"/> whose class it predicts.</summary>
    public double Accuracy(TabularDataSet data)
    {
        CheckShape(data);

        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        _model.eval();
        var (features, labels) = ToTensors(data);
        var correct = _model.forward(features).argmax(1).eq(labels).sum().item<long>();
        return (double)correct / data.RowCount;
    }

    /// <summary>
    /// The model's parameters as one vector: each tensor flattened row-major, in the
    /// model's own order. <see cref="SetParameters"/> takes the same layout.
    /// </summary>
    public float[] GetParameters()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        var flat = new float[ParameterCount];
        var offset = 0;
        foreach (var parameter in _parameters)
        {
            var values = parameter.data<float>().ToArray();
            values.CopyTo(flat, offset);
            offset += values.Length;
        }

        return flat;
    }

    /// <summary>Replaces the model's parameters, for example with a federated average.</summary>
    /// <exception cref="ArgumentException">
    /// The vector's length is not <see cref="ParameterCount"/>.
    /// </exception>
    public void SetParameters(ReadOnlySpan<float> flat)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (flat.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"Expected {ParameterCount} parameters, got {flat.Length}.", nameof(flat));
        }

        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var offset = 0;
        foreach (var parameter in _parameters)
        {
            var count = (int)parameter.numel();
            parameter.copy_(torch.tensor(flat.Slice(offset, count).ToArray(), parameter.shape));
            offset += count;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _optimizer.Dispose();
        _loss.Dispose();
        _model.Dispose();
    }

    private double TrainBatch(Tensor features, Tensor labels, int[] order, int start)
    {
        using var scope = NewDisposeScope();
        var count = Math.Min(_options.BatchSize, order.Length - start);
        var rows = torch.tensor(order.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray());
        var logits = _model.forward(features.index_select(0, rows));

        _optimizer.zero_grad();
        var loss = _loss.forward(logits, labels.index_select(0, rows));
        loss.backward();
        _optimizer.step();
        return loss.item<float>() * (double)count;
    }

    // Same bounds as torch's nn.Linear default, drawn from our own seeded generator.
    private void InitializeParameters(Random random)
    {
        var values = new float[ParameterCount];
        var offset = 0;
        var bound = 1.0;
        foreach (var parameter in _parameters)
        {
            // A weight is [out, in]; the bias that follows it shares its fan-in.
            if (parameter.dim() == 2)
            {
                bound = 1 / Math.Sqrt(parameter.shape[1]);
            }

            var count = (int)parameter.numel();
            for (var i = 0; i < count; i++)
            {
                values[offset + i] = (float)(((2 * random.NextDouble()) - 1) * bound);
            }

            offset += count;
        }

        SetParameters(values);
    }

    private void CheckShape(TabularDataSet data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != FeatureCount || data.ClassNames.Count != ClassCount)
        {
            throw new ArgumentException(
                $"The model takes {FeatureCount} features and {ClassCount} classes, the data "
                + $"has {data.FeatureCount} and {data.ClassNames.Count}.", nameof(data));
        }
    }

    private static (Tensor Features, Tensor Labels) ToTensors(TabularDataSet data) =>
        (torch.tensor(data.Features.ToArray(), [data.RowCount, data.FeatureCount]),
            torch.tensor(data.Labels.ToArray()));
}
