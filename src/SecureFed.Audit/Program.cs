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
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(ReceiptCommand.Create());
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Bad usage is exit code 2 in every command, as is any other input that cannot be used.
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"error: {error.Message}");
            }

            return Output.BadParameters;
        }

        return parsed.Invoke();
    }
}
