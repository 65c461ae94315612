using SecureFed.Enclave.Rounds;

namespace SecureFed.Enclave.Services;

/// <summary>The metric label of each refusal reason.</summary>
internal static class RejectionNames
{
    public static string Of(RejectionReason reason) => reason switch
    {
        RejectionReason.Unauthenticated => "unauthenticated",
        RejectionReason.WrongRole => "wrong_role",
        RejectionReason.Replay => "replay",
        RejectionReason.WrongRound => "wrong_round",
        RejectionReason.WrongLength => "wrong_length",
        RejectionReason.Oversized => "oversized",
        RejectionReason.Budget => "budget",
        RejectionReason.NotParticipant => "not_participant",
        _ => "invalid",
    };
}
