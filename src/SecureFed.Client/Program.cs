using System.CommandLine;
using SecureFed.Client.Cli;

namespace SecureFed.Client;

/// <summary>Entry point of <c>securefed</c>.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand(
            "securefed: SecureFed's client, key custodian and federation CA tool.");
        root.Subcommands.Add(PkiCommand.Create());
        root.Subcommands.Add(BudgetCommand.Create());
        root.Subcommands.Add(EnrollCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(ParticipateCommand.Create());
        root.Subcommands.Add(CustodianCommand.Create());
        root.Subcommands.Add(OperatorCommand.Create());
        return root.Parse(args).Invoke();
    }
}
