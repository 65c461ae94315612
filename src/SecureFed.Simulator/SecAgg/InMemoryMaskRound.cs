using System.Collections.Concurrent;
using System.Diagnostics;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Masking;
using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Simulator.SecAgg;

/// <summary>
/// A mask-mode round between real clients and a real server in one process, driven one stage
/// at a time. Clients compute in parallel, as they would on their own machines; the server
/// takes one message at a time, as it arrives. Client and server compute are timed apart.
/// </summary>
public sealed class InMemoryMaskRound : IDisposable
{
    private readonly Lock _serverLock = new();
    private readonly Dictionary<uint, Ed25519PrivateKey> _identities;
    private readonly Dictionary<uint, MaskClient> _clients;
    private readonly Func<uint, ulong[]> _input;
    private AdvertisedKeys? _advertised;
    private Dictionary<uint, ForwardedShares> _forwarded = [];
    private ConsistencyCheckRequest? _check;
    private UnmaskRequest? _unmask;

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

    /// <summary>Bytes each client has sent so far (see <see cref="WireSizes"/>).</summary>
    public ConcurrentDictionary<uint, long> BytesUp { get; } = new();

    /// <summary>Server compute time so far, in milliseconds.</summary>
    public double ServerMilliseconds { get; private set; }

    /// <summary>The client with id <paramref name="id"/>.</summary>
    public MaskClient Client(uint id) => _clients[id];

    /// <summary>Stage 1: <paramref name="senders"/> advertise keys; the server closes the stage.</summary>
    public void Advertise(IEnumerable<uint> senders)
    {
        Stage(senders, id => _clients[id].Advertise(Setup), Server.ReceiveAdvertisement, WireSizes.Of);
        _advertised = TimeServer(Server.CloseAdvertising);
    }

    /// <summary>Stage 2: <paramref name="senders"/> share keys; the server closes the stage.</summary>
    public void Share(IEnumerable<uint> senders)
    {
        Stage(senders, id => _clients[id].ShareKeys(_advertised!), Server.ReceiveShareKeys, WireSizes.Of);
        _forwarded = TimeServer(Server.CloseSharing).ToDictionary(f => f.Recipient);
    }

    /// <summary>Stage 3: <paramref name="senders"/> mask their inputs; the server adds them up.</summary>
    public void Mask(IEnumerable<uint> senders)
    {
        Stage(
            senders,
            _input,
            (id, input) => _clients[id].MaskInput(_forwarded[id], input),
            Server.ReceiveMaskedInput,
            WireSizes.Of);
        _check = TimeServer(Server.CloseMasking);
    }

    /// <summary>Only the masking of one client, untimed and not sent: for micro-benchmarks.</summary>
    public MaskedInput MaskOnly(uint id, ulong[] input) => _clients[id].MaskInput(_forwarded[id], input);

    /// <summary>Stage 4: <paramref name="senders"/> sign the survivor set.</summary>
    public void SignSurvivors(IEnumerable<uint> senders)
    {
        Stage(senders, id => _clients[id].SignSurvivors(_check!), Server.ReceiveConsistencySignature, WireSizes.Of);
        _unmask = TimeServer(Server.CloseConsistencyCheck);
    }

    /// <summary>Stage 5: <paramref name="senders"/> reveal their shares.</summary>
    public void Unmask(IEnumerable<uint> senders) =>
        Stage(senders, id => _clients[id].Unmask(_unmask!), Server.ReceiveUnmaskResponse, WireSizes.Of);

    /// <summary>The server rebuilds the secrets and unmasks the sum.</summary>
    /// <returns>The result and the server's time for this step, in milliseconds.</returns>
    public (MaskRoundResult Result, double Milliseconds) Finish()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = Server.Finish();
        double elapsed = stopwatch.Elapsed.TotalMilliseconds;
        ServerMilliseconds += elapsed;
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
        IEnumerable<uint> senders, Func<uint, TMessage> compute, Action<TMessage> receive, Func<TMessage, long> size) =>
        Stage<object?, TMessage>(senders, _ => null, (id, _) => compute(id), receive, size);

    // The simulated data is made before the clock starts: it is not the client's work.
    private void Stage<TInput, TMessage>(
        IEnumerable<uint> senders,
        Func<uint, TInput> prepare,
        Func<uint, TInput, TMessage> compute,
        Action<TMessage> receive,
        Func<TMessage, long> size)
    {
        Parallel.ForEach(senders, id =>
        {
            var input = prepare(id);
            var stopwatch = Stopwatch.StartNew();
            var message = compute(id, input);
            double elapsed = stopwatch.Elapsed.TotalMilliseconds;
            ClientMilliseconds.AddOrUpdate(id, elapsed, (_, total) => total + elapsed);
            long bytes = size(message);
            BytesUp.AddOrUpdate(id, bytes, (_, total) => total + bytes);
            lock (_serverLock)
            {
                var serverWatch = Stopwatch.StartNew();
                receive(message);
                ServerMilliseconds += serverWatch.Elapsed.TotalMilliseconds;
            }
        });
    }

    private T TimeServer<T>(Func<T> close)
    {
        var stopwatch = Stopwatch.StartNew();
        var value = close();
        ServerMilliseconds += stopwatch.Elapsed.TotalMilliseconds;
        return value;
    }
}
