// The server side of mask-mode secure aggregation: SecAgg+ (Bell et al., CCS 2020) over the
// protocol of Bonawitz et al. (CCS 2017), with its consistency check.
//
// The server relays keys and sealed shares, adds masked inputs as they arrive (memory stays
// one vector, whatever the number of clients), collects signatures on the survivor set, and
// finally rebuilds from the revealed shares the self-mask seed b_u of every survivor and
// the mask key s_u of every client that dropped after sharing, which is exactly what it
// needs to strip the masks from the sum. It never holds both secrets of one client.
//
// Sets, as in Bonawitz et al.: U1 advertised, U2 shared, U3 sent a masked input (the
// survivors), U4 signed the survivor set, U5 revealed shares.
//
// Every Receive* method validates its message completely before it changes anything, so a
// refused message (ProtocolViolationException) leaves the round as it was. Close* methods
// end a stage; a round that can no longer be finished throws RoundAbortedException.
//
// Messages may arrive on many threads at once. Signatures are checked outside the lock,
// against state that earlier stages froze; only the update itself is serialised.

using System.Security.Cryptography;
using SecureFed.Crypto.KeyAgreement;
using SecureFed.Crypto.Prg;
using SecureFed.Crypto.Sharing;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Protocol.Masking;

/// <summary>The server's state machine for one mask-mode round.</summary>
public sealed class MaskServer
{
    // Coordinates one task of the final unmasking covers: large enough to amortise a key
    // schedule per seed, small enough to spread over the cores.
    private const int UnmaskChunk = 16384;

    private readonly Lock _gate = new();
    private readonly MaskRoundSetup _setup;
    private readonly IReadOnlyDictionary<uint, Ed25519PublicKey> _directory;
    private readonly HararyGraph _graph;
    private readonly byte[] _setupHash;
    private readonly HashSet<uint> _participants;
    private readonly int _minSurvivors;

    private readonly SortedDictionary<uint, AdvertiseKeys> _advertised = [];
    private readonly SortedDictionary<uint, ShareKeys> _shared = [];
    private readonly SortedSet<uint> _masked = [];
    private readonly SortedDictionary<uint, ConsistencySignature> _signed = [];
    private readonly SortedDictionary<uint, UnmaskResponse> _unmasked = [];
    private readonly ulong[] _sum;
    private byte[] _sessionId = [];
    private uint[] _survivors = [];
    private MaskServerStage _stage = MaskServerStage.Advertising;

