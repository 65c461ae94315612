namespace SecureFed.Enclave.Rounds;

/// <summary>Why the appliance refused a request, in the terms its metrics count.</summary>
public enum RejectionReason
{
    /// <summary>The caller has no valid federation certificate.</summary>
    Unauthenticated,

    /// <summary>The caller's certificate is valid but its role may not make this call.</summary>
    WrongRole,

    /// <summary>The message repeats one already taken.</summary>
    Replay,

    /// <summary>The message names another federation, round, session or stage.</summary>
    WrongRound,

    /// <summary>A vector or field has the wrong length.</summary>
    WrongLength,

    /// <summary>The message or stream is larger than allowed.</summary>
    Oversized,

    /// <summary>The message is malformed or fails a protocol check.</summary>
    Invalid,

    /// <summary>The round would exceed the federation's privacy budget.</summary>
    Budget,

    /// <summary>The caller is not enrolled, or not a participant of this round.</summary>
    NotParticipant,
}

/// <summary>
/// A request the appliance refused. Refusals change no state; the gRPC layer turns them into
/// a status with <see cref="Exception.Message"/> as its detail.
/// </summary>
public sealed class RoundRejectedException : Exception
{
    /// <summary>Creates a refusal for <paramref name="reason"/>.</summary>
    public RoundRejectedException(RejectionReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates a refusal without a reason; prefer the other constructor.</summary>
    public RoundRejectedException()
        : this(RejectionReason.Invalid, "The request was refused.")
    {
    }

    /// <summary>Creates a refusal without a reason; prefer the other constructor.</summary>
    public RoundRejectedException(string message)
        : this(RejectionReason.Invalid, message)
    {
    }

    /// <summary>Creates a refusal without a reason; prefer the other constructor.</summary>
    public RoundRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = RejectionReason.Invalid;
    }

    /// <summary>Why the request was refused.</summary>
    public RejectionReason Reason { get; }
}
