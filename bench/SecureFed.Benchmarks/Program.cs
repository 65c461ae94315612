// Entry point of the benchmarks: BenchmarkDotNet picks classes by --filter.

using BenchmarkDotNet.Running;

namespace SecureFed.Benchmarks;

/// <summary>Runs the benchmarks chosen on the command line.</summary>
public static class Program
{
    /// <summary>Hands the arguments to BenchmarkDotNet's switcher.</summary>
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
