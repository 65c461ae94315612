// Time per negacyclic NTT (Longa-Naehrig 2016 layout, Harvey 2014 lazy Shoup butterflies)
// for one 60-bit prime, on the scalar path and on the AVX2 path. Each operation is one
// in-place transform of N coefficients: (N/2) log2 N butterflies.

using BenchmarkDotNet.Attributes;
using SecureFed.Crypto.Ckks;

namespace SecureFed.Benchmarks;

[ShortRunJob]
public class NttBenchmarks
{
    private ulong[] _values = [];
    private NttTables? _tables;

    [Params(8192, 32768)]
    public int N { get; set; }

    [Params(false, true)]
    public bool Avx2 { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var modulus = new Modulus(NttPrimes.Generate(N, 60, 1)[0]);
        _tables = new NttTables(N, modulus);
        var random = new Random(1);
        _values = new ulong[N];
        for (int i = 0; i < N; i++)
        {
            _values[i] = (ulong)random.NextInt64((long)modulus.Value);
        }
    }

    // Forward then inverse on the same array would mix the two; each benchmark runs one
    // direction, and the transform of canonical values is canonical, so repeating it on
    // its own output stays within the input contract.
    [Benchmark]
    public void Forward() => Ntt.ForwardCore(_values, _tables!, Avx2);

    [Benchmark]
    public void Inverse() => Ntt.InverseCore(_values, _tables!, Avx2);
}
