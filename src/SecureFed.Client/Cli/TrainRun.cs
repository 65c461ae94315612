using System.Diagnostics;
using System.Globalization;
using SecureFed.Client.Training;
using SecureFed.Client.Updates;
using SecureFed.Training;
using SecureFed.Training.Data;
using SecureFed.Training.Models;
using SecureFed.Training.Privacy;

namespace SecureFed.Client.Cli;

/// <summary>
/// The work of <c>securefed train</c>. Every input is read and checked, and the record-level
/// budget asked, before anything is written; the accountant is then charged before the first
/// noisy step, and the outputs are written last, each atomically.
/// </summary>
internal static class TrainRun
{
    /// <summary>Trains on the request's data and writes the update (and the model).</summary>
    /// <exception cref="UsageException">An input is missing, malformed or does not fit the
    /// model, or the record-level budget refuses the call; nothing was written.</exception>
    public static TrainReport Execute(TrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        TabularDataSet data = LoadData(request);
        TrainingOptions options = request.Training;
        var (accountant, charge) = request.RecordLevelDp is { } dp
            ? PlanRecordLevelDp(dp, options, data.RowCount)
            : (null, null);
        if (accountant is not null)
        {
            options = options with
            {
                RecordLevelDp = new RecordLevelDpOptions
                {
                    NoiseMultiplier = accountant.NoiseMultiplier,
                    SampleRate = charge!.SampleRate,
                    Delta = accountant.Delta,
                    ClipNorm = request.RecordLevelDp!.ClipNorm,
                },
            };
        }

        using var trainer = new LocalTrainer(data.FeatureCount, data.ClassNames.Count, options);
        float[] start = request.GlobalPath is { } global
            ? ReadGlobal(global, trainer.ParameterCount)
            : trainer.GetParameters();
        trainer.SetParameters(start);
        double accuracyBefore = trainer.Accuracy(data);

        double epsilon = 0;
        if (accountant is not null && !accountant.TryCharge(charge!, out epsilon))
        {
            RequireWithinTarget(accountant, epsilon);
        }

        double loss = trainer.Train(data);
        Debug.Assert(charge is null || trainer.StepsTaken == charge.Steps, "steps as charged");
        float[] trained = trainer.GetParameters();
        if (Array.FindIndex(trained, value => !float.IsFinite(value)) >= 0)
        {
            // Charged before the first step; a failed call is not refunded, erring on the safe side.
            string charged = accountant is null ? string.Empty : " (its DP-SGD steps stay charged)";
            throw new UsageException(
                $"--learning-rate: training diverged (a parameter is no longer finite); no update "
                + $"was written{charged}. Try a smaller --learning-rate, or --standardization.");
        }

        double accuracyAfter = trainer.Accuracy(data);

        float[] update = Update(start, trained, data.RowCount, request.WeightByExamples);
        ModelUpdateFile.Write(request.UpdatePath, ModelUpdate.FromVector(update));
        if (request.ModelPath is { } modelPath)
        {
            ModelUpdateFile.Write(modelPath, ModelUpdate.FromVector(trained));
        }

        var report = new TrainReport(
            request.DataPath,
            data.RowCount,
            data.FeatureCount,
            data.ClassNames,
            request.Training.Model == ModelKind.Mlp ? "mlp" : "logreg",
            trainer.ParameterCount,
            request.GlobalPath is null ? "seed" : "global",
            accuracyBefore,
            accuracyAfter,
            double.IsFinite(loss) ? loss : null,
            request.UpdatePath,
            update.Length,
            request.WeightByExamples,
            request.ModelPath);
        return accountant is null ? report : report with
        {
            RecordEpsilon = epsilon,
            RecordDelta = accountant.Delta,
            RecordTargetEpsilon = accountant.TargetEpsilon,
            NoiseMultiplier = accountant.NoiseMultiplier,
            SampleRate = charge!.SampleRate,
            Steps = charge.Steps,
            RecordAccountant = accountant.FilePath,
        };
    }

