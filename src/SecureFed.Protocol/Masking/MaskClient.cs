// The client side of mask-mode secure aggregation: SecAgg+ (Bell et al., CCS 2020) over the
// protocol of Bonawitz et al. (CCS 2017) with its consistency check against an active server.
//
// Stage 1  advertise two ephemeral X25519 public keys (cipher, mask), signed with the
//          enrolled Ed25519 identity over the setup hash.
// Stage 2  Shamir-share the self-mask seed b_u (32 bytes) and the mask private key s_u
//          t-of-|neighbours| among the neighbours that advertised, each pair of shares
//          sealed with AES-256-GCM for its holder.
// Stage 3  send y_u = x_u + PRG(b_u) + sum over neighbours v that shared of
//          (u < v ? +1 : -1) * PRG(s_uv) mod 2^b.
// Stage 4  sign the survivor set if it is consistent with what this client saw and has at
//          least the round's min_clients members.
// Stage 5  if at least t neighbours signed the same survivor set, reveal for each
//          neighbour the share of b_v (survived) or of s_v (dropped), never both.
//
// The min_clients bound (MaskClientPolicy.MinSurvivors) holds against a malicious server:
// both budgets charge the round for that many noise shares, and the server needs t shares
// of every survivor's self-mask seed to unmask, so honest clients that refuse to reveal
// any share for a smaller survivor set keep such a sum masked.
//
// Every method validates its message completely before it changes anything: a refused
// message (ProtocolViolationException) leaves the client as it was. A round that cannot go
// on (RoundAbortedException) clears every secret the client holds.

using System.Buffers;
using System.Security.Cryptography;
using SecureFed.Crypto.Aead;
using SecureFed.Crypto.KeyAgreement;
using SecureFed.Crypto.Prg;
using SecureFed.Crypto.Sharing;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Protocol.Masking;

/// <summary>One client's state machine for one mask-mode round.</summary>
public sealed class MaskClient : IDisposable
{
    private readonly uint _id;
    private readonly Ed25519PrivateKey _identity;
    private readonly IReadOnlyDictionary<uint, Ed25519PublicKey> _directory;
    private readonly MaskClientPolicy _policy;

    private MaskRoundSetup? _setup;
    private HashSet<uint> _participants = [];
    private HararyGraph? _graph;
    private byte[] _setupHash = [];
    private byte[] _sessionId = [];
    private X25519PrivateKey? _cipherKey;
    private X25519PrivateKey? _maskKey;
    private byte[]? _selfMaskSeed;

    // Neighbours that advertised (stage 1), by id.
    private Dictionary<uint, AdvertiseKeys> _advertisedNeighbours = [];

    // AEAD keys for opening the shares each neighbour seals for this client (stage 2 to 3).
    private readonly Dictionary<uint, AesGcmKey> _receiveKeys = [];

    // Shares held for neighbours that shared with this client (stage 2), by owner.
    private readonly SortedDictionary<uint, (ShamirShare SelfMaskSeed, ShamirShare MaskKey)> _heldShares = [];

    private uint[]? _signedSurvivors;
    private UnmaskResponse? _response;
    private readonly Dictionary<uint, ShareKind> _revealed = [];

    /// <summary>
    /// Creates the client <paramref name="id"/>, with its enrolled identity and the enrolled
    /// identities of the other clients.
    /// </summary>
    public MaskClient(
        uint id,
        Ed25519PrivateKey identity,
        IReadOnlyDictionary<uint, Ed25519PublicKey> directory,
        MaskClientPolicy? policy = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(id);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(directory);
        _id = id;
        _identity = identity;
        _directory = directory;
        _policy = policy ?? MaskClientPolicy.Default;
    }

    /// <summary>This client's id.</summary>
    public uint Id => _id;

    /// <summary>Where the client is in the round.</summary>
    public MaskClientStage Stage { get; private set; } = MaskClientStage.Idle;

    /// <summary>The session id, once every advertisement has been seen (stage 2 on).</summary>
    public ReadOnlyMemory<byte> SessionId => _sessionId;

    /// <summary>This client's neighbours, once the setup has been accepted.</summary>
    public IReadOnlyList<uint> Neighbours =>
        _graph?.NeighboursOf(_id) ?? throw new InvalidOperationException("No round has been set up.");

