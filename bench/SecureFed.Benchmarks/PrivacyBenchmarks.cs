// The privacy side of a round: what the auditor's accountant costs for a long training run,
// and what a client's exact noise costs per coordinate.
// - RdpEpsilon1000Steps: ε of 1000 steps of the Poisson-subsampled Gaussian (σ = 1.1,
//   q = 0.01, δ = 1e-5) over dp_accounting's 156 default orders.
// - DiscreteGaussian10k / Skellam10k: 10,000 exact samples from the CSPRNG, at σ² = 1000
//   and μ = 1000 (divide the mean by 10,000 for the cost of one coordinate).

using BenchmarkDotNet.Attributes;
using SecureFed.Privacy.Accounting;
using SecureFed.Privacy.Sampling;

namespace SecureFed.Benchmarks;

[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class PrivacyBenchmarks
{
    private readonly long[] _noise = new long[10_000];
    private readonly DiscreteGaussianSampler _gaussian = new(1000, 1);
    private readonly SkellamSampler _skellam = new(1000, 1);

    [Benchmark]
    public double RdpEpsilon1000Steps() => RdpAccountant.Epsilon(1.1, 0.01, 1000, 1e-5).Epsilon;

    [Benchmark]
    public void DiscreteGaussian10k() => _gaussian.Fill(_noise);

    [Benchmark]
    public void Skellam10k() => _skellam.Fill(_noise);
}