    /// <summary>
    /// The update: trained minus start parameters, or with <paramref name="weighted"/> n times
    /// that followed by n, so that summing updates sums both FedAvg's numerator and its
    /// denominator inside the protected vector.
    /// </summary>
    // Limitation: n goes out exact. Under record-level DP the parameters are protected by
    // DP-SGD but n is not, so a neighbouring data set (one record more) changes n by one and
    // scales the delta by (n + 1) / n; a federation that needs n protected leaves weighting off.
    internal static float[] Update(float[] start, float[] trained, int examples, bool weighted)
    {
        Debug.Assert(start.Length == trained.Length, "one model");
        var update = new float[trained.Length + (weighted ? 1 : 0)];
        float weight = weighted ? examples : 1;
        for (int i = 0; i < trained.Length; i++)
        {
            update[i] = weight * (trained[i] - start[i]);
        }

        if (weighted)
        {
            update[^1] = examples;
        }

        return update;
    }

    private static TabularDataSet LoadData(TrainingRequest request)
    {
        TabularDataSet data;
        try
        {
            data = TabularDataSet.LoadCsv(request.DataPath, request.LabelColumn, request.Classes);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--data: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--label-column: {e.Message}", e);
        }

        if (request.StandardizationPath is not { } standardization)
        {
            return data;
        }

        try
        {
            return StandardizationFile.Read(standardization, data.FeatureCount).Apply(data);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"--standardization: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--data: {e.Message}", e);
        }
    }

    /// <summary>
    /// The accountant and this call's steps, refused here if they would pass the target.
    /// </summary>
    private static (RecordLevelAccountant Accountant, DpSgdSteps Charge) PlanRecordLevelDp(
        RecordLevelDpRequest dp, TrainingOptions options, int rows)
    {
        // The trainer takes round(1 / q) Poisson-sampled steps an epoch, q = batch / rows;
        // the accountant must be charged for exactly those before the first one.
        double sampleRate = Math.Min(1.0, (double)options.BatchSize / rows);
        long steps = (long)Math.Max(1, (int)Math.Round(1 / sampleRate)) * options.LocalEpochs;
        if (steps > int.MaxValue)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--epochs: {steps} DP-SGD steps in one call are too many."));
        }

        RecordLevelAccountant accountant = OpenAccountant(dp, sampleRate, (int)steps);
        var charge = new DpSgdSteps((int)steps, sampleRate, accountant.NoiseMultiplier);
        RequireWithinTarget(accountant, accountant.EpsilonIf(charge));
        return (accountant, charge);
    }

    private static RecordLevelAccountant OpenAccountant(
        RecordLevelDpRequest dp, double sampleRate, int stepsPerRound)
    {
        try
        {
            return RecordLevelAccountant.OpenOrPlan(
                dp.StateDirectory, dp.TargetEpsilon, dp.Delta, dp.PlannedRounds, sampleRate,
                stepsPerRound);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--record-epsilon: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"--state-dir: {e.Message}", e);
        }
    }

    private static void RequireWithinTarget(RecordLevelAccountant accountant, double epsilonAfter)
    {
        if (accountant.Allows(epsilonAfter))
        {
            return;
        }

        double spent = accountant.EpsilonSpent();
        throw new UsageException(string.Create(CultureInfo.InvariantCulture,
            $"--record-epsilon: this call would take the record-level epsilon from {spent:G6} "
            + $"to {epsilonAfter:G6}, past the target "
            + $"{accountant.TargetEpsilon:G6} at delta {accountant.Delta:G3} "
            + $"({accountant.Steps.Count} of {accountant.PlannedRounds} planned rounds taken). "
            + $"Nothing was trained or written."));
    }

    private static float[] ReadGlobal(string path, int parameterCount)
    {
        ModelUpdate global;
        try
        {
            global = ModelUpdateFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"--global: {e.Message}", e);
        }

        if (global.Values.Length != parameterCount)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--global: '{path}' holds {global.Values.Length} values; the model has "
                + $"{parameterCount} parameters."));
        }

        return global.Values;
    }
}
