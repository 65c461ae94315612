namespace SecureFed.Client.Cli;

/// <summary>A command-line option is missing or has a bad value; the message names it.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UsageException()
        : base("The command line is not valid.")
    {
    }
}