    /// <summary>Stage 1: checks the setup and advertises fresh keys.</summary>
    /// <exception cref="ProtocolViolationException">
    /// The setup is malformed, weakens the protocol or has fewer participants than
    /// <see cref="MaskClientPolicy.MinSurvivors"/>.
    /// </exception>
    public AdvertiseKeys Advertise(MaskRoundSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ExpectStage(MaskClientStage.Idle);
        ValidateSetup(setup);
        var graph = HararyGraph.Build(setup.Participants, setup.Degree, setup.GraphSeed);

        _setup = setup;
        _participants = [.. setup.Participants];
        _graph = graph;
        _setupHash = MaskTranscripts.SetupHash(setup);
        _cipherKey = X25519PrivateKey.Generate();
        _maskKey = X25519PrivateKey.Generate();
        _selfMaskSeed = RandomNumberGenerator.GetBytes(MaskPrg.SeedSize);

        var unsigned = new AdvertiseKeys(setup.Round, _id, _cipherKey.PublicKey, _maskKey.PublicKey, []);
        var signature = _identity.Sign(MaskTranscripts.Advertisement(_setupHash, unsigned).Encoded);
        Stage = MaskClientStage.Advertised;
        return unsigned with { Signature = signature };
    }

    /// <summary>
    /// Stage 2: checks every advertisement, fixes the session id, and shares this client's
    /// two secrets among its neighbours that advertised.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The advertisements are malformed or forged.</exception>
    /// <exception cref="RoundAbortedException">Fewer than t neighbours advertised.</exception>
    public ShareKeys ShareKeys(AdvertisedKeys advertised)
    {
        ArgumentNullException.ThrowIfNull(advertised);
        ExpectStage(MaskClientStage.Advertised);
        var setup = _setup!;
        ExpectRound(advertised.Round);
        var neighbours = CheckAdvertisements(advertised.Keys);

        if (neighbours.Count < setup.Threshold)
        {
            Abort();
            throw new RoundAbortedException(
                $"Client {_id}: only {neighbours.Count} neighbours advertised keys, " +
                $"below the threshold {setup.Threshold}.");
        }

        _sessionId = MaskTranscripts.SessionId(_setupHash, advertised.Keys);
        _advertisedNeighbours = neighbours;
        var holders = neighbours.Keys.Order().ToArray();
        var shares = ShareSecrets(holders);

        Stage = MaskClientStage.SharedKeys;
        return new ShareKeys(setup.Round, _id, _sessionId, shares);
    }

    /// <summary>
    /// Stage 3: opens the shares its neighbours sent, then masks <paramref name="input"/>
    /// (values below 2^b) with the self mask and one pairwise mask per neighbour that shared.
    /// </summary>
    /// <exception cref="ProtocolViolationException">A forwarded share is malformed, forged or unexpected.</exception>
    /// <exception cref="RoundAbortedException">Fewer than t neighbours shared.</exception>
    public MaskedInput MaskInput(ForwardedShares forwarded, ReadOnlySpan<ulong> input)
    {
        ArgumentNullException.ThrowIfNull(forwarded);
        ExpectStage(MaskClientStage.SharedKeys);
        var setup = _setup!;
        ExpectRound(forwarded.Round);
        ExpectSession(forwarded.SessionId);
        if (forwarded.Recipient != _id)
        {
            throw new ProtocolViolationException($"Client {_id} was sent shares for client {forwarded.Recipient}.");
        }

        CheckInput(input, setup);
        var opened = OpenForwardedShares(forwarded.Shares);

        if (opened.Count < setup.Threshold)
        {
            DisposeShares(opened.Values);
            Abort();
            throw new RoundAbortedException(
                $"Client {_id}: only {opened.Count} neighbours shared keys, below the threshold {setup.Threshold}.");
        }

        foreach (var (owner, shares) in opened)
        {
            _heldShares[owner] = shares;
        }

        // The partly masked vector still reveals the input: it is cleared before it goes back.
        var buffer = ArrayPool<ulong>.Shared.Rent(setup.Dimension);
        byte[] packed;
        try
        {
            var masked = buffer.AsSpan(0, setup.Dimension);
            input.CopyTo(masked);
            ApplyMasks(masked, setup.Bits);
            packed = PackedVector.Pack(masked, setup.Bits);
        }
        finally
        {
            Array.Clear(buffer);
            ArrayPool<ulong>.Shared.Return(buffer);
        }

        // The secrets of stages 1-3 have been shared and used: nothing here needs them again.
        DisposeEphemeralSecrets();
        Stage = MaskClientStage.MaskedInput;
        return new MaskedInput(setup.Round, _id, _sessionId, packed);
    }

