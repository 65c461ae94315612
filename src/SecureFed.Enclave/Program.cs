using System.CommandLine;

namespace SecureFed.Enclave;

/// <summary>Entry point of <c>securefed-enclave</c>.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("securefed-enclave: the SecureFed aggregation appliance.");
        return root.Parse(args).Invoke();
    }
}
