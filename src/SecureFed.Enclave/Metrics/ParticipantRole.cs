namespace SecureFed.Enclave.Metrics;

/// <summary>
/// The roles a federation certificate names: the values of the <c>role</c> label of
/// <c>securefed_enrolled_participants</c>.
/// </summary>
public static class ParticipantRole
{
    /// <summary>A data holder that contributes updates.</summary>
    public const string Client = "client";

    /// <summary>A key custodian of HE mode.</summary>
    public const string Custodian = "custodian";

    /// <summary>The security team or the coordinator.</summary>
    public const string Operator = "operator";

    /// <summary>Every role, in the order they are rendered.</summary>
    public static IReadOnlyList<string> All { get; } = [Client, Custodian, Operator];
}
