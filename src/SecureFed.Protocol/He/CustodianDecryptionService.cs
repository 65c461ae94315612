// A custodian's answer to a threshold decryption request (Mouchet et al., PETS 2021, with
// Shamir t-of-k shares as in Lattigo): for each aggregate ciphertext (c0, c1) it returns
// lambda_i S_i c1 + e_flood, with flooding noise uniform on [-2^41, 2^41) by default
// (CkksThresholdCustodian), signed with its enrolled Ed25519 key. Before touching its secret
// it checks, in order: the ceremony; the participant set (exactly t committee members, this
// custodian among them); the ciphertexts; the evidence (at least n_min distinct enrolled
// clients, each with a valid signature on its contribution statement for this round); and
// that it has never answered this round nor any of these c1s. The round and the c1 digests
// are claimed before any share is made, and can be exported so that a restart keeps them.
//
// Before it claims the round, it spot-checks the aggregate (AggregateSpotCheck): at K
// positions it draws after seeing the aggregate (16 by default), the appliance must open
// the contributions' committed chunks, and their residues must add up to the aggregate's.
//
// Limitation: the spot-check samples; it does not prove the whole sum. An appliance that
// alters m of the P residues of the aggregate (P = ciphertexts x 2 x chain primes x N)
// passes with probability (1 - m/P)^K: swapping one of c ciphertexts is caught with
// probability about 1 - (1 - 1/c)^K (0.9999 for c = 2 at K = 16), but an edit of a few
// residues mostly is not. Decryption is slot-wise in the NTT form the residues are stored
// in, so such an edit bears on a few NTT slots of the decrypted sum; what it can reveal of
// one client's input through flooded shares is not analysed yet. A larger K narrows it at
// the cost of 2 K chunk openings per contributor.

using System.Buffers.Binary;
using System.Security.Cryptography;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.He;

/// <summary>
/// A custodian's decryption service: checks each request against the refusal rules and
/// returns signed decryption shares. Thread-safe.
/// </summary>
public sealed class CustodianDecryptionService
{
    private const byte ServedFormatVersion = 1;

    private static ReadOnlySpan<byte> ServedMagic => "SFHS"u8;

    private readonly CustodianKeyState _keyState;
    private readonly CkksThresholdCustodian _custodian;
    private readonly Ed25519PrivateKey _identity;
    private readonly IReadOnlyDictionary<uint, Ed25519PublicKey> _clientDirectory;
    private readonly ContributionEvidenceVerifier _verifier;
    private readonly Lock _lock = new();
    private readonly HashSet<ulong> _servedRounds = [];
    private readonly HashSet<string> _servedDigests = [];

    /// <summary>Creates the service over a custodian's key state.</summary>
    /// <param name="keyState">The custodian's key state; the caller keeps ownership.</param>
    /// <param name="identity">The custodian's enrolled Ed25519 key; the caller keeps it.</param>
    /// <param name="clientDirectory">The enrolled clients' Ed25519 keys.</param>
    /// <param name="verifier">Checks a client's signed contribution statement.</param>
    /// <param name="minimumContributors">n_min, the fewest distinct clients an aggregate may sum.</param>
    /// <param name="floodingBits">The flooding exponent, 41 to 61.</param>
    /// <param name="spotCheckPositions">
    /// K, the aggregate positions checked against the contributions before any share is made,
    /// 1 to <see cref="AggregateSpotCheck.MaxPositions"/>.
    /// </param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The minimum is below 1, or the flooding exponent or the number of positions is out of
    /// range.
    /// </exception>
    public CustodianDecryptionService(
        CustodianKeyState keyState,
        Ed25519PrivateKey identity,
        IReadOnlyDictionary<uint, Ed25519PublicKey> clientDirectory,
        ContributionEvidenceVerifier verifier,
        int minimumContributors,
        int floodingBits = CkksThresholdCustodian.MinFloodingBits,
        int spotCheckPositions = AggregateSpotCheck.DefaultPositions)
    {
        ArgumentNullException.ThrowIfNull(keyState);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(clientDirectory);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumContributors, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spotCheckPositions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(spotCheckPositions, AggregateSpotCheck.MaxPositions);
        _custodian = new CkksThresholdCustodian(keyState.KeyShare, floodingBits);
        _keyState = keyState;
        _identity = identity;
        _clientDirectory = clientDirectory;
        _verifier = verifier;
        MinimumContributors = minimumContributors;
        SpotCheckPositions = spotCheckPositions;
    }

