using System.CommandLine;
using SecureFed.Simulator.Cli;

namespace SecureFed.Simulator;

/// <summary>Entry point of <c>securefed-sim</c>.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("securefed-sim: SecureFed federations and benchmarks on one machine.");
        var bench = new Command("bench", "System benchmarks.");
        bench.Subcommands.Add(BenchSecAggCommand.Create());
        bench.Subcommands.Add(BenchCkksCommand.Create());
        root.Subcommands.Add(bench);
        root.Subcommands.Add(RoundCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root.Parse(args).Invoke();
    }
}
