using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureFed.Client.Training;

/// <summary>The JSON document of the record-level accountant in the state folder.</summary>
/// <param name="Format">The file format's version.</param>
/// <param name="TargetEpsilon">The epsilon all planned calls together may spend.</param>
/// <param name="Delta">The delta at which epsilon is given.</param>
/// <param name="PlannedRounds">The calls (rounds) the noise multiplier was calibrated for.</param>
/// <param name="PlannedSteps">The steps of those rounds, as planned at the first call.</param>
/// <param name="NoiseMultiplier">The calibrated noise multiplier, fixed for every call.</param>
/// <param name="Steps">The steps taken so far, oldest call first.</param>
internal sealed record RecordLevelDpFile(
    int Format,
    double TargetEpsilon,
    double Delta,
    int PlannedRounds,
    int PlannedSteps,
    double NoiseMultiplier,
    List<DpSgdSteps> Steps)
{
    /// <summary>The version this code writes and reads.</summary>
    public const int CurrentFormat = 1;

    /// <summary>Strict settings: no unknown, repeated or missing members, no nulls.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
        WriteIndented = true,
    };
}
