using System.CommandLine;
using SecureFed.Enclave.Cli;

namespace SecureFed.Enclave;

/// <summary>Entry point of <c>securefed-enclave</c>.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("securefed-enclave: the SecureFed aggregation appliance.");
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(LedgerCommand.Create());

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A command line that does not parse is bad input like any other: exit 2, as the
            // commands' own checks do, not System.CommandLine's 1.
            bool json = args.Contains("--json", StringComparer.Ordinal);
            string message = string.Join(" ", parse.Errors.Select(e => e.Message));
            return Output.Fail(json, $"{message} (see --help)");
        }

        // run stops through the host's own SIGTERM and Ctrl-C handling, which waits for the
        // services to stop (an open round is aborted in the ledger); System.CommandLine's
        // would end the process after two seconds.
        return parse.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
