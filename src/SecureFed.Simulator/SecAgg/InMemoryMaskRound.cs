using System.Collections.Concurrent;
using System.Diagnostics;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Masking;
using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Simulator.SecAgg;

/// <summary>
/// A mask-mode round between real clients and a real server in one process, driven one stage
/// at a time. In each stage the clients first compute their messages in parallel, as they
/// would on their own machines; then the server takes the messages on all cores, as it would
/// take concurrent requests. So client and server compute are timed apart, neither slowed by
/// the other.
/// </summary>
public sealed class InMemoryMaskRound : IDisposable
{
    // More threads than cores would stretch each client's wall-clock time by the
    // oversubscription, and the thread pool adds threads to long-running loops.
    private static readonly ParallelOptions OneThreadPerCore = new()
    {
        MaxDegreeOfParallelism = Environment.ProcessorCount,
    };

    private readonly Dictionary<uint, Ed25519PrivateKey> _identities;
    private readonly Dictionary<uint, MaskClient> _clients;
    private readonly Func<uint, ulong[]> _input;
    private AdvertisedKeys? _advertised;
    private Dictionary<uint, ForwardedShares> _forwarded = [];
    private ConsistencyCheckRequest? _check;
    private UnmaskRequest? _unmask;
    private double _lastStageMilliseconds;

