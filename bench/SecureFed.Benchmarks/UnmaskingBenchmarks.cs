// The server's last step of SecAgg+: rebuild every survivor's self-mask seed and every
// dropped client's mask key from t Shamir shares, agree the dropped clients' pairwise seeds
// with their surviving neighbours (X25519), and strip all masks from the running sum
// (AES-256-CTR, 4 bytes a coordinate at b = 32). 10% of clients drop after sharing keys, as
// in Flower's reference figures. The round up to this step is rebuilt for every measured
// call, outside the measurement.

using BenchmarkDotNet.Attributes;
using SecureFed.Protocol.Masking;
using SecureFed.Simulator.SecAgg;

namespace SecureFed.Benchmarks;

[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class UnmaskingBenchmarks
{
    private const int Dimension = 100_000;

    private InMemoryMaskRound? _round;

    [Params(100, 200)]
    public int Clients { get; set; }

    [IterationSetup]
    public void PrepareRound()
    {
        _round?.Dispose();
        var parameters = SecAggParameterFinder.Find(Clients, 0.1, 0.05);
        var options = new SecAggRoundOptions(Clients, Dimension);
        _round = new InMemoryMaskRound(parameters, Dimension, 32, id => SecAggRoundSimulation.Input(options, id));
        var live = _round.Ids.Skip(Clients / 10).ToArray();
        _round.Advertise(_round.Ids);
        _round.Share(_round.Ids);
        _round.Mask(live);
        _round.SignSurvivors(live);
        _round.Unmask(live);
    }

    [Benchmark]
    public int UnmaskSum() => _round!.Server.Finish().Survivors.Count;

    [GlobalCleanup]
    public void Cleanup() => _round?.Dispose();
}