    /// <summary>This custodian's id.</summary>
    public uint CustodianId => _keyState.CustodianId;

    /// <summary>n_min, the fewest distinct enrolled clients a decrypted aggregate may sum.</summary>
    public int MinimumContributors { get; }

    /// <summary>K, the aggregate positions checked against the contributions per request.</summary>
    public int SpotCheckPositions { get; }

    /// <summary>
    /// Checks <paramref name="request"/>, spot-checks its aggregate against the evidenced
    /// contributions through <paramref name="opener"/>, and returns this custodian's signed
    /// decryption share of every aggregate ciphertext. Persist
    /// <see cref="ExportServedRequests"/> before sending the answer, so that a restart cannot
    /// serve the same round twice.
    /// </summary>
    /// <param name="request">The appliance's decryption request.</param>
    /// <param name="opener">Fetches chunks of the contributions with their inclusion proofs.</param>
    /// <param name="cancellation">Cancels the openings; no share is made after it fires.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ProtocolViolationException">
    /// The request is for another ceremony; the participant set is not exactly t committee
    /// members including this custodian; a ciphertext is malformed or repeated; the evidence
    /// names fewer than n_min distinct clients, an unenrolled client or a bad signature; this
    /// custodian already answered this round or one of these ciphertexts; or the spot-check
    /// failed (see <see cref="AggregateSpotCheck.Verify"/>) or its openings did not come.
    /// </exception>
    public async Task<DecryptionResponse> CreateShareAsync(
        DecryptionRequest request, ContributionOpener opener, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(opener);
        CheckCeremony(request);
        uint[] participants = CheckParticipants(request.Participants);
        CkksCiphertext[] aggregate = ParseAggregate(request.Aggregate);
        CheckEvidence(request.Round, request.Evidence);
        string[] digests = aggregate.Select(c => Convert.ToHexString(c.ComputeC1Digest())).ToArray();
        if (digests.Distinct().Count() != digests.Length)
        {
            throw new ProtocolViolationException("The aggregate repeats a ciphertext.");
        }

        // Refused here already, so that a request this custodian would refuse anyway costs
        // the appliance no openings; checked again below when the round is claimed.
        lock (_lock)
        {
            RefuseIfServed(request.Round, digests);
        }

        await SpotCheckAsync(request, aggregate, opener, cancellation).ConfigureAwait(false);
        cancellation.ThrowIfCancellationRequested();

        // The round is claimed only once the spot-check passed. A refused request makes no
        // share, so leaving the round unclaimed reveals nothing and lets an honest retry of
        // the round (after a faulty spool or a lost connection) be served; a second request
        // for the round is spot-checked afresh, with new positions. Claimed before any
        // secret is touched: a concurrent twin of this request is refused.
        lock (_lock)
        {
            RefuseIfServed(request.Round, digests);
            _servedRounds.Add(request.Round);
            _servedDigests.UnionWith(digests);
        }

        int[] set = participants.Select(id => (int)id).ToArray();
        var shares = new byte[aggregate.Length][];
        for (int c = 0; c < aggregate.Length; c++)
        {
            shares[c] = CkksSerializer.Serialize(_custodian.CreateDecryptionShare(aggregate[c], set));
        }

        byte[] signature = _identity.Sign(
            HeTranscripts.DecryptionResponse(
                _keyState.CeremonyId.ToArray(), request.Round, CustodianId, participants,
                request.Aggregate.Select(SHA256.HashData).ToArray(),
                shares.Select(SHA256.HashData).ToArray()).Encoded);
        return new DecryptionResponse(
            _keyState.CeremonyId.ToArray(), request.Round, CustodianId, shares, signature);
    }

