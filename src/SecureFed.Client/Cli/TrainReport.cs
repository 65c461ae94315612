using System.Text.Json.Serialization;

namespace SecureFed.Client.Cli;

/// <summary>What <c>securefed train</c> reports.</summary>
/// <param name="Data">The CSV file trained on.</param>
/// <param name="Examples">The rows trained on: the n of <c>--weight-by-examples</c>.</param>
/// <param name="Features">The features per row.</param>
/// <param name="Classes">The class list, in index order.</param>
/// <param name="Model">logreg or mlp.</param>
/// <param name="Parameters">The model's parameter count.</param>
/// <param name="StartedFrom">global (the --global file) or seed (the --seed's
/// initialisation).</param>
/// <param name="AccuracyBefore">Accuracy on the data with the start parameters.</param>
/// <param name="AccuracyAfter">Accuracy on the data with the trained parameters.</param>
/// <param name="TrainLoss">Mean loss over the last epoch; null under record-level DP, where
/// the loss is not protected by the noise.</param>
/// <param name="Update">The update file written.</param>
/// <param name="UpdateLength">Its length: the parameter count, plus one when weighted.</param>
/// <param name="WeightedByExamples">Whether the update is n times the delta, then n.</param>
/// <param name="ModelOut">The trained parameters' file; null when not asked for.</param>
internal sealed record TrainReport(
    string Data,
    int Examples,
    int Features,
    IReadOnlyList<string> Classes,
    string Model,
    int Parameters,
    string StartedFrom,
    double AccuracyBefore,
    double AccuracyAfter,
    double? TrainLoss,
    string Update,
    int UpdateLength,
    bool WeightedByExamples,
    string? ModelOut)
{
    /// <summary>Record-level epsilon spent by all calls so far, this one included.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RecordEpsilon { get; init; }

    /// <summary>The delta of <see cref="RecordEpsilon"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RecordDelta { get; init; }

    /// <summary>The record-level target for all planned rounds.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RecordTargetEpsilon { get; init; }

    /// <summary>The noise multiplier of every DP-SGD step.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? NoiseMultiplier { get; init; }

    /// <summary>This call's Poisson sample rate.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SampleRate { get; init; }

    /// <summary>This call's DP-SGD steps.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Steps { get; init; }

    /// <summary>The record-level accountant's file.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RecordAccountant { get; init; }
}