    /// <summary>Stage 4: signs the survivor set if it agrees with what this client saw.</summary>
    /// <exception cref="ProtocolViolationException">
    /// The survivor set is malformed or inconsistent, or smaller than
    /// <see cref="MaskClientPolicy.MinSurvivors"/>.
    /// </exception>
    /// <exception cref="RoundAbortedException">Fewer than t neighbours survived.</exception>
    public ConsistencySignature SignSurvivors(ConsistencyCheckRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ExpectStage(MaskClientStage.MaskedInput);
        var setup = _setup!;
        ExpectRound(request.Round);
        ExpectSession(request.SessionId);
        var survivors = CheckSurvivorSet(request.Survivors);

        int liveNeighbours = _heldShares.Keys.Count(v => Array.BinarySearch(survivors, v) >= 0);
        if (liveNeighbours < setup.Threshold)
        {
            Abort();
            throw new RoundAbortedException(
                $"Client {_id}: only {liveNeighbours} neighbours survived, below the threshold {setup.Threshold}.");
        }

        var signature = _identity.Sign(MaskTranscripts.Survivors(_sessionId, setup.Round, survivors).Encoded);
        _signedSurvivors = survivors;
        Stage = MaskClientStage.SignedSurvivors;
        return new ConsistencySignature(setup.Round, _id, _sessionId, signature);
    }

    /// <summary>
    /// Stage 5: checks that at least t neighbours signed the survivor set this client signed,
    /// then reveals one share per neighbour that shared with it. Asked again for the same set,
    /// it answers the same; asked for anything that would reveal a second kind of share of a
    /// neighbour, it refuses.
    /// </summary>
    /// <exception cref="ProtocolViolationException">
    /// The request is for another round or session, its survivor set is smaller than
    /// <see cref="MaskClientPolicy.MinSurvivors"/> or differs from the one this client
    /// signed, fewer than t neighbours validly signed it, or it would reveal both shares of a
    /// neighbour.
    /// </exception>
    public UnmaskResponse Unmask(UnmaskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool repeated = Stage == MaskClientStage.Unmasked;
        if (!repeated)
        {
            ExpectStage(MaskClientStage.SignedSurvivors);
        }

        var setup = _setup!;
        ExpectRound(request.Round);
        ExpectSession(request.SessionId);
        var survivors = CheckSurvivorSet(request.Survivors);
        CheckNoDoubleReveal(survivors);
        if (!survivors.AsSpan().SequenceEqual(_signedSurvivors))
        {
            throw new ProtocolViolationException(
                $"Client {_id} was asked to unmask a survivor set other than the one it signed.");
        }

        // A lost response may be asked for again; the answer cannot change.
        if (repeated)
        {
            return _response!;
        }

        int validSignatures = CountNeighbourSignatures(request.Signatures, survivors);
        if (validSignatures < setup.Threshold)
        {
            throw new ProtocolViolationException(
                $"Client {_id}: only {validSignatures} neighbours validly signed the survivor set, " +
                $"below the threshold {setup.Threshold}.");
        }

        var revealed = new List<RevealedShare>(_heldShares.Count);
        foreach (var (owner, shares) in _heldShares)
        {
            bool survived = Array.BinarySearch(survivors, owner) >= 0;
            var kind = survived ? ShareKind.SelfMaskSeed : ShareKind.MaskKey;
            var encoded = new byte[ShamirShare.EncodedSize];
            (survived ? shares.SelfMaskSeed : shares.MaskKey).WriteTo(encoded);
            revealed.Add(new RevealedShare(owner, kind, encoded));
            _revealed[owner] = kind;
        }

        // The shares not revealed must never be: drop every share now.
        DisposeShares(_heldShares.Values);
        _heldShares.Clear();
        _response = new UnmaskResponse(setup.Round, _id, _sessionId, revealed);
        Stage = MaskClientStage.Unmasked;
        return _response;
    }