    /// <summary>
    /// The rounds and ciphertext digests this custodian has answered, as bytes to store with
    /// its key state: "SFHS" || version 1 || round count (4) || rounds (8 each, ascending)
    /// || digest count (4) || 32-byte digests (ascending).
    /// </summary>
    public byte[] ExportServedRequests()
    {
        ulong[] rounds;
        byte[][] digests;
        lock (_lock)
        {
            rounds = _servedRounds.Order().ToArray();
            digests = _servedDigests.Order(StringComparer.Ordinal).Select(Convert.FromHexString).ToArray();
        }

        byte[] buffer = new byte[4 + 1 + 4 + (8 * rounds.Length) + 4 + (32 * digests.Length)];
        Span<byte> span = buffer;
        ServedMagic.CopyTo(span);
        span[4] = ServedFormatVersion;
        BinaryPrimitives.WriteUInt32BigEndian(span[5..], (uint)rounds.Length);
        int offset = 9;
        foreach (ulong round in rounds)
        {
            BinaryPrimitives.WriteUInt64BigEndian(span[offset..], round);
            offset += 8;
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[offset..], (uint)digests.Length);
        offset += 4;
        foreach (byte[] digest in digests)
        {
            digest.CopyTo(span[offset..]);
            offset += 32;
        }

        return buffer;
    }

