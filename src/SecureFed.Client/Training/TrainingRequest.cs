using SecureFed.Training;

namespace SecureFed.Client.Training;

/// <summary>What one <c>securefed train</c> call is asked to do, its options checked.</summary>
/// <param name="DataPath">The client's CSV file.</param>
/// <param name="LabelColumn">The CSV column that holds the class.</param>
/// <param name="Classes">The federation's class list; a class's index is its position.</param>
/// <param name="Training">Model, optimiser, epochs, batch size, learning rate and seed;
/// without record-level DP, which <see cref="RecordLevelDp"/> describes.</param>
/// <param name="GlobalPath">The global parameters to start from; null to start from the
/// seed's initialisation.</param>
/// <param name="StandardizationPath">The feature means and scales; null for none.</param>
/// <param name="UpdatePath">Where the update (trained minus start parameters) goes.</param>
/// <param name="WeightByExamples">Whether the update is n times the delta, followed by n.</param>
/// <param name="ModelPath">Where the trained parameters go; null for nowhere.</param>
/// <param name="RecordLevelDp">Record-level DP-SGD; null without it.</param>
public sealed record TrainingRequest(
    string DataPath,
    string LabelColumn,
    IReadOnlyList<string> Classes,
    TrainingOptions Training,
    string? GlobalPath,
    string? StandardizationPath,
    string UpdatePath,
    bool WeightByExamples,
    string? ModelPath,
    RecordLevelDpRequest? RecordLevelDp);
