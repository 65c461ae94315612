using SecureFed.Enclave.Metrics;
using SecureFed.Enclave.Rounds;

namespace SecureFed.Enclave.Services;

/// <summary>The metric label of each refusal reason.</summary>
internal static class RejectionNames
{
    public static string Of(RejectionReason reason) => reason switch
    {
        RejectionReason.Unauthenticated => RejectionLabels.Unauthenticated,
        RejectionReason.WrongRole => RejectionLabels.WrongRole,
        RejectionReason.Replay => RejectionLabels.Replay,
        RejectionReason.WrongRound => RejectionLabels.WrongRound,
        RejectionReason.WrongLength => RejectionLabels.WrongLength,
        RejectionReason.Oversized => RejectionLabels.Oversized,
        RejectionReason.Budget => RejectionLabels.Budget,
        RejectionReason.NotParticipant => RejectionLabels.NotParticipant,
        _ => RejectionLabels.Invalid,
    };
}
