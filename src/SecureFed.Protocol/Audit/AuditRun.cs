// The entry-by-entry part of the ledger audit. Enrollment certificates are validated as
// RFC 5280 paths to the federation CA alone (through FederationTrust), at the time the
// entry states; enrollment statements are ECDSA P-256 signatures (FIPS 186-5) by the
// certificate's key; contribution statements are Ed25519 signatures (RFC 8032) by the key
// the client enrolled; the budget is recomputed as BudgetRecomputation describes.

using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Enrollment;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Protocol.Audit;

/// <summary>
/// One pass over a ledger's entries in order, checking what each says against what the
/// entries before it established: the federation, its participants, the open round.
/// </summary>
internal sealed class AuditRun
{
    private const int HashSize = 32;

    private readonly LedgerExport _export;
    private readonly Ed25519PublicKey _key;
    private readonly double _tolerance;
    private readonly List<AuditFinding> _findings;
    private readonly Dictionary<uint, AuditedParticipant> _participants = [];
    private readonly HashSet<ParticipantIdentity> _identities = [];
    private readonly Dictionary<ulong, AuditedRound> _rounds = [];
    private readonly List<RoundEpsilon> _perRound = [];
    private X509Certificate2? _ca;
    private byte[]? _federationId;
    private BudgetRecomputation? _budget;
    private AuditedRound? _open;
    private ulong _lastRound;
    private HashSet<uint>? _custodians;
    private int _threshold;

    private readonly bool _pinned;

    public AuditRun(
        LedgerExport export,
        Ed25519PublicKey key,
        bool pinned,
        double tolerance,
        List<AuditFinding> findings)
    {
        _export = export;
        _key = key;
        _pinned = pinned;
        _tolerance = tolerance;
        _findings = findings;
    }

    public int Rounds => _rounds.Count;

    /// <summary>The appliance whose CA certificate vouched for the ledger key, if one did.</summary>
    public ParticipantIdentity? CertifiedBy { get; private set; }

    public int Contributions { get; private set; }

    public int Enrollments { get; private set; }

    public double? EpsilonLimit { get; private set; }

    public double? Delta { get; private set; }

    public double CumulativeEpsilon => _budget?.Epsilon() ?? 0;

    public IReadOnlyList<RoundEpsilon> PerRound => _perRound;

    public void Walk()
    {
        var entries = _export.Entries;
        if (entries.Count == 0 || entries[0].Kind != "federation.created")
        {
            Find("certificate", entries.Count == 0 ? null : 0, null,
                "The ledger does not start with federation.created: there is no CA, ledger key " +
                "or budget to check against.");
        }

        foreach (var entry in entries)
        {
            try
            {
                using var document = JsonDocument.Parse(entry.Payload);
                string where = $"entry {entry.Index} ({entry.Kind})";
                Dispatch(entry, new PayloadReader(document.RootElement, where));
            }
            catch (Exception malformed) when (malformed is JsonException or FormatException)
            {
                Find(CheckOf(entry.Kind), At(entry), null,
                    $"Entry {entry.Index} ({entry.Kind}) has a malformed payload: " +
                    $"{malformed.Message}");
            }
        }

        if (_open is { } open)
        {
            _perRound.Add(new RoundEpsilon(
                open.Number, open.Mechanism is not null, "open", open.ClaimedIfCompleted,
                open.RecomputedIfCompleted, null, null, CumulativeEpsilon));
        }

        _ca?.Dispose();
    }

    private void Dispatch(LedgerEntry entry, PayloadReader payload)
    {
        switch (entry.Kind)
        {
            case "federation.created":
                FederationCreated(entry, payload);
                break;
            case "enrollment":
                Enrollment(entry, payload);
                break;
            case "custodian.key":
                CustodianKey(entry, payload);
                break;
            case "round.opened":
                RoundOpened(entry, payload);
                break;
            case "contribution":
                Contribution(entry, payload);
                break;
            case "decryption.share":
                DecryptionShare(entry, payload);
                break;
            case "round.closed":
                RoundClosed(entry, payload);
                break;
            case "round.aborted":
                RoundAborted(entry, payload);
                break;
            case "ceremony.started":
                break;
            default:
                Find("chain", At(entry), null,
                    $"Entry {entry.Index} has an unknown kind '{entry.Kind}'.");
                break;
        }
    }

