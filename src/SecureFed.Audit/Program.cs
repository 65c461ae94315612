using System.CommandLine;
using SecureFed.Audit.Cli;

namespace SecureFed.Audit;

/// <summary>Entry point of <c>securefed-audit</c>.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("securefed-audit: check SecureFed's privacy budget and ledger offline.");
        root.Subcommands.Add(PrivacyCommands.Epsilon());
        root.Subcommands.Add(PrivacyCommands.Calibrate());
        return root.Parse(args).Invoke();
    }
}