    /// <summary>Clears every secret the client holds.</summary>
    public void Dispose()
    {
        DisposeEphemeralSecrets();
        DisposeShares(_heldShares.Values);
        _heldShares.Clear();
    }

    /// <inheritdoc />
    public override string ToString() => $"MaskClient({_id}, {Stage})";

    private void ValidateSetup(MaskRoundSetup setup)
    {
        string? problem = MaskRoundSetupRules.Check(setup);
        if (problem is not null)
        {
            throw new ProtocolViolationException(problem);
        }

        if (Array.BinarySearch(setup.Participants.ToArray(), _id) < 0)
        {
            throw new ProtocolViolationException($"Client {_id} is not a participant of round {setup.Round}.");
        }

        if (setup.Dimension > _policy.MaxDimension)
        {
            throw new ProtocolViolationException(
                $"The dimension {setup.Dimension} is above this client's limit of {_policy.MaxDimension}.");
        }

        if (setup.Degree < setup.Participants.Count - 1 && setup.Degree < _policy.MinDegree)
        {
            throw new ProtocolViolationException(
                $"The degree {setup.Degree} is below this client's minimum of {_policy.MinDegree}.");
        }

        // Such a round could only ever unmask a sum this client refuses to unmask.
        if (setup.Participants.Count < _policy.MinSurvivors)
        {
            throw new ProtocolViolationException(
                $"The round has {setup.Participants.Count} participants, below its min_clients " +
                $"of {_policy.MinSurvivors}.");
        }
    }

    private Dictionary<uint, AdvertiseKeys> CheckAdvertisements(IReadOnlyList<AdvertiseKeys> keys)
    {
        if (keys is null)
        {
            throw new ProtocolViolationException("The advertisements are missing.");
        }

        var setup = _setup!;
        var graph = _graph!;
        var neighbours = new Dictionary<uint, AdvertiseKeys>();
        bool sawSelf = false;
        for (int i = 0; i < keys.Count; i++)
        {
            var advert = keys[i] ?? throw new ProtocolViolationException("An advertisement is missing.");
            if (i > 0 && advert.ClientId <= keys[i - 1].ClientId)
            {
                throw new ProtocolViolationException("The advertisements must be ascending by client id.");
            }

            if (advert.Round != setup.Round || !_participants.Contains(advert.ClientId))
            {
                throw new ProtocolViolationException(
                    $"The advertisement of client {advert.ClientId} is not for this round.");
            }

            if (advert.CipherPublicKey is not { Length: X25519PrivateKey.KeySize }
                || advert.MaskPublicKey is not { Length: X25519PrivateKey.KeySize })
            {
                throw new ProtocolViolationException($"The keys of client {advert.ClientId} are malformed.");
            }

            if (advert.ClientId == _id)
            {
                sawSelf = advert.CipherPublicKey.AsSpan().SequenceEqual(_cipherKey!.PublicKey)
                    && advert.MaskPublicKey.AsSpan().SequenceEqual(_maskKey!.PublicKey);
                if (!sawSelf)
                {
                    throw new ProtocolViolationException($"The advertisement of client {_id} was altered.");
                }
            }
            else if (graph.AreNeighbours(_id, advert.ClientId))
            {
                VerifyAdvertisement(advert);
                neighbours.Add(advert.ClientId, advert);
            }
        }

        if (!sawSelf)
        {
            throw new ProtocolViolationException($"The advertisements leave out client {_id}.");
        }

        return neighbours;
    }

    private void VerifyAdvertisement(AdvertiseKeys advert)
    {
        if (!_directory.TryGetValue(advert.ClientId, out var identity)
            || !identity.Verify(MaskTranscripts.Advertisement(_setupHash, advert).Encoded, advert.Signature))
        {
            throw new ProtocolViolationException(
                $"The advertisement of client {advert.ClientId} is not validly signed.");
        }
    }