    private void FederationCreated(LedgerEntry entry, PayloadReader payload)
    {
        if (entry.Index != 0 || _federationId is not null)
        {
            Find("certificate", At(entry), null,
                $"Entry {entry.Index} creates the federation again; only entry 0 may.");
            return;
        }

        _federationId = payload.Bytes("federation_id", ContributionStatement.FederationIdSize);
        var ledgerKey = payload.Bytes("ledger_public_key", Ed25519PublicKey.KeySize);
        if (!ledgerKey.AsSpan().SequenceEqual(_export.LedgerPublicKey.Bytes.Span))
        {
            Find("signature", At(entry), null,
                $"federation.created names ledger key {Convert.ToHexStringLower(ledgerKey)}; " +
                $"the export names {LedgerAudit.Hex(_export.LedgerPublicKey)}.");
        }
        else if (!ledgerKey.AsSpan().SequenceEqual(_key.Bytes.Span))
        {
            Find("signature", At(entry), null,
                $"federation.created names ledger key {Convert.ToHexStringLower(ledgerKey)}, not " +
                "the pinned key.");
        }

        EpsilonLimit = payload.Double("epsilon_limit");
        Delta = payload.Double("delta");
        if (!(Delta > 0 && Delta < 1) || !(EpsilonLimit > 0))
        {
            Find("budget", At(entry), null,
                $"The federation's budget (epsilon_limit {F(EpsilonLimit.Value)}, delta " +
                $"{F(Delta.Value)}) is not a valid one.");
        }
        else
        {
            _budget = new BudgetRecomputation(Delta.Value);
        }

        ReadCa(entry, payload.Bytes("ca_certificate"));
        CheckApplianceCertificate(entry, payload, ledgerKey);
    }

    // The appliance's CA certificate must vouch for the ledger key: its key signed the
    // enrollment statement naming the key (EnrollmentStatement). Then an auditor who trusts
    // only the federation CA, which the security team holds, knows whose ledger this is.
    // Without the certificate only a key pinned by the auditor says so.
    private void CheckApplianceCertificate(LedgerEntry entry, PayloadReader payload, byte[] ledgerKey)
    {
        if (!payload.Has("appliance_certificate"))
        {
            if (!_pinned)
            {
                Find("certificate", At(entry), null,
                    "Nothing binds the ledger key to the federation: federation.created holds no " +
                    "appliance certificate and no ledger key was pinned.");
            }

            return;
        }

        byte[] signature = payload.Bytes("appliance_key_signature");
        var certificate = LoadUnderCa(entry, payload.Bytes("appliance_certificate"), "The appliance certificate");
        if (certificate is null)
        {
            return;
        }

        using (certificate)
        {
            var result = TrustAt(entry).ValidateServer(certificate);
            if (!result.IsValid)
            {
                Find("certificate", At(entry), null,
                    $"The appliance certificate is not the federation's appliance: {result.Message}");
                return;
            }

            if (!EnrollmentStatement.Verify(certificate, _federationId!, result.Identity!, ledgerKey, signature))
            {
                Find("certificate", At(entry), null,
                    $"The certificate of {result.Identity} did not sign the ledger key " +
                    $"{Convert.ToHexStringLower(ledgerKey)}.");
                return;
            }

            CertifiedBy = result.Identity;
        }
    }

