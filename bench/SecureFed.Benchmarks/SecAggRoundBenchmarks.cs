// The two heavy steps of a SecAgg+ round at d = 100,000 and b = 32, with the degree and
// threshold the parameter finder gives for n clients at 10% dropouts and 5% corrupt clients:
//
// - MaskOneClient: one client's stage 3. It opens its neighbours' shares, adds the self mask
//   and one pairwise mask per neighbour (X25519 and AES-256-CTR, 4 keystream bytes a
//   coordinate), and bit-packs the result.
// - UnmaskSum: the server's last step, with 10% of clients dropped after sharing keys, as in
//   Flower's reference figures. It rebuilds every survivor's self-mask seed and every dropped
//   client's mask key from Shamir shares, agrees the dropped clients' pairwise seeds with
//   their surviving neighbours, and strips all masks from the running sum.
//
// A measured call changes the round's state, so the round is rebuilt before every call,
// outside the measurement.

using BenchmarkDotNet.Attributes;
using SecureFed.Protocol.Masking;
using SecureFed.Simulator.SecAgg;

namespace SecureFed.Benchmarks;

[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class SecAggRoundBenchmarks
{
    private const int Dimension = 100_000;

    private InMemoryMaskRound? _round;
    private ulong[] _input = [];

    [Params(100, 200)]
    public int Clients { get; set; }

    [IterationSetup(Target = nameof(MaskOneClient))]
    public void PrepareMasking()
    {
        NewRound();
        _round!.Advertise(_round.Ids);
        _round.Share(_round.Ids);
        _input = SecAggRoundSimulation.Input(new SecAggRoundOptions(Clients, Dimension), 1);
    }

    [IterationSetup(Target = nameof(UnmaskSum))]
    public void PrepareUnmasking()
    {
        NewRound();
        var live = _round!.Ids.Skip(Clients / 10).ToArray();
        _round.Advertise(_round.Ids);
        _round.Share(_round.Ids);
        _round.Mask(live);
        _round.SignSurvivors(live);
        _round.Unmask(live);
    }

    [Benchmark]
    public int MaskOneClient() => _round!.MaskOnly(1, _input).PackedVector.Length;

    [Benchmark]
    public int UnmaskSum() => _round!.Server.Finish().Survivors.Count;

    [GlobalCleanup]
    public void Cleanup() => _round?.Dispose();

    private void NewRound()
    {
        _round?.Dispose();
        var parameters = SecAggParameterFinder.Find(Clients, 0.1, 0.05);
        var options = new SecAggRoundOptions(Clients, Dimension);
        _round = new InMemoryMaskRound(parameters, Dimension, 32, id => SecAggRoundSimulation.Input(options, id));
    }
}