    private List<EncryptedShare> ShareSecrets(uint[] holders)
    {
        var setup = _setup!;
        Span<byte> maskKeyBytes = stackalloc byte[X25519PrivateKey.KeySize];
        ShamirShare[]? seedShares = null;
        ShamirShare[]? keyShares = null;
        try
        {
            _maskKey!.ExportSecret(maskKeyBytes);
            seedShares = ShamirSecretSharing.Split(_selfMaskSeed, setup.Threshold, holders);
            keyShares = ShamirSecretSharing.Split(maskKeyBytes, setup.Threshold, holders);
            var sealedShares = new List<EncryptedShare>(holders.Length);
            for (int i = 0; i < holders.Length; i++)
            {
                var (sendKey, receiveKey) = SealedShares.DeriveKeys(
                    _cipherKey!, _advertisedNeighbours[holders[i]].CipherPublicKey, _sessionId, _id, holders[i]);
                _receiveKeys[holders[i]] = receiveKey;
                using var sealing = sendKey;
                var box = SealedShares.Seal(
                    sealing,
                    _sessionId,
                    setup.Round,
                    _id,
                    holders[i],
                    seedShares[i],
                    keyShares[i]);
                sealedShares.Add(new EncryptedShare(_id, holders[i], box));
            }

            return sealedShares;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(maskKeyBytes);
            DisposeShares(seedShares ?? []);
            DisposeShares(keyShares ?? []);
        }
    }

    private SortedDictionary<uint, (ShamirShare, ShamirShare)> OpenForwardedShares(
        IReadOnlyList<EncryptedShare> forwarded)
    {
        if (forwarded is null)
        {
            throw new ProtocolViolationException("The forwarded shares are missing.");
        }

        var setup = _setup!;
        var opened = new SortedDictionary<uint, (ShamirShare, ShamirShare)>();
        try
        {
            foreach (var share in forwarded)
            {
                if (share is null
                    || share.Recipient != _id
                    || !_receiveKeys.TryGetValue(share.Sender, out var receiveKey)
                    || opened.ContainsKey(share.Sender)
                    || share.Ciphertext is null)
                {
                    throw new ProtocolViolationException(
                        $"Client {_id} was forwarded an unexpected share from client {share?.Sender}.");
                }

                try
                {
                    opened.Add(share.Sender, SealedShares.Open(
                        receiveKey, _sessionId, setup.Round, share.Sender, _id, share.Ciphertext));
                }
                catch (CryptographicException e)
                {
                    throw new ProtocolViolationException(
                        $"The share that client {share.Sender} sent to client {_id} does not open.", e);
                }
            }

            return opened;
        }
        catch
        {
            DisposeShares(opened.Values);
            throw;
        }
    }

    private void ApplyMasks(Span<ulong> vector, int bits)
    {
        using (var selfMask = new MaskPrg(_selfMaskSeed))
        {
            selfMask.AddTo(vector, 0, bits);
        }

        foreach (uint peer in _heldShares.Keys)
        {
            var peerKey = _advertisedNeighbours[peer].MaskPublicKey;
            PairwiseMask.Apply(_maskKey!, _id, peerKey, peer, _sessionId, vector, 0, bits, negate: false);
        }
    }

    private uint[] CheckSurvivorSet(IReadOnlyList<uint> survivors)
    {
        if (survivors is null || survivors.Count == 0)
        {
            throw new ProtocolViolationException("The survivor set is empty.");
        }

        var array = survivors.ToArray();
        for (int i = 1; i < array.Length; i++)
        {
            if (array[i] <= array[i - 1])
            {
                throw new ProtocolViolationException("The survivor set must be distinct and ascending.");
            }
        }

        if (Array.BinarySearch(array, _id) < 0)
        {
            throw new ProtocolViolationException($"The survivor set leaves out client {_id}, whose input was sent.");
        }

        // A neighbour that never shared with this client cannot have sent a masked input that
        // the server can unmask: the server is inconsistent.
        foreach (uint v in array)
        {
            if (v != _id && _graph!.AreNeighbours(_id, v) && !_heldShares.ContainsKey(v) && !_revealed.ContainsKey(v))
            {
                throw new ProtocolViolationException(
                    $"The survivor set names neighbour {v}, which never shared with client {_id}.");
            }

            if (!_participants.Contains(v))
            {
                throw new ProtocolViolationException($"The survivor set names client {v}, which is not a participant.");
            }
        }

        if (array.Length < _setup!.Threshold)
        {
            throw new ProtocolViolationException(
                $"The survivor set has {array.Length} clients, below the threshold {_setup.Threshold}.");
        }

        // This client's budget was charged for min_clients noise shares in the sum; a smaller
        // sum must stay masked, so no signature and no share goes out for it.
        if (array.Length < _policy.MinSurvivors)
        {
            throw new ProtocolViolationException(
                $"The survivor set has {array.Length} clients, below the round's min_clients of " +
                $"{_policy.MinSurvivors}: client {_id} will not help to unmask it.");
        }

        return array;
    }