    private void ReadCa(LedgerEntry entry, byte[] der)
    {
        try
        {
            var ca = X509CertificateLoader.LoadCertificate(der);
            if (FederationProfile.BasicConstraints(ca) is not { CertificateAuthority: true })
            {
                Find("certificate", At(entry), null,
                    $"The federation's CA certificate '{ca.Subject}' is not a CA.");
                ca.Dispose();
                return;
            }

            _ca = ca;
        }
        catch (CryptographicException unreadable)
        {
            Find("certificate", At(entry), null,
                $"The federation's CA certificate is unreadable: {unreadable.Message}");
        }
    }

    private void Enrollment(LedgerEntry entry, PayloadReader payload)
    {
        Enrollments++;
        uint id = payload.U32("participant_id");
        string uri = payload.Text("identity");
        var signingKeyBytes = payload.Bytes("signing_key", Ed25519PublicKey.KeySize);
        var certificate = payload.Bytes("certificate");
        var certificateSignature = payload.Bytes("certificate_signature");
        if (!ParticipantIdentity.TryParseUri(uri, out var identity, out string? problem))
        {
            Find("enrollment", At(entry), null,
                $"Participant {id}'s identity '{uri}' is not one: {problem}");
            return;
        }

        if (identity.Role is not (ParticipantRole.Client or ParticipantRole.Custodian))
        {
            Find("enrollment", At(entry), null,
                $"{identity} enrolled, but only clients and custodians enroll.");
        }

        Ed25519PublicKey signingKey;
        try
        {
            signingKey = Ed25519PublicKey.Import(signingKeyBytes);
        }
        catch (FormatException invalid)
        {
            Find("enrollment", At(entry), null,
                $"{identity}'s signing key is invalid: {invalid.Message}");
            return;
        }

        bool verified = CheckCertificate(
            entry, identity, signingKey, certificate, certificateSignature);
        if (_participants.TryGetValue(id, out var earlier))
        {
            Find("enrollment", At(entry), null,
                $"Participant id {id} is enrolled twice: as {earlier.Identity} (entry " +
                $"{earlier.Entry}) and as {identity}.");
            return;
        }

        if (!_identities.Add(identity))
        {
            Find("enrollment", At(entry), null,
                $"{identity} is enrolled twice, the second time as participant {id}.");
        }

        _participants[id] = new AuditedParticipant(id, identity, signingKey, At(entry), verified);
    }

    // The certificate must chain to the federation's CA and be valid when the appliance
    // enrolled it; its identity must be the enrolled one, role included; and its key must
    // have signed the enrollment statement, which binds the Ed25519 signing key to it, so
    // the appliance cannot have swapped in a signing key of its own.
    private bool CheckCertificate(
        LedgerEntry entry,
        ParticipantIdentity identity,
        Ed25519PublicKey signingKey,
        byte[] der,
        byte[] signature)
    {
        var certificate = LoadUnderCa(entry, der, $"{identity}'s certificate");
        if (certificate is null)
        {
            return false;
        }

        using (certificate)
        {
            var result = TrustAt(entry).Validate(certificate);
            if (!result.IsValid)
            {
                Find("certificate", At(entry), null,
                    $"{identity}'s certificate is not valid under the federation CA at " +
                    $"enrollment: {result.Message}");
                return false;
            }

            if (result.Identity != identity)
            {
                Find("certificate", At(entry), null,
                    $"The enrollment names {identity}, but its certificate names " +
                    $"{result.Identity}.");
                return false;
            }

            if (!EnrollmentStatement.Verify(
                certificate, _federationId!, identity, signingKey.Bytes.Span, signature))
            {
                Find("enrollment", At(entry), null,
                    $"{identity}'s certificate key did not sign its enrolled signing key " +
                    $"{LedgerAudit.Hex(signingKey)}.");
                return false;
            }
        }

        return true;
    }

