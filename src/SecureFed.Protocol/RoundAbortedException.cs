namespace SecureFed.Protocol;

/// <summary>
/// The round cannot complete, for the reason given (for example too few live neighbours to
/// reach the threshold). The state machine that throws it has cleared its secrets and
/// accepts no further messages.
/// </summary>
public sealed class RoundAbortedException : Exception
{
    /// <summary>Creates the exception with the reason for the abort.</summary>
    public RoundAbortedException(string reason)
        : base(reason)
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public RoundAbortedException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    /// <summary>Creates the exception with a generic reason.</summary>
    public RoundAbortedException()
        : base("The round was aborted.")
    {
    }
}