    private void CheckNoDoubleReveal(uint[] survivors)
    {
        foreach (var (owner, kind) in _revealed)
        {
            var wanted = Array.BinarySearch(survivors, owner) >= 0 ? ShareKind.SelfMaskSeed : ShareKind.MaskKey;
            if (wanted != kind)
            {
                throw new ProtocolViolationException(
                    $"Client {_id} already revealed the {kind} share of client {owner} " +
                    $"and will not reveal its {wanted} share.");
            }
        }
    }

    private int CountNeighbourSignatures(IReadOnlyList<ConsistencySignature> signatures, uint[] survivors)
    {
        if (signatures is null)
        {
            return 0;
        }

        var setup = _setup!;
        var message = MaskTranscripts.Survivors(_sessionId, setup.Round, survivors).Encoded.ToArray();
        var counted = new HashSet<uint>();
        foreach (var signature in signatures)
        {
            if (signature is null || signature.ClientId == _id || !_graph!.AreNeighbours(_id, signature.ClientId)
                || Array.BinarySearch(survivors, signature.ClientId) < 0 || counted.Contains(signature.ClientId)
                || signature.Round != setup.Round || !SameSession(signature.SessionId))
            {
                continue;
            }

            if (_directory.TryGetValue(signature.ClientId, out var identity)
                && identity.Verify(message, signature.Signature))
            {
                counted.Add(signature.ClientId);
            }

            // t valid signatures are all the check needs; verifying more only costs time.
            if (counted.Count == setup.Threshold)
            {
                break;
            }
        }

        return counted.Count;
    }

    private static void CheckInput(ReadOnlySpan<ulong> input, MaskRoundSetup setup)
    {
        if (input.Length != setup.Dimension)
        {
            throw new ArgumentException($"The input has {input.Length} coordinates; the round has {setup.Dimension}.");
        }

        ulong limit = setup.Bits == 64 ? ulong.MaxValue : (1UL << setup.Bits) - 1;
        foreach (ulong value in input)
        {
            if (value > limit)
            {
                throw new ArgumentException($"An input value does not fit in {setup.Bits} bits.");
            }
        }
    }

    private void ExpectStage(MaskClientStage expected)
    {
        if (Stage != expected)
        {
            throw new ProtocolViolationException($"Client {_id} is at stage {Stage}, not {expected}.");
        }
    }

    private void ExpectRound(ulong round)
    {
        if (round != _setup!.Round)
        {
            throw new ProtocolViolationException($"Client {_id} is in round {_setup.Round}, not round {round}.");
        }
    }

    private void ExpectSession(byte[] sessionId)
    {
        if (!SameSession(sessionId))
        {
            throw new ProtocolViolationException($"The message is for another session than client {_id}'s.");
        }
    }

    private bool SameSession(byte[]? sessionId) =>
        sessionId is not null && sessionId.Length == _sessionId.Length
        && CryptographicOperations.FixedTimeEquals(sessionId, _sessionId);

    private void Abort()
    {
        Dispose();
        Stage = MaskClientStage.Aborted;
    }

    private void DisposeEphemeralSecrets()
    {
        _cipherKey?.Dispose();
        _maskKey?.Dispose();
        foreach (var key in _receiveKeys.Values)
        {
            key.Dispose();
        }

        _receiveKeys.Clear();
        if (_selfMaskSeed is not null)
        {
            CryptographicOperations.ZeroMemory(_selfMaskSeed);
        }

        _cipherKey = null;
        _maskKey = null;
        _selfMaskSeed = null;
    }

    private static void DisposeShares(IEnumerable<ShamirShare> shares)
    {
        foreach (var share in shares)
        {
            share.Dispose();
        }
    }

    private static void DisposeShares(IEnumerable<(ShamirShare SelfMaskSeed, ShamirShare MaskKey)> shares)
    {
        foreach (var (seed, key) in shares)
        {
            seed.Dispose();
            key.Dispose();
        }
    }
}
