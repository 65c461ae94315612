namespace SecureFed.Protocol;

/// <summary>
/// A message was refused: it was malformed, out of turn, for another session or round, from
/// an unexpected sender, or asked for something the protocol forbids. The state machine that
/// throws it has not changed.
/// </summary>
public sealed class ProtocolViolationException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public ProtocolViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public ProtocolViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ProtocolViolationException()
        : base("The message was refused.")
    {
    }
}
