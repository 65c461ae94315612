using System.CommandLine;

namespace SecureFed.Client.Cli;

/// <summary><c>securefed pki</c>: the federation CA, run offline by the security team.</summary>
internal static class PkiCommand
{
    /// <summary>Builds the command tree.</summary>
    public static Command Create() => new("pki", "The federation certificate authority.");
}
