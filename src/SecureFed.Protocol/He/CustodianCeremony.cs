// One custodian's side of the threshold CKKS key ceremony: Mouchet, Troncoso-Pastoriza,
// Bossuat and Hubaux, "Multiparty homomorphic encryption from ring-learning-with-errors"
// (PETS 2021), with t-of-k access by Shamir sharing of each secret over the ring, as in
// Lattigo's multiparty package. The appliance relays every message and learns no secret.
//
// Round 1  advertise a fresh X25519 key and b_i = -a s_i + e_i, signed with the enrolled
//          Ed25519 identity over the setup hash.
// Round 2  check every advertisement; seal f_i(j) for each other custodian j with
//          AES-256-GCM under HKDF-SHA256(X25519(i, j)), salt the ceremony id, the ceremony
//          and both ids in the associated data; sign each sealed share.
// Round 3  open the k - 1 shares addressed to this custodian, keep S_i = sum_j f_j(i), and
//          confirm the SHA-256 of the collective public key (sum b_j, a) it computed.
//
// Every method checks its input completely before it changes anything: a refused message
// (ProtocolViolationException) leaves the custodian as it was.

using System.Security.Cryptography;
using SecureFed.Crypto.Aead;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.KeyAgreement;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.He;

/// <summary>
/// A custodian's state machine for one key ceremony. Holds secrets until it completes;
/// Dispose clears them.
/// </summary>
public sealed class CustodianCeremony : IDisposable
{
    private readonly CkksContext _context;
    private readonly CeremonySetup _setup;
    private readonly CkksCommittee _committee;
    private readonly byte[] _setupHash;
    private readonly uint _id;
    private readonly Ed25519PrivateKey _identity;
    private readonly IReadOnlyDictionary<uint, Ed25519PublicKey> _directory;

    private X25519PrivateKey? _cipherKey;
    private CkksCustodianKeyGeneration? _keyGeneration;
    private CustodianAdvertisement? _advertisement;
    private Dictionary<int, RnsPolynomial> _publicKeyShares = [];
    private Dictionary<uint, AesGcmKey> _receiveKeys = [];
    private RnsPolynomial? _ownShare;
    private CustodianKeyState? _keyState;
    private byte[]? _collectivePublicKey;
    private bool _disposed;

    /// <summary>
    /// Creates custodian <paramref name="custodianId"/> for the ceremony
    /// <paramref name="setup"/>.
    /// </summary>
    /// <param name="context">The context of the CKKS parameters the setup names.</param>
    /// <param name="setup">The ceremony.</param>
    /// <param name="custodianId">This custodian's id, a member of the setup's committee.</param>
    /// <param name="identity">This custodian's enrolled Ed25519 key; the caller keeps it.</param>
    /// <param name="directory">Every custodian's enrolled Ed25519 public key.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ProtocolViolationException">
    /// The setup is malformed, names other parameters, or does not include this custodian
    /// with its enrolled key.
    /// </exception>
    public CustodianCeremony(
        CkksContext context,
        CeremonySetup setup,
        uint custodianId,
        Ed25519PrivateKey identity,
        IReadOnlyDictionary<uint, Ed25519PublicKey> directory)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(directory);
        _committee = CeremonyRules.Validate(setup, context, directory);
        if (!CeremonyRules.IsMember(_committee, custodianId))
        {
            throw new ProtocolViolationException(
                $"Custodian {custodianId} is not in the ceremony's committee.");
        }

        if (!directory[custodianId].Equals(identity.PublicKey))
        {
            throw new ProtocolViolationException(
                $"The identity key is not the one enrolled for custodian {custodianId}.");
        }

