// Record-level DP-SGD (Abadi et al., "Deep Learning with Differential Privacy", CCS 2016):
// Poisson-sampled batches, per-example clipping, noise on the sum, and the sum divided by
// the expected batch size q n, not the drawn one, so that one example moves the update by at
// most lr C / (q n). Per-example gradients come from one backward pass per example: the
// models are small and this keeps one code path for both of them.

using System.Buffers.Binary;
using System.Security.Cryptography;
using SecureFed.Privacy.Accounting;
using SecureFed.Training.Data;
using SecureFed.Training.Privacy;
using static TorchSharp.torch;

namespace SecureFed.Training;

/// <summary>The record-level DP-SGD half of <see cref="LocalTrainer"/>.</summary>
public sealed partial class LocalTrainer
{
    private DpSgdNoise? _dpNoise;
    private RdpAccountant? _accountant;

    /// <summary>
    /// The epsilon spent so far by record-level DP-SGD at its delta, counting every step
    /// taken (a call to <see cref="Train"/> spends its steps before it starts) and the
    /// <see cref="RecordLevelDpOptions.PriorGaussianNoiseMultiplier"/>; null without
    /// record-level DP, the prior's cost alone (zero without one) before the first step.
    /// </summary>
    public double? EpsilonSpent => _options.RecordLevelDp is { } dp
        ? (_accountant ?? DpSgdAccounting.NewAccountant(dp.PriorGaussianNoiseMultiplier))
            .GetEpsilon(dp.Delta).Epsilon
        : null;

    /// <summary>
    /// The noise multiplier z of record-level DP-SGD: given, or calibrated on the first call
    /// to <see cref="Train"/>; null before that or without record-level DP.
    /// </summary>
    public double? NoiseMultiplier { get; private set; }

    /// <summary>
    /// The Poisson sample rate q of record-level DP-SGD, fixed on the first call to
    /// <see cref="Train"/>; null before that or without record-level DP.
    /// </summary>
    public double? SampleRate { get; private set; }

    /// <summary>The DP-SGD steps taken so far.</summary>
    public int StepsTaken { get; private set; }

    /// <summary>The grid step gamma of the noise, for tests; null before the first call.</summary>
    internal double? Gamma => _dpNoise?.Gamma;

    /// <summary>Fixes q, z and the noise for <paramref name="rowCount"/> rows unless already
    /// fixed.</summary>
    internal void PreparePrivacy(int rowCount)
    {
        var dp = _options.RecordLevelDp
            ?? throw new InvalidOperationException("Record-level DP is off.");
        if (_dpNoise is not null)
        {
            return;
        }

        var sampleRate = dp.SampleRate ?? Math.Min(1.0, (double)_options.BatchSize / rowCount);
        var multiplier = dp.NoiseMultiplier ?? CalibratedMultiplier(dp, sampleRate);
        SampleRate = sampleRate;
        NoiseMultiplier = multiplier;
        _dpNoise = new DpSgdNoise(ParameterCount, dp.ClipNorm, multiplier);
        _accountant = DpSgdAccounting.NewAccountant(dp.PriorGaussianNoiseMultiplier);
    }

    private static double CalibratedMultiplier(RecordLevelDpOptions dp, double sampleRate) =>
        dp.PriorGaussianNoiseMultiplier is { } prior
            ? DpSgdAccounting.NoiseMultiplierFor(
                dp.TargetEpsilon!.Value, dp.Delta, sampleRate, dp.PlannedSteps!.Value, prior)
            : DpSgdAccounting.NoiseMultiplierFor(
                dp.TargetEpsilon!.Value, dp.Delta, sampleRate, dp.PlannedSteps!.Value);

    /// <summary>
    /// gamma times the sum over <paramref name="rows"/> of the clipped gradients rounded to
    /// the grid, plus the noise: every coordinate an integer multiple of gamma.
    /// </summary>
    internal double[] PrivatizedGradientSum(Tensor features, Tensor labels, IReadOnlyList<int> rows)
    {
        var noise = _dpNoise ?? throw new InvalidOperationException("Privacy is not prepared.");
        var gridSum = new long[ParameterCount];
        ForEachClippedGradient(features, labels, rows, clipped => noise.AddRounded(clipped, gridSum));
        noise.AddNoise(gridSum);
        return [.. gridSum.Select(units => units * noise.Gamma)];
    }

