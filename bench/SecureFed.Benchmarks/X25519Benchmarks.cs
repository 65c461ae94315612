// X25519 (RFC 7748) scalar multiplication: our Montgomery ladder against BouncyCastle's.
// Each operation is one 255-step ladder on a 32-byte scalar and a 32-byte u-coordinate,
// the cost of one key agreement. The base-point pair compares key generation, where
// BouncyCastle uses a fixed-base method with precomputed tables instead of the ladder.

using BenchmarkDotNet.Attributes;
using SecureFed.Crypto.KeyAgreement;
using BouncyX25519 = Org.BouncyCastle.Math.EC.Rfc7748.X25519;

namespace SecureFed.Benchmarks;

[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class X25519Benchmarks
{
    private readonly byte[] _scalar = new byte[32];
    private readonly byte[] _u = new byte[32];
    private readonly byte[] _result = new byte[32];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7748);
        random.NextBytes(_scalar);
        random.NextBytes(_u);
    }

    [Benchmark(Baseline = true)]
    public void BouncyCastleScalarMult() => BouncyX25519.ScalarMult(_scalar, 0, _u, 0, _result, 0);

    [Benchmark]
    public bool ScalarMult() => Curve25519.ScalarMult(_scalar, _u, _result);

    [Benchmark]
    public void BouncyCastleScalarMultBase() => BouncyX25519.ScalarMultBase(_scalar, 0, _result, 0);

    [Benchmark]
    public bool ScalarMultBase() => Curve25519.ScalarMultBase(_scalar, _result);
}