    /// <summary>
    /// Enrolls <paramref name="parameters"/>.ClientCount clients with ids 1..n and sets up
    /// the round; <paramref name="input"/> gives each client's input when it masks.
    /// </summary>
    public InMemoryMaskRound(SecAggParameters parameters, int dimension, int bits, Func<uint, ulong[]> input)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(input);
        Ids = Enumerable.Range(1, parameters.ClientCount).Select(i => (uint)i).ToArray();
        _identities = Ids.ToDictionary(id => id, _ => Ed25519PrivateKey.Generate());
        var directory = _identities.ToDictionary(kv => kv.Key, kv => kv.Value.PublicKey);
        Setup = MaskServer.CreateSetup(1, dimension, bits, parameters, Ids);
        Server = new MaskServer(Setup, directory);
        _clients = Ids.ToDictionary(id => id, id => new MaskClient(id, _identities[id], directory));
        _input = input;
    }

    /// <summary>The clients' ids, ascending.</summary>
    public uint[] Ids { get; }

    /// <summary>The round setup.</summary>
    public MaskRoundSetup Setup { get; }

    /// <summary>The server.</summary>
    public MaskServer Server { get; }

    /// <summary>Total compute time of each client so far, in milliseconds.</summary>
    public ConcurrentDictionary<uint, double> ClientMilliseconds { get; } = new();

    /// <summary>Compute time of each client in each stage, in milliseconds.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<uint, double>> ClientStageMilliseconds { get; } = new();

    /// <summary>Bytes each client has sent so far (see <see cref="WireSizes"/>).</summary>
    public ConcurrentDictionary<uint, long> BytesUp { get; } = new();

    /// <summary>Server compute time so far, in milliseconds.</summary>
    public double ServerMilliseconds => ServerStageMilliseconds.Values.Sum();

    /// <summary>Server compute time of each stage so far, in milliseconds.</summary>
    public Dictionary<string, double> ServerStageMilliseconds { get; } = [];

    /// <summary>The client with id <paramref name="id"/>.</summary>
    public MaskClient Client(uint id) => _clients[id];

    /// <summary>Stage 1: <paramref name="senders"/> advertise keys; the server closes the stage.</summary>
    public void Advertise(IEnumerable<uint> senders)
    {
        Stage("advertise", senders, id => _clients[id].Advertise(Setup), Server.ReceiveAdvertisement, WireSizes.Of);
        _advertised = TimeServer("advertise", Server.CloseAdvertising);
    }

    /// <summary>Stage 2: <paramref name="senders"/> share keys; the server closes the stage.</summary>
    public void Share(IEnumerable<uint> senders)
    {
        Stage("share", senders, id => _clients[id].ShareKeys(_advertised!), Server.ReceiveShareKeys, WireSizes.Of);
        _forwarded = TimeServer("share", Server.CloseSharing).ToDictionary(f => f.Recipient);
    }

    /// <summary>Stage 3: <paramref name="senders"/> mask their inputs; the server adds them up.</summary>
    public void Mask(IEnumerable<uint> senders)
    {
        Stage(
            "mask",
            senders,
            _input,
            (id, input) => _clients[id].MaskInput(_forwarded[id], input),
            Server.ReceiveMaskedInput,
            WireSizes.Of);
        _check = TimeServer("mask", Server.CloseMasking);
    }

    /// <summary>Only the masking of one client, untimed and not sent: for micro-benchmarks.</summary>
    public MaskedInput MaskOnly(uint id, ulong[] input) => _clients[id].MaskInput(_forwarded[id], input);

    /// <summary>Stage 4: <paramref name="senders"/> sign the survivor set.</summary>
    public void SignSurvivors(IEnumerable<uint> senders)
    {
        Stage(
            "consistency",
            senders,
            id => _clients[id].SignSurvivors(_check!),
            Server.ReceiveConsistencySignature,
            WireSizes.Of);
        _unmask = TimeServer("consistency", Server.CloseConsistencyCheck);
    }

    /// <summary>Stage 5: <paramref name="senders"/> reveal their shares.</summary>
    public void Unmask(IEnumerable<uint> senders)
    {
        Stage("unmask", senders, id => _clients[id].Unmask(_unmask!), Server.ReceiveUnmaskResponse, WireSizes.Of);
        AddServerTime("unmask", _lastStageMilliseconds);
    }

    /// <summary>The server rebuilds the secrets and unmasks the sum.</summary>
    /// <returns>The result and the server's time for this step, in milliseconds.</returns>
    public (MaskRoundResult Result, double Milliseconds) Finish()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = Server.Finish();
        double elapsed = stopwatch.Elapsed.TotalMilliseconds;
        AddServerTime("finish", elapsed);
        return (result, elapsed);
    }

    /// <summary>Clears every client's secrets and identity.</summary>
    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        foreach (var identity in _identities.Values)
        {
            identity.Dispose();
        }
    }

    private void Stage<TMessage>(
        string stage,
        IEnumerable<uint> senders,
        Func<uint, TMessage> compute,
        Action<TMessage> receive,
        Func<TMessage, long> size) =>
        Stage<object?, TMessage>(stage, senders, _ => null, (id, _) => compute(id), receive, size);

    // The simulated data is made before the clock starts: it is not the client's work.
    private void Stage<TInput, TMessage>(
        string stage,
        IEnumerable<uint> senders,
        Func<uint, TInput> prepare,
        Func<uint, TInput, TMessage> compute,
        Action<TMessage> receive,
        Func<TMessage, long> size)
    {
        var stageMilliseconds = ClientStageMilliseconds.GetOrAdd(stage, _ => new());
        var ids = senders.ToArray();
        var messages = new TMessage[ids.Length];
        Parallel.For(0, ids.Length, OneThreadPerCore, i =>
        {
            var input = prepare(ids[i]);
            var stopwatch = Stopwatch.StartNew();
            messages[i] = compute(ids[i], input);
            double elapsed = stopwatch.Elapsed.TotalMilliseconds;
            ClientMilliseconds.AddOrUpdate(ids[i], elapsed, (_, total) => total + elapsed);
            stageMilliseconds[ids[i]] = elapsed;
            BytesUp.AddOrUpdate(ids[i], size(messages[i]), (_, total) => total + size(messages[i]));
        });

        var serverWatch = Stopwatch.StartNew();
        Parallel.ForEach(messages, OneThreadPerCore, receive);
        _lastStageMilliseconds = serverWatch.Elapsed.TotalMilliseconds;
    }

    // A stage's server time is handling its messages plus closing it.
    private T TimeServer<T>(string stage, Func<T> close)
    {
        var stopwatch = Stopwatch.StartNew();
        var value = close();
        AddServerTime(stage, _lastStageMilliseconds + stopwatch.Elapsed.TotalMilliseconds);
        return value;
    }

    private void AddServerTime(string stage, double milliseconds) =>
        ServerStageMilliseconds[stage] = ServerStageMilliseconds.GetValueOrDefault(stage) + milliseconds;
}