    /// <summary>The exact sum of the clipped gradients of <paramref name="rows"/>, for tests.</summary>
    internal double[] ClippedGradientSum(TabularDataSet data, IReadOnlyList<int> rows)
    {
        PreparePrivacy(data.RowCount);
        using var scope = NewDisposeScope();
        var (features, labels) = ToTensors(data);
        var sum = new double[ParameterCount];
        ForEachClippedGradient(features, labels, rows, clipped =>
        {
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += clipped[i];
            }
        });
        return sum;
    }

    /// <summary><see cref="PrivatizedGradientSum(Tensor, Tensor, IReadOnlyList{int})"/> on a
    /// data set, for tests.</summary>
    internal double[] PrivatizedGradientSum(TabularDataSet data, IReadOnlyList<int> rows)
    {
        PreparePrivacy(data.RowCount);
        using var scope = NewDisposeScope();
        var (features, labels) = ToTensors(data);
        return PrivatizedGradientSum(features, labels, rows);
    }

    private void TrainPrivately(TabularDataSet data, RecordLevelDpOptions dp)
    {
        PreparePrivacy(data.RowCount);
        var sampleRate = SampleRate!.Value;
        var stepsPerEpoch = Math.Max(1, (int)Math.Round(1 / sampleRate));
        var steps = checked(stepsPerEpoch * _options.LocalEpochs);
        if (dp.PlannedSteps is { } planned && StepsTaken + steps > planned)
        {
            throw new InvalidOperationException(
                $"{steps} more steps after {StepsTaken} would exceed the {planned} planned.");
        }

        // Spent before the first noisy update leaves, so the figure never lags the release.
        _accountant!.ComposePoissonSampledGaussian(NoiseMultiplier!.Value, sampleRate, steps);

        using var scope = NewDisposeScope();
        var (features, labels) = ToTensors(data);
        var expectedBatchSize = sampleRate * data.RowCount;
        _model.train();
        for (var step = 0; step < steps; step++)
        {
            var rows = PoissonSample(data.RowCount, sampleRate);
            var sum = PrivatizedGradientSum(features, labels, rows);
            ApplyGradient(sum, 1 / expectedBatchSize);
            StepsTaken++;
        }
    }

    private void ForEachClippedGradient(
        Tensor features, Tensor labels, IReadOnlyList<int> rows, Action<double[]> consume)
    {
        var gradient = new double[ParameterCount];
        foreach (var row in rows)
        {
            using var scope = NewDisposeScope();
            _optimizer.zero_grad();
            var logits = _model.forward(features.narrow(0, row, 1));
            _loss.forward(logits, labels.narrow(0, row, 1)).backward();

            var offset = 0;
            foreach (var parameter in _parameters)
            {
                var count = (int)parameter.numel();
                var values = parameter.grad is { } grad
                    ? grad.data<float>().ToArray()
                    : new float[count];
                for (var i = 0; i < count; i++)
                {
                    gradient[offset + i] = values[i];
                }

                offset += count;
            }

            _dpNoise!.Clip(gradient);
            consume(gradient);
        }
    }

    // The gradient of sum(parameter * g) is g: whatever state zero_grad leaves the gradients
    // in, one backward pass installs exactly the privatized gradient for the optimiser.
    private void ApplyGradient(double[] sum, double scale)
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        var surrogate = zeros(1);
        var offset = 0;
        foreach (var parameter in _parameters)
        {
            var count = (int)parameter.numel();
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = (float)(sum[offset + i] * scale);
            }

            surrogate = surrogate + (parameter * tensor(values, parameter.shape)).sum();
            offset += count;
        }

        surrogate.backward();
        _optimizer.step();
    }

    // Which rows join a batch is as secret as the rows themselves, so the coins come from the
    // CSPRNG. A row joins when 53 random bits fall below floor(q 2^53): the true rate is at
    // most q, never above what is accounted.
    private static List<int> PoissonSample(int rowCount, double sampleRate)
    {
        var threshold = (ulong)Math.Floor(Math.ScaleB(sampleRate, 53));
        var bits = new byte[rowCount * sizeof(ulong)];
        RandomNumberGenerator.Fill(bits);
        var rows = new List<int>();
        for (var row = 0; row < rowCount; row++)
        {
            var coin = BinaryPrimitives.ReadUInt64LittleEndian(bits.AsSpan(row * sizeof(ulong)));
            if (coin >> 11 < threshold)
            {
                rows.Add(row);
            }
        }

        return rows;
    }
}