        _context = context;
        _setup = setup with
        {
            CeremonyId = (byte[])setup.CeremonyId.Clone(),
            CommonSeed = (byte[])setup.CommonSeed.Clone(),
            CustodianIds = setup.CustodianIds.ToArray(),
        };
        _setupHash = HeTranscripts.SetupHash(_setup);
        _id = custodianId;
        _identity = identity;
        _directory = directory;
    }

    /// <summary>This custodian's id.</summary>
    public uint CustodianId => _id;

    /// <summary>Where the custodian is in the ceremony.</summary>
    public CustodianCeremonyStage Stage { get; private set; } = CustodianCeremonyStage.Created;

    /// <summary>The serialized collective public key, once the ceremony has completed.</summary>
    /// <exception cref="InvalidOperationException">The ceremony has not completed.</exception>
    public ReadOnlyMemory<byte> CollectivePublicKey =>
        _collectivePublicKey ?? throw new InvalidOperationException("The ceremony has not completed.");

    /// <summary>
    /// Round 1: samples this custodian's secret, and advertises a fresh X25519 key and the
    /// public key share b_i, signed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The custodian has already advertised.</exception>
    public CustodianAdvertisement Advertise()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ExpectStage(CustodianCeremonyStage.Created);

        _keyGeneration = new CkksCustodianKeyGeneration(
            _context, _committee, (int)_id, _setup.CommonSeed);
        _cipherKey = X25519PrivateKey.Generate();
        var unsigned = new CustodianAdvertisement(
            _setup.CeremonyId,
            _id,
            _cipherKey.PublicKey,
            CkksSerializer.SerializePolynomial(_keyGeneration.PublicKeyShare),
            []);
        byte[] signature = _identity.Sign(HeTranscripts.Advertisement(_setupHash, unsigned).Encoded);
        _advertisement = unsigned with { Signature = signature };
        Stage = CustodianCeremonyStage.Advertised;
        return _advertisement;
    }

    /// <summary>
    /// Round 2: checks every custodian's advertisement, this one's included, and seals a
    /// Shamir share of this custodian's secret for each other custodian.
    /// </summary>
    /// <param name="advertisements">One advertisement per committee member, in any order.</param>
    /// <returns>The sealed shares, one per other custodian, each signed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="advertisements"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The custodian is not at round 2.</exception>
    /// <exception cref="ProtocolViolationException">
    /// An advertisement is missing, repeated, for another ceremony, from outside the
    /// committee, badly signed or malformed, or this custodian's own was altered.
    /// </exception>
    public CustodianShares ShareSecret(IReadOnlyList<CustodianAdvertisement> advertisements)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(advertisements);
        ExpectStage(CustodianCeremonyStage.Advertised);
        Dictionary<int, RnsPolynomial> publicKeyShares = CheckAdvertisements(advertisements);
        Dictionary<uint, (AesGcmKey Send, AesGcmKey Receive)> keys = DeriveChannelKeys(advertisements);

        var sealedShares = new List<SealedKeyShare>(keys.Count);
        try
        {
            foreach ((uint recipient, (AesGcmKey send, _)) in keys.OrderBy(pair => pair.Key))
            {
                RnsPolynomial share = _keyGeneration!.CreateSecretShareFor((int)recipient);
                byte[] box;
                try
                {
                    box = CeremonySealing.Seal(send, _setup.CeremonyId, _id, recipient, share);
                }
                finally
                {
                    share.Clear();
                }

                var unsigned = new SealedKeyShare(_setup.CeremonyId, _id, recipient, box, []);
                byte[] signature = _identity.Sign(
                    HeTranscripts.SealedShare(_setupHash, unsigned).Encoded);
                sealedShares.Add(unsigned with { Signature = signature });
            }
        }
        catch
        {
            foreach ((_, AesGcmKey receive) in keys.Values)
            {
                receive.Dispose();
            }

            throw;
        }
        finally
        {
            foreach ((AesGcmKey send, _) in keys.Values)
            {
                send.Dispose();
            }
        }

        _ownShare = _keyGeneration!.CreateSecretShareFor((int)_id);
        _publicKeyShares = publicKeyShares;
        _receiveKeys = keys.ToDictionary(pair => pair.Key, pair => pair.Value.Receive);
        Stage = CustodianCeremonyStage.SharedSecret;
        return new CustodianShares(_setup.CeremonyId, _id, sealedShares);
    }

    /// <summary>
    /// Round 3: opens the shares the other custodians sealed for this one, builds the
    /// threshold key share, and confirms the collective public key.
    /// </summary>
    /// <param name="shares">One sealed share from each other custodian, addressed here.</param>
    /// <returns>A signed confirmation carrying the collective public key's SHA-256.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="shares"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The custodian is not at round 3.</exception>
    /// <exception cref="ProtocolViolationException">
    /// A share is missing, repeated, for another ceremony or custodian, badly signed, or does
    /// not open.
    /// </exception>
    public CeremonyConfirmation Complete(IReadOnlyList<SealedKeyShare> shares)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(shares);
        ExpectStage(CustodianCeremonyStage.SharedSecret);
        CheckReceivedShares(shares);
        RnsPolynomial sum = OpenAndSum(shares);

        CkksPublicKey publicKey = CkksCollectivePublicKey.Combine(
            _context, _committee, _setup.CommonSeed, _publicKeyShares);
        byte[] publicKeyBytes = CkksSerializer.Serialize(publicKey);
        byte[] publicKeyHash = SHA256.HashData(publicKeyBytes);

        _keyState = new CustodianKeyState(_committee, _id, _setup.CeremonyId, publicKeyHash, sum);
        _collectivePublicKey = publicKeyBytes;
        ClearCeremonySecrets();
        Stage = CustodianCeremonyStage.Completed;

        var unsigned = new CeremonyConfirmation(_setup.CeremonyId, _id, publicKeyHash, []);
        byte[] signature = _identity.Sign(HeTranscripts.Confirmation(_setupHash, unsigned).Encoded);
        return unsigned with { Signature = signature };
    }

    /// <summary>
    /// Hands the custodian's long-term state to the caller, who then owns and must dispose
    /// it. Possible once, after <see cref="Complete"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The ceremony has not completed, or the state was already taken.
    /// </exception>
    public CustodianKeyState TakeKeyState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CustodianKeyState state = _keyState
            ?? throw new InvalidOperationException(
                Stage == CustodianCeremonyStage.Completed
                    ? "The key state was already taken."
                    : "The ceremony has not completed.");
        _keyState = null;
        return state;
    }

    /// <summary>Clears every secret this object still holds.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ClearCeremonySecrets();
        _keyState?.Dispose();
        _keyState = null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"CustodianCeremony(custodian {_id}, {Stage})";

    private Dictionary<int, RnsPolynomial> CheckAdvertisements(
        IReadOnlyList<CustodianAdvertisement> advertisements)
    {
        if (advertisements.Count != _committee.Size)
        {
            throw new ProtocolViolationException(
                $"Expected {_committee.Size} advertisements, got {advertisements.Count}.");
        }

        var shares = new Dictionary<int, RnsPolynomial>();
        foreach (CustodianAdvertisement message in advertisements)
        {
            if (message is null)
            {
                throw new ProtocolViolationException("An advertisement is missing.");
            }

            RnsPolynomial share = CeremonyRules.CheckAdvertisement(
                message, _setup.CeremonyId, _setupHash, _committee, _context, _directory);
            if (!shares.TryAdd((int)message.CustodianId, share))
            {
                throw new ProtocolViolationException(
                    $"Custodian {message.CustodianId} advertised twice.");
            }

            if (message.CustodianId == _id
                && (!message.CipherPublicKey.AsSpan().SequenceEqual(_advertisement!.CipherPublicKey)
                    || !message.PublicKeyShare.AsSpan().SequenceEqual(_advertisement.PublicKeyShare)))
            {
                throw new ProtocolViolationException(
                    $"Custodian {_id}'s own advertisement came back altered.");
            }
        }

        return shares;
    }

    private Dictionary<uint, (AesGcmKey Send, AesGcmKey Receive)> DeriveChannelKeys(
        IReadOnlyList<CustodianAdvertisement> advertisements)
    {
        var keys = new Dictionary<uint, (AesGcmKey Send, AesGcmKey Receive)>();
        try
        {
            foreach (CustodianAdvertisement message in advertisements)
            {
                if (message.CustodianId == _id)
                {
                    continue;
                }

                keys[message.CustodianId] = CeremonySealing.DeriveKeys(
                    _cipherKey!, message.CipherPublicKey, _setup.CeremonyId, _id, message.CustodianId);
            }

            return keys;
        }
        catch (CryptographicException e)
        {
            DisposeKeys(keys);
            throw new ProtocolViolationException(
                "An advertised X25519 key is malformed or of small order.", e);
        }
    }

    private void CheckReceivedShares(IReadOnlyList<SealedKeyShare> shares)
    {
        var senders = new HashSet<uint>();
        foreach (SealedKeyShare share in shares)
        {
            CeremonyRules.CheckSealedShare(share, _setup.CeremonyId, _setupHash, _committee, _directory);
            if (share.Recipient != _id)
            {
                throw new ProtocolViolationException(
                    $"Custodian {_id} was given the share from {share.Sender} sealed for {share.Recipient}.");
            }

            if (!senders.Add(share.Sender))
            {
                throw new ProtocolViolationException(
                    $"Custodian {share.Sender} sent custodian {_id} two shares.");
            }
        }

        foreach (uint member in _receiveKeys.Keys)
        {
            if (!senders.Contains(member))
            {
                throw new ProtocolViolationException(
                    $"The share from custodian {member} to custodian {_id} is missing.");
            }
        }
    }

    private RnsPolynomial OpenAndSum(IReadOnlyList<SealedKeyShare> shares)
    {
        RnsPolynomial sum = _ownShare!.Clone();
        try
        {
            foreach (SealedKeyShare share in shares)
            {
                RnsPolynomial opened = CeremonySealing.Open(
                    _receiveKeys[share.Sender], _context, _setup.CeremonyId, share.Sender, _id,
                    share.Ciphertext);
                sum.AddInPlace(opened);
                opened.Clear();
            }

            return sum;
        }
        catch (CryptographicException e)
        {
            sum.Clear();
            throw new ProtocolViolationException(
                $"A share sealed for custodian {_id} could not be opened.", e);
        }
    }

    private void ClearCeremonySecrets()
    {
        _keyGeneration?.Dispose();
        _keyGeneration = null;
        _cipherKey?.Dispose();
        _cipherKey = null;
        _ownShare?.Clear();
        _ownShare = null;
        foreach (AesGcmKey key in _receiveKeys.Values)
        {
            key.Dispose();
        }

        _receiveKeys = [];
    }

    private static void DisposeKeys(Dictionary<uint, (AesGcmKey Send, AesGcmKey Receive)> keys)
    {
        foreach ((AesGcmKey send, AesGcmKey receive) in keys.Values)
        {
            send.Dispose();
            receive.Dispose();
        }
    }

    private void ExpectStage(CustodianCeremonyStage expected)
    {
        if (Stage != expected)
        {
            throw new InvalidOperationException(
                $"Custodian {_id} is at {Stage}, not {expected}.");
        }
    }
}