    /// <summary>
    /// Adds the rounds and digests of bytes from <see cref="ExportServedRequests"/> to those
    /// this custodian refuses; what it already refuses stays.
    /// </summary>
    /// <exception cref="FormatException">The bytes are malformed; nothing is added.</exception>
    public void ImportServedRequests(ReadOnlySpan<byte> data)
    {
        if (data.Length < 9 || !data[..4].SequenceEqual(ServedMagic) || data[4] != ServedFormatVersion)
        {
            throw new FormatException("The bytes are not a SecureFed served-request list of version 1.");
        }

        uint roundCount = BinaryPrimitives.ReadUInt32BigEndian(data[5..]);
        long digestOffset = 9 + (8L * roundCount);
        if (data.Length < digestOffset + 4)
        {
            throw new FormatException("The served-request list is truncated.");
        }

        uint digestCount = BinaryPrimitives.ReadUInt32BigEndian(data[(int)digestOffset..]);
        if (data.Length != digestOffset + 4 + (32L * digestCount))
        {
            throw new FormatException("The served-request list has the wrong length.");
        }

        var rounds = new ulong[roundCount];
        for (int i = 0; i < rounds.Length; i++)
        {
            rounds[i] = BinaryPrimitives.ReadUInt64BigEndian(data[(9 + (8 * i))..]);
        }

        var digests = new string[digestCount];
        for (int i = 0; i < digests.Length; i++)
        {
            digests[i] = Convert.ToHexString(data.Slice((int)digestOffset + 4 + (32 * i), 32));
        }

        lock (_lock)
        {
            _servedRounds.UnionWith(rounds);
            _servedDigests.UnionWith(digests);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"CustodianDecryptionService(custodian {CustodianId})";

    private void RefuseIfServed(ulong round, string[] digests)
    {
        if (_servedRounds.Contains(round))
        {
            throw new ProtocolViolationException(
                $"Custodian {CustodianId} already made decryption shares for round {round}.");
        }

        if (digests.Any(_servedDigests.Contains))
        {
            throw new ProtocolViolationException(
                $"Custodian {CustodianId} already made a decryption share for this aggregate.");
        }
    }

    private async Task SpotCheckAsync(
        DecryptionRequest request, CkksCiphertext[] aggregate, ContributionOpener opener,
        CancellationToken cancellation)
    {
        // Drawn here, after the aggregate is fixed, from this custodian's own CSPRNG: the
        // appliance learns the positions only when asked to open them.
        var layout = new ContributionLayout(_keyState.KeyShare.Context, aggregate.Length);
        CoefficientPosition[] positions = AggregateSpotCheck.DrawPositions(layout, SpotCheckPositions);
        var opening = new OpeningRequest(
            request.Round,
            [.. request.Evidence.Select(e => e.ClientId).Order()],
            AggregateSpotCheck.ChunksFor(layout, positions));
        IReadOnlyList<ContributionOpening> openings =
            await opener(opening, cancellation).ConfigureAwait(false)
            ?? throw new ProtocolViolationException("The appliance sent no openings.");
        AggregateSpotCheck.Verify(layout, positions, aggregate, request.Evidence, openings);
    }

    private void CheckCeremony(DecryptionRequest request)
    {
        if (request.CeremonyId is null || !request.CeremonyId.AsSpan().SequenceEqual(_keyState.CeremonyId))
        {
            throw new ProtocolViolationException(
                $"The request is for another ceremony than custodian {CustodianId}'s key.");
        }
    }

    private uint[] CheckParticipants(IReadOnlyList<uint> participants)
    {
        if (participants is null)
        {
            throw new ProtocolViolationException("The request names no participants.");
        }

        CkksCommittee committee = _keyState.Committee;
        uint[] set = participants.Order().ToArray();
        if (set.Distinct().Count() != set.Length)
        {
            throw new ProtocolViolationException("The participant set repeats a custodian.");
        }

        if (set.Length != committee.Threshold)
        {
            throw new ProtocolViolationException(
                $"The participant set has {set.Length} custodians, not the threshold {committee.Threshold}.");
        }

        foreach (uint id in set)
        {
            if (!CeremonyRules.IsMember(committee, id))
            {
                throw new ProtocolViolationException($"Participant {id} is not in the committee.");
            }
        }

        if (Array.IndexOf(set, CustodianId) < 0)
        {
            throw new ProtocolViolationException(
                $"Custodian {CustodianId} is not in the participant set.");
        }

        return set;
    }

    private CkksCiphertext[] ParseAggregate(IReadOnlyList<byte[]> aggregate)
    {
        if (aggregate is null || aggregate.Count == 0)
        {
            throw new ProtocolViolationException("The request carries no aggregate.");
        }

        var parsed = new CkksCiphertext[aggregate.Count];
        for (int c = 0; c < parsed.Length; c++)
        {
            try
            {
                parsed[c] = CkksSerializer.DeserializeCiphertext(
                    _keyState.KeyShare.Context, aggregate[c] ?? throw new FormatException("It is missing."));
            }
            catch (FormatException e)
            {
                throw new ProtocolViolationException($"Aggregate ciphertext {c} is refused: {e.Message}", e);
            }
        }

        return parsed;
    }

    private void CheckEvidence(ulong round, IReadOnlyList<ContributionEvidence> evidence)
    {
        if (evidence is null)
        {
            throw new ProtocolViolationException("The request carries no evidence.");
        }

        var clients = new HashSet<uint>();
        foreach (ContributionEvidence item in evidence)
        {
            if (item is null || item.Root is null || item.Root.Length != 32 || item.Signature is null)
            {
                throw new ProtocolViolationException("A contribution in the evidence is malformed.");
            }

            if (!clients.Add(item.ClientId))
            {
                throw new ProtocolViolationException(
                    $"Client {item.ClientId} appears twice in the evidence.");
            }

            if (!_clientDirectory.TryGetValue(item.ClientId, out Ed25519PublicKey? key))
            {
                throw new ProtocolViolationException(
                    $"Client {item.ClientId} in the evidence is not enrolled.");
            }

            if (!_verifier(round, item, key))
            {
                throw new ProtocolViolationException(
                    $"The contribution statement of client {item.ClientId} has a bad signature.");
            }
        }

        if (clients.Count < MinimumContributors)
        {
            throw new ProtocolViolationException(
                $"The evidence names {clients.Count} contributors, fewer than the {MinimumContributors} required.");
        }
    }
}
