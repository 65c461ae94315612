namespace SecureFed.Audit.Cli;

/// <summary>
/// An input the auditor gave cannot be used: a file missing or unreadable, a ledger or
/// receipt not of the expected form, a key that is not one. Exit code 2, never a finding.
/// </summary>
internal sealed class AuditInputException : Exception
{
    public AuditInputException()
    {
    }

    public AuditInputException(string message)
        : base(message)
    {
    }

    public AuditInputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
