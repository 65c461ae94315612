namespace SecureFed.Protocol.Identity;

/// <summary>
/// The federation CA cannot be used: its files are missing, malformed or do not match, its key
/// file is open to other users, or it has expired. Nothing was written or issued.
/// </summary>
public sealed class FederationCaException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public FederationCaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public FederationCaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public FederationCaException()
        : base("The federation CA cannot be used.")
    {
    }
}