    // The certificate in der, to be checked against the federation's CA; null, after a
    // finding, when the ledger names no readable CA or the bytes are not a certificate.
    private X509Certificate2? LoadUnderCa(LedgerEntry entry, byte[] der, string whose)
    {
        if (_ca is null || _federationId is null)
        {
            Find("certificate", At(entry), null,
                $"{whose} cannot be checked: the ledger names no readable federation CA.");
            return null;
        }

        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException unreadable)
        {
            Find("certificate", At(entry), null, $"{whose} is unreadable: {unreadable.Message}");
            return null;
        }
    }

    // Certificates are judged at the time the ledger gives the entry that presents them.
    private FederationTrust TrustAt(LedgerEntry entry) =>
        new(_ca!, new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(entry.TimestampUnixMs)));

    private void CustodianKey(LedgerEntry entry, PayloadReader payload)
    {
        uint[] ids = payload.U32Array("custodian_ids");
        int threshold = payload.I32("threshold");
        foreach (uint id in ids)
        {
            if (!IsCustodian(id))
            {
                Find("decryption", At(entry), null,
                    $"The collective key names participant {id}, which is not an enrolled " +
                    "custodian.");
            }
        }

        if (threshold < 1 || threshold > ids.Length || ids.Distinct().Count() != ids.Length)
        {
            Find("decryption", At(entry), null,
                $"The collective key's threshold {threshold} of custodians " +
                $"[{string.Join(", ", ids)}] is impossible.");
        }

        CustodianConfirmations(entry, payload, ids, threshold);
        _custodians = [.. ids];
        _threshold = threshold;
    }

    // Threat model S7: the key HE clients encrypt under must be one every custodian confirmed
    // with its enrolled Ed25519 key (the confirmation transcript of the ceremony, see
    // CollectiveKeyVerifier), not one the appliance chose. The entry carries the ceremony setup
    // and the signatures, so the auditor checks them with only the enrollment entries.
    private void CustodianConfirmations(LedgerEntry entry, PayloadReader payload, uint[] ids, int threshold)
    {
        if (!payload.Has("confirmations"))
        {
            Find("decryption", At(entry), null,
                "The collective key's entry carries no custodian confirmations: nothing shows that " +
                "the custodians confirmed this key rather than one the appliance chose.");
            return;
        }

        var setup = new He.Messages.CeremonySetup(
            payload.Bytes("ceremony_id"), payload.Bytes("parameter_id"), ids, threshold,
            payload.Bytes("common_seed"));
        byte[] hash = payload.Bytes("collective_key_sha256");
        var confirmations = payload.Objects("confirmations")
            .Select(c => new He.Messages.CustodianKeyConfirmation(
                c.U32("custodian_id"), c.Bytes("signature", Ed25519PublicKey.SignatureSize)))
            .ToArray();
        var keys = new Dictionary<uint, Ed25519PublicKey>();
        foreach (uint id in ids)
        {
            // Only keys whose enrollment verified against the federation CA count.
            if (IsCustodian(id) && _participants[id] is { Verified: true } custodian)
            {
                keys[id] = custodian.SigningKey;
            }
        }

        try
        {
            He.CollectiveKeyVerifier.Verify(setup, hash, confirmations, keys);
        }
        catch (ProtocolViolationException refused)
        {
            Find("decryption", At(entry), null,
                $"The custodians' confirmations of the collective key do not verify: {refused.Message}");
        }
    }

    private void RoundOpened(LedgerEntry entry, PayloadReader payload)
    {
        ulong number = payload.U64("round");
        var settings = payload.Object("settings");
        if (settings.U64("round") != number)
        {
            Find("round", At(entry), number,
                $"round.opened for round {number} carries the settings of round " +
                $"{settings.U64("round")}.");
        }

        string mode = settings.Text("mode");
        if (mode is not ("mask" or "he"))
        {
            throw new FormatException($"Round {number}'s mode '{mode}' is neither mask nor he.");
        }

        var mechanism = settings.Has("dp")
            ? RoundMechanism.Read(settings.Object("dp"), settings.I32("bits"))
            : null;
        var round = new AuditedRound(
            number, At(entry), mode == "he", settings.I32("min_clients"),
            settings.I32("min_contributors"), mechanism);
        CheckOpening(entry, round);
        _rounds[number] = round;
        _open = round;
        _lastRound = Math.Max(_lastRound, number);

        round.ClaimedIfCompleted = payload.Double("epsilon_if_completed");
        if (payload.Double("delta") != Delta)
        {
            Find("budget", At(entry), number,
                $"Round {number} is accounted at delta {F(payload.Double("delta"))}, not the " +
                "federation's.");
        }

        if (_budget is null)
        {
            return;
        }

        round.RecomputedIfCompleted = mechanism is null
            ? _budget.Epsilon()
            : _budget.EpsilonWith(mechanism.Curve(round.MinClients));
        if (Understated(round.ClaimedIfCompleted, round.RecomputedIfCompleted))
        {
            Find("budget", At(entry), number,
                $"Round {number} claims epsilon {F(round.ClaimedIfCompleted)} if completed; " +
                $"the auditor's accountant gives {F(round.RecomputedIfCompleted)} with only " +
                $"its minimum of {round.MinClients} clients.");
        }

        if (OverLimit(round.RecomputedIfCompleted))
        {
            Find("budget", At(entry), number,
                $"Round {number} could bring epsilon to {F(round.RecomputedIfCompleted)}, " +
                $"past the federation's limit of {F(EpsilonLimit!.Value)}; the appliance " +
                "should have refused to open it.");
        }
    }

    private void CheckOpening(LedgerEntry entry, AuditedRound round)
    {
        if (_open is { } open)
        {
            Find("round", At(entry), round.Number,
                $"Round {round.Number} opened while round {open.Number} (entry {open.OpenedAt}) " +
                "was still open.");
        }

        if (_rounds.TryGetValue(round.Number, out var earlier))
        {
            Find("round", At(entry), round.Number,
                $"Round {round.Number} opened again; entry {earlier.OpenedAt} opened it first.");
        }
        else if (round.Number != _lastRound + 1)
        {
            Find("round", At(entry), round.Number,
                $"Round {round.Number} opened after round {_lastRound}; rounds are numbered in " +
                "order.");
        }
    }

    private void Contribution(LedgerEntry entry, PayloadReader payload)
    {
        Contributions++;
        ulong number = payload.U64("round");
        uint client = payload.U32("client_id");
        int mode = payload.I32("mode");
        long length = payload.I64("total_length");
        var root = payload.Bytes("root", HashSize);
        var signature = payload.Bytes("signature", Ed25519PublicKey.SignatureSize);
        if (_open is not { } round || round.Number != number)
        {
            Find("round", At(entry), number,
                $"Client {client}'s contribution names round {number}, which is not open at this " +
                "point of the ledger.");
        }
        else
        {
            if (round.Contributions.TryGetValue(client, out long first))
            {
                Find("round", At(entry), number,
                    $"Client {client} contributed twice to round {number} (entries {first} and " +
                    $"{entry.Index}).");
            }
            else
            {
                round.Contributions[client] = At(entry);
            }

            if (mode != (round.He ? ContributionStatement.HeMode : ContributionStatement.MaskMode))
            {
                Find("contribution", At(entry), number,
                    $"Client {client}'s contribution is in mode {mode}; round {number} is " +
                    $"{(round.He ? "he" : "mask")}.");
            }
        }

        CheckContributionSignature(entry, number, client, mode, length, root, signature);
    }

    private void CheckContributionSignature(
        LedgerEntry entry,
        ulong number,
        uint client,
        int mode,
        long length,
        byte[] root,
        byte[] signature)
    {
        string what =
            $"Client {client}'s contribution to round {number} is signed by a non-enrolled key";
        if (!_participants.TryGetValue(client, out var participant))
        {
            Find("contribution", At(entry), number,
                $"{what}: no participant {client} is enrolled before it.");
            return;
        }

        if (participant.Identity.Role != ParticipantRole.Client)
        {
            Find("contribution", At(entry), number,
                $"{what}: participant {client} is enrolled as {participant.Identity}, not as a " +
                "client.");
            return;
        }

        if (_federationId is null
            || mode is not (ContributionStatement.MaskMode or ContributionStatement.HeMode))
        {
            Find("contribution", At(entry), number,
                $"Client {client}'s contribution to round {number} cannot be checked: no " +
                "federation id or no valid mode.");
            return;
        }

        ContributionStatement statement;
        try
        {
            statement = new ContributionStatement(
                _federationId, number, client, (byte)mode, length, root);
        }
        catch (ArgumentException invalid)
        {
            Find("contribution", At(entry), number,
                $"Client {client}'s contribution statement is invalid: {invalid.Message}");
            return;
        }

        if (!statement.Verify(participant.SigningKey, signature))
        {
            Find("contribution", At(entry), number,
                $"{what}: its signature does not verify under the key enrolled for " +
                $"{participant.Identity} (entry {participant.Entry}).");
        }
        else if (!participant.Verified)
        {
            Find("contribution", At(entry), number,
                $"Client {client}'s contribution to round {number} is signed by a key whose " +
                $"enrollment (entry {participant.Entry}) did not verify.");
        }
    }

    private void DecryptionShare(LedgerEntry entry, PayloadReader payload)
    {
        ulong number = payload.U64("round");
        uint custodian = payload.U32("custodian_id");
        int shares = payload.BytesArray("shares_sha256", HashSize).Length;
        _ = payload.Bytes("signature", Ed25519PublicKey.SignatureSize);
        if (_open is not { } round || round.Number != number || !round.He)
        {
            Find("decryption", At(entry), number,
                $"Custodian {custodian}'s decryption share names round {number}, which is not an " +
                "open HE round here.");
            return;
        }

        if (!IsCustodian(custodian) || _custodians is null || !_custodians.Contains(custodian))
        {
            Find("decryption", At(entry), number,
                $"Participant {custodian} sent a decryption share but is not a custodian of the " +
                "collective key.");
        }

        if (round.DecryptionShares.ContainsKey(custodian))
        {
            Find("decryption", At(entry), number,
                $"Custodian {custodian} sent decryption shares twice for round {number}.");
            return;
        }

        if (shares == 0 || round.DecryptionShares.Values.Any(s => s != shares))
        {
            Find("decryption", At(entry), number,
                $"Custodian {custodian} hashed {shares} shares for round {number}; every " +
                "custodian must share each ciphertext of one aggregate.");
        }

        round.DecryptionShares[custodian] = shares;
    }

    private void RoundClosed(LedgerEntry entry, PayloadReader payload)
    {
        ulong number = payload.U64("round");
        uint[] contributors = payload.U32Array("contributors");
        _ = payload.Bytes("aggregate_sha256", HashSize);
        long aggregateLength = payload.I64("aggregate_length");
        double claimed = payload.Double("epsilon_spent");
        if (Finish(entry, number) is not { } round)
        {
            return;
        }

        var distinct = contributors.ToHashSet();
        if (distinct.Count != contributors.Length)
        {
            Find("round", At(entry), number,
                $"Round {number}'s contributors list a client more than once.");
        }

        CheckContributors(entry, round, distinct);
        if (aggregateLength <= 0)
        {
            Find("aggregate", At(entry), number,
                $"Round {number} closed with an aggregate of {aggregateLength} bytes.");
        }

        if (round.He)
        {
            CheckDecryption(entry, round);
        }

        if (payload.Double("delta") != Delta)
        {
            Find("budget", At(entry), number,
                $"Round {number}'s epsilon is stated at delta {F(payload.Double("delta"))}, not " +
                "the federation's.");
        }

        double recomputed = _budget is null ? 0
            : round.Mechanism is null
                ? _budget.Epsilon()
                : _budget.Charge(round.Mechanism.Curve(distinct.Count));
        _perRound.Add(new RoundEpsilon(
            number, round.Mechanism is not null, "closed", round.ClaimedIfCompleted,
            round.RecomputedIfCompleted, distinct.Count, claimed, recomputed));
        if (Understated(claimed, recomputed))
        {
            Find("budget", At(entry), number,
                $"Round {number} claims epsilon {F(claimed)} spent; the auditor's accountant " +
                $"gives {F(recomputed)} " +
                $"with its {distinct.Count} contributors.");
        }

        if (OverLimit(recomputed))
        {
            Find("budget", At(entry), number,
                $"After round {number} epsilon is {F(recomputed)}, past the federation's limit " +
                $"of {F(EpsilonLimit!.Value)}.");
        }
    }

    private void CheckContributors(
        LedgerEntry entry, AuditedRound round, HashSet<uint> contributors)
    {
        ulong number = round.Number;
        var unknown = contributors.Where(c => !round.Contributions.ContainsKey(c)).Order();
        foreach (uint client in unknown)
        {
            Find("round", At(entry), number,
                $"Round {number}'s contributors include client {client}, which has no " +
                "contribution entry in the round.");
        }

        var left = round.Contributions
            .Where(c => !contributors.Contains(c.Key))
            .OrderBy(c => c.Key);
        foreach (var (client, at) in left)
        {
            Find("round", At(entry), number,
                $"Client {client}'s contribution (entry {at}) is missing from round {number}'s " +
                "contributors.");
        }

        // The budget charged a round in advance as if only its minimum of clients
        // contributed; fewer would make that charge too small. HE custodians also require
        // their own minimum.
        int minimum = round.He
            ? Math.Max(round.MinClients, round.MinContributors)
            : round.MinClients;
        if (contributors.Count < minimum)
        {
            Find("round", At(entry), number,
                $"Round {number} closed with {contributors.Count} contributors; its settings " +
                $"require at least {minimum}.");
        }
    }

    private void CheckDecryption(LedgerEntry entry, AuditedRound round)
    {
        if (_custodians is null)
        {
            Find("decryption", At(entry), round.Number,
                $"HE round {round.Number} closed, but the ledger records no collective key.");
        }
        else if (round.DecryptionShares.Count < _threshold)
        {
            Find("decryption", At(entry), round.Number,
                $"HE round {round.Number} closed with decryption shares from " +
                $"{round.DecryptionShares.Count} custodians; the threshold is {_threshold}.");
        }
    }

    private void RoundAborted(LedgerEntry entry, PayloadReader payload)
    {
        ulong number = payload.U64("round");
        _ = payload.Text("reason");
        if (Finish(entry, number) is { } round)
        {
            _perRound.Add(new RoundEpsilon(
                number, round.Mechanism is not null, "aborted", round.ClaimedIfCompleted,
                round.RecomputedIfCompleted, null, null, CumulativeEpsilon));
        }
    }

    private AuditedRound? Finish(LedgerEntry entry, ulong number)
    {
        if (_open is not { } round || round.Number != number)
        {
            Find("round", At(entry), number,
                $"Round {number} ends here, but it is not the open round.");
            return null;
        }

        round.Finished = true;
        _open = null;
        return round;
    }

    private bool Understated(double claimed, double recomputed) =>
        claimed < recomputed * (1 - _tolerance);

    private bool OverLimit(double epsilon) =>
        EpsilonLimit is { } limit && epsilon > limit * (1 + _tolerance);

    private void Find(string check, long? entry, ulong? round, string reason) =>
        _findings.Add(new AuditFinding(check, entry, round, reason));

    private bool IsCustodian(uint id) =>
        _participants.TryGetValue(id, out var participant)
        && participant.Identity.Role == ParticipantRole.Custodian;

    private static long At(LedgerEntry entry) => LedgerAudit.At(entry);

    private static string F(double value) => value.ToString("G7", CultureInfo.InvariantCulture);

    private static string CheckOf(string kind) => kind switch
    {
        "federation.created" => "certificate",
        "enrollment" => "enrollment",
        "contribution" => "contribution",
        "decryption.share" or "custodian.key" => "decryption",
        _ => "round",
    };
}
