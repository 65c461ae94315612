// Entry point of the benchmarks: BenchmarkDotNet picks classes by --filter; `audit-verify`
// is a plain timed run instead, since one audit of a large ledger takes seconds.

using BenchmarkDotNet.Running;

namespace SecureFed.Benchmarks;

/// <summary>Runs the benchmarks chosen on the command line.</summary>
public static class Program
{
    /// <summary>Runs <c>audit-verify</c>, or hands the arguments to BenchmarkDotNet's switcher.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "audit-verify")
        {
            return AuditVerifyBenchmark.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
