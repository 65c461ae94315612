// One client's stage 3 of SecAgg+: open the neighbours' shares, add the self mask and one
// pairwise mask per neighbour (AES-256-CTR keystream, 4 bytes a coordinate at b = 32), and
// bit-pack the result. The degree and threshold are the parameter finder's for n clients at
// 10% dropouts and 5% corrupt clients; the round before stage 3 is rebuilt for every
// measured call, outside the measurement.

using BenchmarkDotNet.Attributes;
using SecureFed.Protocol.Masking;
using SecureFed.Simulator.SecAgg;

namespace SecureFed.Benchmarks;

[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class MaskingBenchmarks
{
    private const int Dimension = 100_000;

    private InMemoryMaskRound? _round;
    private ulong[] _input = [];

    [Params(100, 200)]
    public int Clients { get; set; }

    [IterationSetup]
    public void PrepareRound()
    {
        _round?.Dispose();
        var parameters = SecAggParameterFinder.Find(Clients, 0.1, 0.05);
        var options = new SecAggRoundOptions(Clients, Dimension);
        _round = new InMemoryMaskRound(parameters, Dimension, 32, id => SecAggRoundSimulation.Input(options, id));
        _round.Advertise(_round.Ids);
        _round.Share(_round.Ids);
        _input = SecAggRoundSimulation.Input(options, 1);
    }

    [Benchmark]
    public int MaskOneClient() => _round!.MaskOnly(1, _input).PackedVector.Length;

    [GlobalCleanup]
    public void Cleanup() => _round?.Dispose();
}