    /// <summary>
    /// Starts a round with <paramref name="setup"/>, for clients whose enrolled identities
    /// are in <paramref name="directory"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The setup is malformed.</exception>
    public MaskServer(MaskRoundSetup setup, IReadOnlyDictionary<uint, Ed25519PublicKey> directory)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(directory);
        string? problem = MaskRoundSetupRules.Check(setup);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(setup));
        }

        if (setup.Participants.Any(p => !directory.ContainsKey(p)))
        {
            throw new ArgumentException("Every participant must be enrolled.", nameof(directory));
        }

        _graph = HararyGraph.Build(setup.Participants, setup.Degree, setup.GraphSeed);
        _setup = setup;
        _directory = directory;
        _setupHash = MaskTranscripts.SetupHash(setup);
        _participants = [.. setup.Participants];
        _sum = new ulong[setup.Dimension];
    }

    /// <summary>The round setup.</summary>
    public MaskRoundSetup Setup => _setup;

    /// <summary>Where the round is.</summary>
    public MaskServerStage Stage
    {
        get
        {
            lock (_gate)
            {
                return _stage;
            }
        }
    }

    /// <summary>The neighbourhoods of the round.</summary>
    public HararyGraph Graph => _graph;

    /// <summary>
    /// When true, <see cref="Finish"/> returns the seeds of the masks it stripped as
    /// <see cref="MaskRoundResult.Unmasking"/>, for an appliance that keeps them for
    /// auditors; the caller then owns and disposes them. Off by default, so that a server
    /// that has no use for them clears them at once.
    /// </summary>
    public bool KeepUnmaskingEvidence { get; init; }

    /// <summary>
    /// Fewest survivors (clients whose masked inputs are in the sum) the round may go on
    /// with: the round's <c>min_clients</c>, whose DP noise shares the appliance's and the
    /// clients' budgets count on. <see cref="CloseMasking"/> aborts below it, before any
    /// share is asked for. 0 (the default) sets no bound beyond the threshold.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MinSurvivors
    {
        get => _minSurvivors;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _minSurvivors = value;
        }
    }

    /// <summary>
    /// Creates the setup of a round with a fresh round nonce and graph seed from the
    /// operating system's CSPRNG.
    /// </summary>
    public static MaskRoundSetup CreateSetup(
        ulong round, int dimension, int bits, SecAggParameters parameters, IReadOnlyList<uint> participants)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(participants);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        if (participants.Count != parameters.ClientCount)
        {
            throw new ArgumentException(
                "The parameters were found for another number of clients.", nameof(parameters));
        }

        // Limitation: the coordinator draws the graph seed, so a malicious coordinator could
        // pick neighbourhoods; SecAgg+'s bounds assume a random graph. Drawing the seed from
        // a public beacon or a commit-reveal among clients would remove that trust.
        return new MaskRoundSetup(
            round,
            RandomNumberGenerator.GetBytes(MaskRoundSetupRules.NonceSize),
            dimension,
            bits,
            parameters.Degree,
            parameters.Threshold,
            participants.Order().ToArray(),
            RandomNumberGenerator.GetBytes(HararyGraph.SeedSize));
    }

    /// <summary>Stage 1: accepts one client's signed key advertisement.</summary>
    /// <exception cref="ProtocolViolationException">The advertisement is refused.</exception>
    public void ReceiveAdvertisement(AdvertiseKeys advert)
    {
        ArgumentNullException.ThrowIfNull(advert);
        ExpectRound(advert.Round);
        EnterStage(MaskServerStage.Advertising);
        ExpectParticipant(advert.ClientId);
        if (advert.CipherPublicKey is not { Length: X25519PrivateKey.KeySize }
            || advert.MaskPublicKey is not { Length: X25519PrivateKey.KeySize })
        {
            throw new ProtocolViolationException($"The keys of client {advert.ClientId} are malformed.");
        }

        var transcript = MaskTranscripts.Advertisement(_setupHash, advert);
        if (!_directory[advert.ClientId].Verify(transcript.Encoded, advert.Signature))
        {
            throw new ProtocolViolationException(
                $"The advertisement of client {advert.ClientId} is not validly signed.");
        }

        lock (_gate)
        {
            ExpectStage(MaskServerStage.Advertising);
            if (!_advertised.TryAdd(advert.ClientId, advert))
            {
                throw new ProtocolViolationException($"Client {advert.ClientId} already advertised keys.");
            }
        }
    }

    /// <summary>Ends stage 1 and returns the advertisements to send to every client in U1.</summary>
    /// <exception cref="RoundAbortedException">Fewer clients advertised than the threshold needs.</exception>
    public AdvertisedKeys CloseAdvertising()
    {
        lock (_gate)
        {
            ExpectStage(MaskServerStage.Advertising);
            RequireAtLeast(_advertised.Count, "advertised keys");
            var keys = _advertised.Values.ToArray();
            _sessionId = MaskTranscripts.SessionId(_setupHash, keys);
            _stage = MaskServerStage.Sharing;
            return new AdvertisedKeys(_setup.Round, keys);
        }
    }

    /// <summary>Stage 2: accepts one client's sealed shares, one per neighbour that advertised.</summary>
    /// <exception cref="ProtocolViolationException">The message is refused.</exception>
    public void ReceiveShareKeys(ShareKeys message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ExpectRound(message.Round);
        EnterStage(MaskServerStage.Sharing);
        ExpectSession(message.SessionId);
        if (!_advertised.ContainsKey(message.ClientId))
        {
            throw new ProtocolViolationException($"Client {message.ClientId} did not advertise keys in this round.");
        }

        var expected = _graph.NeighboursOf(message.ClientId).Where(_advertised.ContainsKey).ToArray();
        var shares = message.Shares;
        if (shares is null || shares.Count != expected.Length)
        {
            throw new ProtocolViolationException(
                $"Client {message.ClientId} must send {expected.Length} shares, one per neighbour that advertised.");
        }

        for (int i = 0; i < expected.Length; i++)
        {
            if (shares[i] is not { } share || share.Sender != message.ClientId || share.Recipient != expected[i]
                || share.Ciphertext is not { Length: SealedShares.SealedSize })
            {
                throw new ProtocolViolationException(
                    $"Share {i} of client {message.ClientId} is malformed or addressed to a non-neighbour.");
            }
        }

        lock (_gate)
        {
            ExpectStage(MaskServerStage.Sharing);
            if (!_shared.TryAdd(message.ClientId, message))
            {
                throw new ProtocolViolationException($"Client {message.ClientId} already shared keys.");
            }
        }
    }

    /// <summary>
    /// Ends stage 2 and returns, for every client in U2, the shares its neighbours in U2 sent it.
    /// </summary>
    /// <exception cref="RoundAbortedException">Too few clients shared keys.</exception>
    public IReadOnlyList<ForwardedShares> CloseSharing()
    {
        lock (_gate)
        {
            return CloseSharingLocked();
        }
    }

    private ForwardedShares[] CloseSharingLocked()
    {
        ExpectStage(MaskServerStage.Sharing);
        RequireAtLeast(_shared.Count, "shared keys");
        var inbox = _shared.Keys.ToDictionary(id => id, _ => new List<EncryptedShare>());
        foreach (var message in _shared.Values)
        {
            foreach (var share in message.Shares)
            {
                if (inbox.TryGetValue(share.Recipient, out var list))
                {
                    list.Add(share);
                }
            }
        }

        _stage = MaskServerStage.Masking;
        return inbox
            .Select(kv => new ForwardedShares(_setup.Round, _sessionId, kv.Key, kv.Value))
            .ToArray();
    }

    /// <summary>Stage 3: adds one client's masked input into the running sum.</summary>
    /// <exception cref="ProtocolViolationException">The message is refused.</exception>
    public void ReceiveMaskedInput(MaskedInput message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ExpectRound(message.Round);
        EnterStage(MaskServerStage.Masking);
        ExpectSession(message.SessionId);
        if (!_shared.ContainsKey(message.ClientId))
        {
            throw new ProtocolViolationException($"Client {message.ClientId} did not share keys in this round.");
        }

        int expectedLength = PackedVector.ByteLength(_setup.Dimension, _setup.Bits);
        if (message.PackedVector is null || message.PackedVector.Length != expectedLength)
        {
            throw new ProtocolViolationException(
                $"The masked input of client {message.ClientId} must be {expectedLength} bytes.");
        }

        if (!PackedVector.IsWellFormed(message.PackedVector, _setup.Dimension, _setup.Bits))
        {
            throw new ProtocolViolationException(
                $"The padding of the masked input of client {message.ClientId} is not zero.");
        }

        lock (_gate)
        {
            ExpectStage(MaskServerStage.Masking);
            if (!_masked.Add(message.ClientId))
            {
                throw new ProtocolViolationException($"Client {message.ClientId} already sent its masked input.");
            }

            PackedVector.AddTo(message.PackedVector, _sum, _setup.Bits);
        }
    }

    /// <summary>Ends stage 3 and returns the survivor set for every survivor to sign.</summary>
    /// <exception cref="RoundAbortedException">
    /// Fewer than <see cref="MinSurvivors"/> clients sent masked inputs, or a client whose
    /// secret must be rebuilt has fewer than t surviving neighbours.
    /// </exception>
    public ConsistencyCheckRequest CloseMasking()
    {
        lock (_gate)
        {
            ExpectStage(MaskServerStage.Masking);
            RequireAtLeast(_masked.Count, "sent masked inputs");
            if (_masked.Count < _minSurvivors)
            {
                // Both budgets charged the round for min_clients noise shares: a sum of fewer
                // must never be unmasked. The masked sum alone reveals nothing; it is cleared
                // anyway, since nothing may use it now.
                _stage = MaskServerStage.Aborted;
                Array.Clear(_sum);
                throw new RoundAbortedException(
                    $"Only {_masked.Count} clients sent masked inputs, below the round's " +
                    $"min_clients of {_minSurvivors}: their sum carries less DP noise than " +
                    "the budgets were charged for, so it is not unmasked.");
            }

            _survivors = [.. _masked];
            RequireHolders(_survivors, "survived");
            _stage = MaskServerStage.ConsistencyCheck;
            return new ConsistencyCheckRequest(_setup.Round, _sessionId, _survivors);
        }
    }

    /// <summary>Stage 4: accepts one survivor's signature on the survivor set.</summary>
    /// <exception cref="ProtocolViolationException">The signature is refused.</exception>
    public void ReceiveConsistencySignature(ConsistencySignature message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ExpectRound(message.Round);
        EnterStage(MaskServerStage.ConsistencyCheck);
        ExpectSession(message.SessionId);
        if (!IsSurvivor(message.ClientId))
        {
            throw new ProtocolViolationException($"Client {message.ClientId} is not a survivor.");
        }

        var transcript = MaskTranscripts.Survivors(_sessionId, _setup.Round, _survivors);
        if (!_directory[message.ClientId].Verify(transcript.Encoded, message.Signature))
        {
            throw new ProtocolViolationException(
                $"The signature of client {message.ClientId} on the survivor set is invalid.");
        }

        lock (_gate)
        {
            ExpectStage(MaskServerStage.ConsistencyCheck);
            if (!_signed.TryAdd(message.ClientId, message))
            {
                throw new ProtocolViolationException($"Client {message.ClientId} already signed the survivor set.");
            }
        }
    }

    /// <summary>Ends stage 4 and returns the unmask request for every client that signed.</summary>
    /// <exception cref="RoundAbortedException">
    /// A client whose secret must be rebuilt has fewer than t neighbours that signed.
    /// </exception>
    public UnmaskRequest CloseConsistencyCheck()
    {
        lock (_gate)
        {
            ExpectStage(MaskServerStage.ConsistencyCheck);
            RequireAtLeast(_signed.Count, "signed the survivor set");
            RequireHolders(_signed.Keys.ToArray(), "signed the survivor set");
            _stage = MaskServerStage.Unmasking;
            return new UnmaskRequest(_setup.Round, _sessionId, _survivors, _signed.Values.ToArray());
        }
    }

    /// <summary>Stage 5: accepts one client's revealed shares.</summary>
    /// <exception cref="ProtocolViolationException">
    /// The response is refused: wrong sender, a share of a non-neighbour, or of the wrong kind.
    /// </exception>
    public void ReceiveUnmaskResponse(UnmaskResponse message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ExpectRound(message.Round);
        EnterStage(MaskServerStage.Unmasking);
        ExpectSession(message.SessionId);
        if (!_signed.ContainsKey(message.ClientId))
        {
            throw new ProtocolViolationException($"Client {message.ClientId} was not asked to unmask.");
        }

        var owners = new HashSet<uint>();
        foreach (var share in message.Shares ?? [])
        {
            if (share is null
                || !_shared.ContainsKey(share.Owner)
                || !_graph.AreNeighbours(message.ClientId, share.Owner)
                || !owners.Add(share.Owner)
                || share.Share is not { Length: ShamirShare.EncodedSize })
            {
                throw new ProtocolViolationException(
                    $"Client {message.ClientId} revealed an unexpected share of client {share?.Owner}.");
            }

            var expectedKind = IsSurvivor(share.Owner) ? ShareKind.SelfMaskSeed : ShareKind.MaskKey;
            if (share.Kind != expectedKind)
            {
                throw new ProtocolViolationException(
                    $"Client {message.ClientId} revealed a {share.Kind} share of client {share.Owner}; " +
                    $"the round needs its {expectedKind}.");
            }
        }

        lock (_gate)
        {
            ExpectStage(MaskServerStage.Unmasking);
            if (!_unmasked.TryAdd(message.ClientId, message))
            {
                throw new ProtocolViolationException($"Client {message.ClientId} already revealed its shares.");
            }
        }
    }

    /// <summary>
    /// Rebuilds the secrets, strips every mask from the running sum and returns the sum of
    /// the survivors' inputs.
    /// </summary>
    /// <exception cref="RoundAbortedException">
    /// Some secret has fewer than t revealed shares, or its shares are inconsistent.
    /// </exception>
    public MaskRoundResult Finish()
    {
        lock (_gate)
        {
            return FinishLocked();
        }
    }

    private MaskRoundResult FinishLocked()
    {
        ExpectStage(MaskServerStage.Unmasking);
        var dropped = _shared.Keys.Where(id => !IsSurvivor(id)).ToArray();
        var revealed = IndexRevealedShares();
        var selfMasks = new MaskPrg[_survivors.Length];
        var maskKeys = new X25519PrivateKey[dropped.Length];
        var pairs = dropped
            .SelectMany((u, i) => _graph.NeighboursOf(u).Where(IsSurvivor).Select(v => (i, v)))
            .ToArray();
        var pairMasks = new MaskPrg[pairs.Length];
        UnmaskingEvidence? unmasking = null;
        var selfSeeds = NewSeeds(selfMasks.Length);
        var pairSeeds = NewSeeds(pairMasks.Length);
        bool kept = false;
        try
        {
            // Each secret is rebuilt on its own, then each (dropped, survivor) pair agrees its
            // seed on its own: the work is spread evenly over the cores.
            Parallel.For(0, selfMasks.Length + maskKeys.Length, job =>
            {
                if (job < selfMasks.Length)
                {
                    selfMasks[job] = RebuildSelfMask(_survivors[job], revealed, selfSeeds[job]);
                }
                else
                {
                    maskKeys[job - selfMasks.Length] = RebuildMaskKey(dropped[job - selfMasks.Length], revealed);
                }
            });
            Parallel.For(0, pairs.Length, p =>
            {
                var (i, survivor) = pairs[p];
                PairwiseMask.DeriveSeed(
                    maskKeys[i], dropped[i], _advertised[survivor].MaskPublicKey, survivor, _sessionId,
                    pairSeeds[p]);
                pairMasks[p] = new MaskPrg(pairSeeds[p]);
            });

            // A survivor added a pairwise mask if its id was the smaller one; undo what it did.
            var masks = selfMasks.Select(prg => (prg, false))
                .Concat(pairMasks.Select((prg, p) => (prg, pairs[p].v > dropped[pairs[p].i])))
                .ToArray();
            StripMasks(masks);
            if (KeepUnmaskingEvidence)
            {
                unmasking = new UnmaskingEvidence(
                    _setup.Round,
                    _setup.Dimension,
                    _setup.Bits,
                    [
                        .. _survivors.Select((u, j) => new RevealedMask(u, u, false, selfSeeds[j])),
                        .. pairs.Select((pair, p) => new RevealedMask(
                            dropped[pair.i], pair.v, pair.v > dropped[pair.i], pairSeeds[p])),
                    ]);
                kept = true;
            }
        }
        catch (AggregateException e)
            when (e.InnerExceptions.OfType<RoundAbortedException>().FirstOrDefault() is { } abort)
        {
            _stage = MaskServerStage.Aborted;
            throw abort;
        }
        finally
        {
            foreach (var disposable in selfMasks.Concat(pairMasks).Concat<IDisposable?>(maskKeys))
            {
                disposable?.Dispose();
            }

            if (!kept)
            {
                foreach (byte[] seed in selfSeeds.Concat(pairSeeds))
                {
                    CryptographicOperations.ZeroMemory(seed);
                }
            }
        }

        _stage = MaskServerStage.Finished;
        return new MaskRoundResult(_sum, _survivors, dropped) { Unmasking = unmasking };
    }

    // Pinned, so that the collector leaves no stale copies of a seed behind.
    private static byte[][] NewSeeds(int count)
    {
        var seeds = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            seeds[i] = GC.AllocateArray<byte>(MaskPrg.SeedSize, pinned: true);
        }

        return seeds;
    }

    private Dictionary<uint, List<(uint Holder, RevealedShare Share)>> IndexRevealedShares()
    {
        var index = new Dictionary<uint, List<(uint, RevealedShare)>>();
        foreach (var (holder, response) in _unmasked)
        {
            foreach (var share in response.Shares)
            {
                if (!index.TryGetValue(share.Owner, out var list))
                {
                    index[share.Owner] = list = [];
                }

                list.Add((holder, share));
            }
        }

        return index;
    }

    // The seed is written to the caller's buffer, which clears it or hands it on as evidence.
    private MaskPrg RebuildSelfMask(
        uint owner, Dictionary<uint, List<(uint Holder, RevealedShare Share)>> revealed, byte[] seed)
    {
        Reconstruct(owner, ShareKind.SelfMaskSeed, revealed, seed);
        return new MaskPrg(seed);
    }

    // The survivors that shared with a dropped client added or subtracted PRG(s_uv); the
    // dropped client's rebuilt mask key gives the server those seeds, so it can remove them.
    private X25519PrivateKey RebuildMaskKey(
        uint droppedClient, Dictionary<uint, List<(uint Holder, RevealedShare Share)>> revealed)
    {
        Span<byte> keyBytes = stackalloc byte[X25519PrivateKey.KeySize];
        try
        {
            Reconstruct(droppedClient, ShareKind.MaskKey, revealed, keyBytes);
            var maskKey = X25519PrivateKey.Import(keyBytes);
            if (!CryptographicOperations.FixedTimeEquals(maskKey.PublicKey, _advertised[droppedClient].MaskPublicKey))
            {
                maskKey.Dispose();
                throw new RoundAbortedException(
                    $"The mask key rebuilt for client {droppedClient} does not match the key it advertised.");
            }

            return maskKey;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyBytes);
        }
    }

    private void Reconstruct(
        uint owner,
        ShareKind kind,
        Dictionary<uint, List<(uint Holder, RevealedShare Share)>> revealed,
        Span<byte> secret)
    {
        var shares = new List<ShamirShare>();
        try
        {
            // ReceiveUnmaskResponse admitted only shares of the kind this owner needs.
            foreach (var (holder, share) in revealed.GetValueOrDefault(owner) ?? [])
            {
                shares.Add(ShamirShare.Read(holder, share.Share));
            }

            if (shares.Count < _setup.Threshold)
            {
                throw new RoundAbortedException(
                    $"Only {shares.Count} shares of the {kind} of client {owner} were revealed, " +
                    $"below the threshold {_setup.Threshold}.");
            }

            ShamirSecretSharing.Combine(shares, _setup.Threshold, secret);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            throw new RoundAbortedException(
                $"The revealed shares of the {kind} of client {owner} are inconsistent.", e);
        }
        finally
        {
            foreach (var share in shares)
            {
                share.Dispose();
            }
        }
    }

    private void StripMasks((MaskPrg Prg, bool Add)[] masks)
    {
        int bits = _setup.Bits;
        int chunks = (_sum.Length + UnmaskChunk - 1) / UnmaskChunk;
        Parallel.For(0, chunks, chunk =>
        {
            int start = chunk * UnmaskChunk;
            var slice = _sum.AsSpan(start, Math.Min(UnmaskChunk, _sum.Length - start));
            foreach (var (prg, add) in masks)
            {
                if (add)
                {
                    prg.AddTo(slice, start, bits);
                }
                else
                {
                    prg.SubtractFrom(slice, start, bits);
                }
            }
        });
    }

    private void RequireHolders(uint[] liveHolders, string what)
    {
        // Every survivor's seed and every dropped sharer's key must be rebuilt from t shares
        // held by neighbours that are still live.
        foreach (uint owner in _shared.Keys)
        {
            int live = _graph.NeighboursOf(owner)
                .Count(v => _shared.ContainsKey(v) && Array.BinarySearch(liveHolders, v) >= 0);
            if (live < _setup.Threshold)
            {
                _stage = MaskServerStage.Aborted;
                throw new RoundAbortedException(
                    $"Client {owner} has only {live} neighbours that {what}, below the threshold {_setup.Threshold}: " +
                    "its secret cannot be rebuilt.");
            }
        }
    }

    private void RequireAtLeast(int count, string what)
    {
        if (count < _setup.Threshold)
        {
            _stage = MaskServerStage.Aborted;
            throw new RoundAbortedException($"Only {count} clients {what}, below the threshold {_setup.Threshold}.");
        }
    }

    private bool IsSurvivor(uint client) => Array.BinarySearch(_survivors, client) >= 0;

    private void ExpectStage(MaskServerStage expected)
    {
        if (_stage != expected)
        {
            throw new ProtocolViolationException($"The round is at stage {_stage}, not {expected}.");
        }
    }

    // Checks the stage under the lock; what earlier stages wrote is frozen from then on and
    // may be read without it.
    private void EnterStage(MaskServerStage expected)
    {
        lock (_gate)
        {
            ExpectStage(expected);
        }
    }

    private void ExpectRound(ulong round)
    {
        if (round != _setup.Round)
        {
            throw new ProtocolViolationException($"The message is for round {round}, not round {_setup.Round}.");
        }
    }

    private void ExpectSession(byte[]? sessionId)
    {
        if (sessionId is null || !CryptographicOperations.FixedTimeEquals(sessionId, _sessionId))
        {
            throw new ProtocolViolationException("The message is for another session.");
        }
    }

    private void ExpectParticipant(uint client)
    {
        if (!_participants.Contains(client))
        {
            throw new ProtocolViolationException($"Client {client} is not a participant of round {_setup.Round}.");
        }
    }
}
