// Throughput of the mask PRG (AES-256-CTR, NIST SP 800-38A over FIPS 197).
// Bytes per operation, to turn mean time into GB/s (bytes / mean ns):
// - Keystream1MiB: 1,048,576 keystream bytes.
// - AddTo100kBits32: 400,000 keystream bytes (4 per coordinate); 800,000 target bytes
//   read and written.
// - AddTo100kBits64: 800,000 keystream bytes (8 per coordinate); 800,000 target bytes
//   read and written.

using BenchmarkDotNet.Attributes;
using SecureFed.Crypto.Prg;

namespace SecureFed.Benchmarks;

[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class PrgBenchmarks
{
    private const int Coordinates = 100_000;

    private readonly byte[] _keystream = new byte[1 << 20];
    private readonly ulong[] _target32 = new ulong[Coordinates];
    private readonly ulong[] _target64 = new ulong[Coordinates];
    private MaskPrg? _prg;

    [GlobalSetup]
    public void Setup()
    {
        var seed = new byte[MaskPrg.SeedSize];
        seed[0] = 1;
        _prg = new MaskPrg(seed);
    }

    [Benchmark]
    public void Keystream1MiB() => _prg!.Keystream(0, _keystream);

    [Benchmark]
    public void AddTo100kBits32() => _prg!.AddTo(_target32, 0, 32);

    [Benchmark]
    public void AddTo100kBits64() => _prg!.AddTo(_target64, 0, 64);

    [GlobalCleanup]
    public void Cleanup() => _prg?.Dispose();
}
