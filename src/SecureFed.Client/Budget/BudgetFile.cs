using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureFed.Client.Budget;

/// <summary>The JSON document of a client's budget file.</summary>
/// <param name="Format">The file format's version.</param>
/// <param name="Epsilon">The epsilon limit.</param>
/// <param name="Delta">The delta of the limit.</param>
/// <param name="Accountant">How rounds are turned into an epsilon.</param>
/// <param name="Rounds">The rounds charged, oldest first.</param>
internal sealed record BudgetFile(
    int Format, double Epsilon, double Delta, BudgetAccountant Accountant, List<RoundMechanism> Rounds)
{
    /// <summary>The version this code writes and reads.</summary>
    public const int CurrentFormat = 1;

    /// <summary>Strict settings: no unknown, repeated or missing members, no nulls, no
    /// numbers for enums, no NaN.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
        AllowOutOfOrderMetadataProperties = true,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };
}
