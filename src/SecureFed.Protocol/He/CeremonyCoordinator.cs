// The appliance's side of the threshold CKKS key ceremony (Mouchet et al., PETS 2021, with
// Shamir t-of-k sharing as in Lattigo): it collects the custodians' signed advertisements,
// sums their key shares into the collective public key (sum b_i, a), relays the sealed
// Shamir shares to their recipients, and checks that every custodian confirmed the same
// collective key. It holds no secret: the sealed shares open only for their recipients.

using System.Security.Cryptography;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.He;

/// <summary>
/// The appliance's state machine for one key ceremony. Thread-safe; every refused message
/// (<see cref="ProtocolViolationException"/>) leaves it unchanged.
/// </summary>
public sealed class CeremonyCoordinator
{
    private readonly CkksContext _context;
    private readonly CeremonySetup _setup;
    private readonly CkksCommittee _committee;
    private readonly byte[] _setupHash;
    private readonly IReadOnlyDictionary<uint, Ed25519PublicKey> _directory;
    private readonly Lock _lock = new();

    private readonly SortedDictionary<uint, CustodianAdvertisement> _advertisements = [];
    private readonly Dictionary<int, RnsPolynomial> _publicKeyShares = [];
    private readonly Dictionary<uint, CustodianShares> _shares = [];
    private readonly SortedDictionary<uint, CustodianKeyConfirmation> _confirmed = [];
    private CkksPublicKey? _publicKey;
    private byte[]? _publicKeyBytes;
    private byte[]? _publicKeyHash;

