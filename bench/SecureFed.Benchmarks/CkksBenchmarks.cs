// The parts of CKKS public-key and secret-key encryption at N = 8192 with the default
// parameters (three 60-bit chain primes and a 38-bit special prime), to show where an
// encryption's time goes: the randomness, the uniform expansion of c1, the coefficient-wise
// products and the whole operations.

using BenchmarkDotNet.Attributes;
using SecureFed.Crypto.Ckks;

namespace SecureFed.Benchmarks;

[ShortRunJob]
[MemoryDiagnoser]
public class CkksBenchmarks
{
    private readonly long[] _small = new long[8192];
    private readonly byte[] _seed = new byte[32];
    private CkksContext? _context;
    private CkksEncryptor? _publicEncryptor;
    private CkksEncryptor? _secretEncryptor;
    private CkksPlaintext? _plaintext;
    private RnsPolynomial? _a;
    private RnsPolynomial? _b;
    private CkksSecretKey? _secretKey;

    [GlobalSetup]
    public void Setup()
    {
        _context = new CkksContext(CkksParameters.CreateDefault(8192));
        _secretKey = CkksSecretKey.Generate(_context);
        _publicEncryptor = new CkksEncryptor(CkksPublicKey.Generate(_secretKey));
        _secretEncryptor = new CkksEncryptor(_secretKey);
        var encoder = new CkksEncoder(_context);
        _plaintext = encoder.Encode(new double[encoder.SlotCount], 1L << 40);
        _a = RingSampler.ExpandUniform(_context, _seed);
        _b = RingSampler.ExpandUniform(_context, _seed);
    }

    [GlobalCleanup]
    public void Cleanup() => _secretKey?.Dispose();

    [Benchmark]
    public CkksCiphertext EncryptPublicKey() => _publicEncryptor!.Encrypt(_plaintext!);

    [Benchmark]
    public CkksCiphertext EncryptSecretKey() => _secretEncryptor!.EncryptSymmetric(_plaintext!);

    [Benchmark]
    public void SampleTernaryAndTwoErrors()
    {
        using var sampler = RingSampler.CreateRandom();
        sampler.SampleTernary(_small);
        sampler.SampleCenteredBinomial(_small);
        sampler.SampleCenteredBinomial(_small);
    }

    [Benchmark]
    public RnsPolynomial ExpandUniformThreePrimes() => RingSampler.ExpandUniform(_context!, _seed);

    [Benchmark]
    public void MultiplyThreeRows() => _a!.MultiplyInPlace(_b!);
}
