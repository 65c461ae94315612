namespace SecureFed.Enclave.Cli;

/// <summary>
/// A command-line option, a file it names or the state directory is not what the command
/// needs; the message names the option. Exit code 2.
/// </summary>
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
