namespace SecureFed.Enclave.Metrics;

/// <summary>
/// Why the appliance refused a message: the values of the <c>reason</c> label of
/// <c>securefed_rejections_total</c>. The set is fixed so that the label cannot grow without
/// bound; a caller cannot invent a reason.
/// </summary>
public static class RejectionLabels
{
    /// <summary>The caller presented no valid federation certificate.</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>The caller's role may not call this method.</summary>
    public const string WrongRole = "wrong_role";

    /// <summary>The message repeats one already accepted.</summary>
    public const string Replay = "replay";

    /// <summary>The message names a federation or round that is not in progress.</summary>
    public const string WrongRound = "wrong_round";

    /// <summary>A vector, key or ciphertext has the wrong length for the round.</summary>
    public const string WrongLength = "wrong_length";

    /// <summary>The message exceeds the size limit.</summary>
    public const string Oversized = "oversized";

    /// <summary>The message is malformed or fails a signature or consistency check.</summary>
    public const string Invalid = "invalid";

    /// <summary>Accepting it would exceed the privacy budget.</summary>
    public const string Budget = "budget";

    /// <summary>It arrived after its stage's deadline.</summary>
    public const string Late = "late";

    /// <summary>The caller is not enrolled, or has no part in this round or stage.</summary>
    public const string NotParticipant = "not_participant";

    /// <summary>Every reason, in the order they are rendered.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Unauthenticated, WrongRole, Replay, WrongRound, WrongLength, Oversized, Invalid, Budget, Late, NotParticipant];
}