    /// <summary>Starts coordinating the ceremony <paramref name="setup"/>.</summary>
    /// <param name="context">The context of the CKKS parameters the setup names.</param>
    /// <param name="setup">The ceremony.</param>
    /// <param name="directory">Every custodian's enrolled Ed25519 public key.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ProtocolViolationException">
    /// The setup is malformed, names other parameters, or a custodian without an enrolled key.
    /// </exception>
    public CeremonyCoordinator(
        CkksContext context, CeremonySetup setup, IReadOnlyDictionary<uint, Ed25519PublicKey> directory)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(directory);
        _committee = CeremonyRules.Validate(setup, context, directory);
        _context = context;
        _setup = setup with
        {
            CeremonyId = (byte[])setup.CeremonyId.Clone(),
            CommonSeed = (byte[])setup.CommonSeed.Clone(),
            CustodianIds = setup.CustodianIds.ToArray(),
        };
        _setupHash = HeTranscripts.SetupHash(_setup);
        _directory = directory;
    }

    /// <summary>
    /// Creates a fresh setup: a random ceremony id and common seed, for the parameters of
    /// <paramref name="context"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static CeremonySetup CreateSetup(
        CkksContext context, IReadOnlyList<uint> custodianIds, int threshold)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(custodianIds);
        return new CeremonySetup(
            RandomNumberGenerator.GetBytes(CeremonyRules.CeremonyIdSize),
            context.Parameters.ParameterId.ToArray(),
            custodianIds.Order().ToArray(),
            threshold,
            RandomNumberGenerator.GetBytes(CeremonyRules.SeedSize));
    }

    /// <summary>The ceremony.</summary>
    public CeremonySetup Setup => _setup;

    /// <summary>True once every custodian has advertised.</summary>
    public bool AllAdvertised
    {
        get
        {
            lock (_lock)
            {
                return _publicKey is not null;
            }
        }
    }

    /// <summary>True once every custodian's sealed shares have arrived.</summary>
    public bool AllSharesReceived
    {
        get
        {
            lock (_lock)
            {
                return _shares.Count == _committee.Size;
            }
        }
    }

    /// <summary>True once every custodian has confirmed the collective public key.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_lock)
            {
                return _confirmed.Count == _committee.Size;
            }
        }
    }

    /// <summary>
    /// The custodians' signed confirmations received so far, by custodian id. Once
    /// <see cref="IsComplete"/>, the appliance keeps and hands out all of them, so that clients
    /// and auditors can check the collective key without trusting the appliance.
    /// </summary>
    public IReadOnlyList<CustodianKeyConfirmation> Confirmations
    {
        get
        {
            lock (_lock)
            {
                return _confirmed.Values.ToArray();
            }
        }
    }

    /// <summary>The collective public key, once every custodian has advertised.</summary>
    /// <exception cref="InvalidOperationException">An advertisement is still missing.</exception>
    public CkksPublicKey PublicKey
    {
        get
        {
            lock (_lock)
            {
                return _publicKey ?? throw NotAllAdvertised();
            }
        }
    }

    /// <summary>The serialized collective public key, once every custodian has advertised.</summary>
    /// <exception cref="InvalidOperationException">An advertisement is still missing.</exception>
    public ReadOnlyMemory<byte> PublicKeyBytes
    {
        get
        {
            lock (_lock)
            {
                return _publicKeyBytes ?? throw NotAllAdvertised();
            }
        }
    }

    /// <summary>SHA-256 of <see cref="PublicKeyBytes"/>.</summary>
    /// <exception cref="InvalidOperationException">An advertisement is still missing.</exception>
    public ReadOnlyMemory<byte> PublicKeyHash
    {
        get
        {
            lock (_lock)
            {
                return _publicKeyHash ?? throw NotAllAdvertised();
            }
        }
    }

    /// <summary>
    /// Every advertisement, by custodian id, to send to all custodians for round 2.
    /// </summary>
    /// <exception cref="InvalidOperationException">An advertisement is still missing.</exception>
    public IReadOnlyList<CustodianAdvertisement> Advertisements
    {
        get
        {
            lock (_lock)
            {
                return _publicKey is null ? throw NotAllAdvertised() : _advertisements.Values.ToArray();
            }
        }
    }

    /// <summary>
    /// Round 1: accepts a custodian's advertisement; the last one fixes the collective key.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ProtocolViolationException">
    /// The advertisement is for another ceremony, from outside the committee, repeated,
    /// badly signed or malformed.
    /// </exception>
    public void AddAdvertisement(CustodianAdvertisement message)
    {
        ArgumentNullException.ThrowIfNull(message);
        RnsPolynomial share = CeremonyRules.CheckAdvertisement(
            message, _setup.CeremonyId, _setupHash, _committee, _context, _directory);

        lock (_lock)
        {
            if (_advertisements.ContainsKey(message.CustodianId))
            {
                throw new ProtocolViolationException(
                    $"Custodian {message.CustodianId} has already advertised.");
            }

            _advertisements.Add(message.CustodianId, message);
            _publicKeyShares.Add((int)message.CustodianId, share);
            if (_advertisements.Count == _committee.Size)
            {
                CkksPublicKey publicKey = CkksCollectivePublicKey.Combine(
                    _context, _committee, _setup.CommonSeed, _publicKeyShares);
                _publicKeyBytes = CkksSerializer.Serialize(publicKey);
                _publicKeyHash = SHA256.HashData(_publicKeyBytes);
                _publicKey = publicKey;
            }
        }
    }

    /// <summary>Round 2: accepts a custodian's sealed shares for relay.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ProtocolViolationException">
    /// Advertisements are still missing, or the message is for another ceremony, from outside
    /// the committee or repeated, or does not hold exactly one well-signed share for each
    /// other custodian.
    /// </exception>
    public void AddShares(CustodianShares message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!AllAdvertised)
        {
            throw new ProtocolViolationException("Shares arrived before every custodian advertised.");
        }

        CheckShares(message);
        lock (_lock)
        {
            if (!_shares.TryAdd(message.CustodianId, message with { Shares = message.Shares.ToArray() }))
            {
                throw new ProtocolViolationException(
                    $"Custodian {message.CustodianId} has already sent its shares.");
            }
        }
    }

    /// <summary>
    /// The shares every other custodian sealed for <paramref name="recipient"/>, to relay
    /// for round 3.
    /// </summary>
    /// <exception cref="InvalidOperationException">Some custodian's shares are still missing.</exception>
    /// <exception cref="ArgumentException">The recipient is not in the committee.</exception>
    public IReadOnlyList<SealedKeyShare> SharesFor(uint recipient)
    {
        if (!CeremonyRules.IsMember(_committee, recipient))
        {
            throw new ArgumentException($"Custodian {recipient} is not in the committee.", nameof(recipient));
        }

        lock (_lock)
        {
            if (_shares.Count != _committee.Size)
            {
                throw new InvalidOperationException("Some custodian's shares are still missing.");
            }

            return _shares.Values
                .OrderBy(message => message.CustodianId)
                .SelectMany(message => message.Shares)
                .Where(share => share.Recipient == recipient)
                .ToArray();
        }
    }

    /// <summary>Round 3: accepts a custodian's confirmation of the collective key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ProtocolViolationException">
    /// The relay has not finished, or the confirmation is for another ceremony, from outside
    /// the committee, repeated, badly signed, or names another collective key.
    /// </exception>
    public void AddConfirmation(CeremonyConfirmation message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!AllSharesReceived)
        {
            throw new ProtocolViolationException("A confirmation arrived before the shares were relayed.");
        }

        if (message.CeremonyId is null || !message.CeremonyId.AsSpan().SequenceEqual(_setup.CeremonyId))
        {
            throw new ProtocolViolationException(
                $"The confirmation of custodian {message.CustodianId} is for another ceremony.");
        }

        if (!CeremonyRules.IsMember(_committee, message.CustodianId))
        {
            throw new ProtocolViolationException(
                $"Custodian {message.CustodianId} is not in the ceremony's committee.");
        }

        if (message.CollectivePublicKeyHash is null || message.Signature is null
            || !_directory[message.CustodianId].Verify(
                HeTranscripts.Confirmation(_setupHash, message).Encoded, message.Signature))
        {
            throw new ProtocolViolationException(
                $"The confirmation of custodian {message.CustodianId} has a bad signature.");
        }

        lock (_lock)
        {
            if (!message.CollectivePublicKeyHash.AsSpan().SequenceEqual(_publicKeyHash))
            {
                throw new ProtocolViolationException(
                    $"Custodian {message.CustodianId} computed another collective public key.");
            }

            if (!_confirmed.TryAdd(
                message.CustodianId,
                new CustodianKeyConfirmation(message.CustodianId, (byte[])message.Signature.Clone())))
            {
                throw new ProtocolViolationException(
                    $"Custodian {message.CustodianId} has already confirmed.");
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"CeremonyCoordinator({_committee})";

    private void CheckShares(CustodianShares message)
    {
        if (message.CeremonyId is null || !message.CeremonyId.AsSpan().SequenceEqual(_setup.CeremonyId))
        {
            throw new ProtocolViolationException(
                $"The shares of custodian {message.CustodianId} are for another ceremony.");
        }

        if (!CeremonyRules.IsMember(_committee, message.CustodianId))
        {
            throw new ProtocolViolationException(
                $"Custodian {message.CustodianId} is not in the ceremony's committee.");
        }

        if (message.Shares is null || message.Shares.Count != _committee.Size - 1)
        {
            throw new ProtocolViolationException(
                $"Custodian {message.CustodianId} must send {_committee.Size - 1} shares.");
        }

        var recipients = new HashSet<uint>();
        foreach (SealedKeyShare share in message.Shares)
        {
            CeremonyRules.CheckSealedShare(share, _setup.CeremonyId, _setupHash, _committee, _directory);
            if (share.Sender != message.CustodianId)
            {
                throw new ProtocolViolationException(
                    $"Custodian {message.CustodianId} sent a share from custodian {share.Sender}.");
            }

            if (!recipients.Add(share.Recipient))
            {
                throw new ProtocolViolationException(
                    $"Custodian {message.CustodianId} sent custodian {share.Recipient} two shares.");
            }
        }
    }

    private static InvalidOperationException NotAllAdvertised() =>
        new("Some custodian has not advertised yet.");
}
