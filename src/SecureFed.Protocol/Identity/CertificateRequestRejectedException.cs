namespace SecureFed.Protocol.Identity;

/// <summary>
/// A certificate signing request was refused: its signature does not verify, its key is not
/// ECDSA P-256, or it names another identity. No certificate was issued.
/// </summary>
public sealed class CertificateRequestRejectedException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public CertificateRequestRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public CertificateRequestRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public CertificateRequestRejectedException()
        : base("The certificate signing request was refused.")
    {
    }
}
