// The appliance's side of HE mode's custodians: it relays the key ceremony (advertisements,
// sealed Shamir shares, confirmations) without being able to open a share, keeps the
// collective public key once every custodian has confirmed the same one, and asks exactly t
// live custodians to decrypt an aggregate, with the signed contributions as evidence. It
// never holds a secret key or a key share: only public keys, sealed boxes and flooded
// decryption shares pass through it.

using System.Security.Cryptography;
using Google.Protobuf;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Ledger;
using SecureFed.Enclave.Rounds;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using V1 = SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He;
using SecureFed.Protocol.He.Messages;
using SecureFed.Protocol.Identity;

namespace SecureFed.Enclave.Custody;

/// <summary>Runs key ceremonies and threshold decryptions with the custodians.</summary>
public sealed partial class CeremonyCoordinatorService
{
    private readonly CkksContext _context;
    private readonly FederationFacts _facts;
    private readonly EnclaveDatabase _database;
    private readonly ParticipantRegistry _registry;
    private readonly LedgerStore _ledger;
    private readonly ILogger<CeremonyCoordinatorService> _logger;
    private readonly Lock _gate = new();
    private ActiveCeremony? _active;
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<uint, TaskCompletionSource<PendingDecryption>> _ready = [];
    private PendingDecryption? _pending;

    /// <summary>Loads the completed collective key, if any.</summary>
    public CeremonyCoordinatorService(
        CkksContext context,
        FederationFacts facts,
        EnclaveDatabase database,
        ParticipantRegistry registry,
        LedgerStore ledger,
        ILogger<CeremonyCoordinatorService> logger)
    {
        _context = context;
        _facts = facts;
        _database = database;
        _registry = registry;
        _ledger = ledger;
        _logger = logger;
        CompletedKey = CeremonyRecords.LoadCompleted(database);
    }

    /// <summary>How long each ceremony step and each decryption may take.</summary>
    public static TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The collective key HE rounds encrypt under, once a ceremony has completed.</summary>
    public CompletedCeremony? CompletedKey { get; private set; }

    /// <summary>Starts a ceremony among enrolled custodians named in <paramref name="request"/>.</summary>
    /// <exception cref="RoundRejectedException">A name is not an enrolled custodian, or t is out of range.</exception>
    public StartCeremonyResponse Start(StartCeremonyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ids = new List<uint>();
        foreach (string name in request.CustodianNames.Distinct(StringComparer.Ordinal))
        {
            if (!ParticipantIdentity.IsValidName(name)
                || _registry.Find(new ParticipantIdentity(ParticipantRole.Custodian, name)) is not { } custodian)
            {
                throw new RoundRejectedException(
                    RejectionReason.NotParticipant, $"'{name}' is not an enrolled custodian.");
            }

            ids.Add(custodian.Id);
        }

        if (ids.Count < 2 || request.Threshold < 1 || request.Threshold > ids.Count)
        {
            throw new RoundRejectedException(
                RejectionReason.Invalid,
                "A ceremony needs at least two custodians and a threshold between 1 and their number.");
        }

        var directory = ids.ToDictionary(id => id, id => _registry.Find(id)!.SigningKey);
        var setup = CeremonyCoordinator.CreateSetup(_context, ids, (int)request.Threshold);
        CeremonyCoordinator coordinator;
        try
        {
            coordinator = new CeremonyCoordinator(_context, setup, directory);
        }
        catch (ProtocolViolationException invalid)
        {
            throw new RoundRejectedException(RejectionReason.Invalid, invalid.Message);
        }

        lock (_gate)
        {
            if (_active is { Completed.Task.IsCompleted: false })
            {
                throw new RoundRejectedException(RejectionReason.WrongRound, "A key ceremony is already in progress.");
            }

            _database.InTransaction(transaction => _ledger.Append(
                transaction, LedgerKinds.CeremonyStarted, EnclaveJson.Bytes(new
                {
                    ceremony_id = setup.CeremonyId,
                    parameter_id = setup.ParameterId,
                    custodian_ids = setup.CustodianIds,
                    threshold = setup.Threshold,
                    common_seed = setup.CommonSeed,
                })));
            _active = new ActiveCeremony(coordinator, directory);
            _started.TrySetResult();
            _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        LogCeremonyStarted(ids.Count, setup.Threshold);
        var response = new StartCeremonyResponse { CeremonyId = ByteString.CopyFrom(setup.CeremonyId) };
        response.CustodianIds.AddRange(setup.CustodianIds);
        return response;
    }

    /// <summary>Long poll: the ceremony <paramref name="custodianId"/> is part of.</summary>
    public async Task<V1.CeremonySetup> AwaitCeremonyAsync(uint custodianId, CancellationToken cancellation)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        window.CancelAfter(RoundCoordinator.PollWindow);
        while (true)
        {
            Task started;
            lock (_gate)
            {
                if (_active is { } active && !active.Completed.Task.IsCompleted
                    && active.Directory.ContainsKey(custodianId))
                {
                    var setup = active.Coordinator.Setup;
                    return setup.ToProto(_registry.EnrolledKeys(setup.CustodianIds));
                }

                started = _started.Task;
            }

            try
            {
                await started.WaitAsync(window.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                return new V1.CeremonySetup { HasCeremony = false };
            }
        }
    }

    /// <summary>Round 1: takes an advertisement and returns all of them once every custodian's is in.</summary>
    public async Task<CustodianAdvertisements> AdvertiseAsync(
        Protocol.He.Messages.CustodianAdvertisement advert, CancellationToken cancellation)
    {
        var active = Active(advert.CeremonyId, advert.CustodianId);
        Take(() => active.Coordinator.AddAdvertisement(advert));
        if (active.Coordinator.AllAdvertised)
        {
            active.Advertised.TrySetResult();
        }

        await active.Advertised.Task.WaitAsync(StepTimeout, cancellation).ConfigureAwait(false);
        var all = new CustodianAdvertisements();
        all.Advertisements.AddRange(active.Coordinator.Advertisements.Select(a => a.ToProto()));
        return all;
    }

    /// <summary>Round 2: takes sealed shares and returns those sealed for the sender.</summary>
    public async Task<CustodianSealedShares> ShareAsync(CustodianShares shares, CancellationToken cancellation)
    {
        var active = Active(shares.CeremonyId, shares.CustodianId);
        Take(() => active.Coordinator.AddShares(shares));
        if (active.Coordinator.AllSharesReceived)
        {
            active.Shared.TrySetResult();
        }

        await active.Shared.Task.WaitAsync(StepTimeout, cancellation).ConfigureAwait(false);
        return active.Coordinator.SharesFor(shares.CustodianId).ToProto(shares.CeremonyId, shares.CustodianId);
    }

    /// <summary>Round 3: takes a confirmation; once all agree, records the collective key.</summary>
    public async Task<CeremonyOutcome> ConfirmAsync(CeremonyConfirmation confirmation, CancellationToken cancellation)
    {
        var active = Active(confirmation.CeremonyId, confirmation.CustodianId);
        Take(() => active.Coordinator.AddConfirmation(confirmation));
        if (active.Coordinator.IsComplete)
        {
            Complete(active);
        }

        ulong index = await active.Completed.Task.WaitAsync(StepTimeout, cancellation).ConfigureAwait(false);
        return new CeremonyOutcome
        {
            Completed = true,
            CollectiveKeyHash = ByteString.CopyFrom(active.Coordinator.PublicKeyHash.Span),
            Receipt = _ledger.Receipt(index).ToProto(),
        };
    }

    /// <summary>
    /// Long poll: waits until this custodian is asked to decrypt, and returns the request.
    /// Returns null when no request came within the poll window.
    /// </summary>
    public async Task<DecryptionRequest?> AwaitDecryptionAsync(uint custodianId, CancellationToken cancellation)
    {
        var key = CompletedKey ?? throw new RoundRejectedException(
            RejectionReason.WrongRound, "There is no collective key to decrypt under.");
        if (!key.CustodianIds.Contains(custodianId))
        {
            throw new RoundRejectedException(
                RejectionReason.NotParticipant, $"Custodian {custodianId} is not in the key's committee.");
        }

        TaskCompletionSource<PendingDecryption> waiter;
        lock (_gate)
        {
            if (_pending is { } pending && pending.Request.Participants.Contains(custodianId)
                && !pending.Responses.ContainsKey(custodianId))
            {
                return pending.Request;
            }

            if (!_ready.TryGetValue(custodianId, out waiter!) || waiter.Task.IsCompleted)
            {
                waiter = new TaskCompletionSource<PendingDecryption>(
                    TaskCreationOptions.RunContinuationsAsynchronously);
                _ready[custodianId] = waiter;
            }
        }

        try
        {
            var assigned = await waiter.Task.WaitAsync(RoundCoordinator.PollWindow, cancellation).ConfigureAwait(false);
            return assigned.Request;
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                if (_ready.TryGetValue(custodianId, out var current) && ReferenceEquals(current, waiter))
                {
                    _ready.Remove(custodianId);
                }
            }

            return null;
        }
    }

    /// <summary>
    /// The evidence of round <paramref name="round"/>'s decryption, while it is pending for
    /// <paramref name="custodianId"/>: the custodian is among the chosen ones and has not
    /// sent its share yet. Contributions are opened for it only then.
    /// </summary>
    /// <exception cref="RoundRejectedException">No such decryption is pending for it.</exception>
    public IReadOnlyList<ContributionEvidence> PendingEvidence(uint custodianId, ulong round)
    {
        lock (_gate)
        {
            if (_pending is { } pending && pending.Request.Round == round
                && pending.Request.Participants.Contains(custodianId)
                && !pending.Responses.ContainsKey(custodianId))
            {
                return pending.Request.Evidence;
            }
        }

        throw new RoundRejectedException(
            RejectionReason.WrongRound, $"Custodian {custodianId} has no decryption pending for round {round}.");
    }

    /// <summary>Takes one custodian's signed decryption share of the pending request.</summary>
    /// <exception cref="RoundRejectedException">No request is pending for it, or it answered already.</exception>
    public ulong AcceptShare(DecryptionResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        lock (_gate)
        {
            var pending = _pending;
            if (pending is null || pending.Request.Round != response.Round
                || !pending.Request.Participants.Contains(response.CustodianId))
            {
                throw new RoundRejectedException(
                    RejectionReason.WrongRound,
                    $"Custodian {response.CustodianId} has no decryption pending for round {response.Round}.");
            }

            if (pending.Responses.ContainsKey(response.CustodianId))
            {
                throw new RoundRejectedException(
                    RejectionReason.Replay, $"Custodian {response.CustodianId} already sent its share.");
            }

            var entry = _database.InTransaction(transaction => _ledger.Append(
                transaction, LedgerKinds.DecryptionShare, EnclaveJson.Bytes(new
                {
                    round = response.Round,
                    custodian_id = response.CustodianId,
                    shares_sha256 = response.Shares.Select(SHA256.HashData).ToArray(),
                    signature = response.Signature,
                })));
            pending.Responses[response.CustodianId] = response;
            if (pending.Responses.Count == pending.Request.Participants.Count)
            {
                pending.AllIn.TrySetResult();
            }

            return entry.Index;
        }
    }

    /// <summary>
    /// Decrypts an HE round's aggregate with t live custodians and returns the exact integer
    /// sum (see <see cref="AggregateDecryption"/>).
    /// </summary>
    public async Task<long[]> DecryptAsync(
        RoundSettings settings,
        IReadOnlyList<byte[]> aggregate,
        IReadOnlyList<ContributionEvidence> evidence,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var key = CompletedKey ?? throw new RoundAbortedException("There is no collective key.");
        var chosen = await ChooseCustodiansAsync(key, settings.StageTimeout, cancellation).ConfigureAwait(false);
        var request = new DecryptionRequest(key.CeremonyId, settings.Round, aggregate, chosen, evidence);
        var pending = new PendingDecryption(request);
        lock (_gate)
        {
            _pending = pending;
            foreach (uint id in chosen)
            {
                _ready.Remove(id, out var waiter);
                waiter?.TrySetResult(pending);
            }
        }

        try
        {
            await pending.AllIn.Task.WaitAsync(settings.StageTimeout, cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new RoundAbortedException(
                $"Only {pending.Responses.Count} of the {chosen.Length} chosen custodians sent decryption "
                + "shares in time.");
        }
        finally
        {
            lock (_gate)
            {
                _pending = null;
            }
        }

        var custodians = key.CustodianIds.ToDictionary(id => id, id => _registry.Find(id)!.SigningKey);
        var combiner = new ThresholdCombiner(
            new HeAggregateDecoder(_context, settings.Dimension, settings.HeScaleBits), custodians);
        try
        {
            return combiner.Combine(request, [.. pending.Responses.Values]);
        }
        catch (ProtocolViolationException invalid)
        {
            throw new RoundAbortedException($"The custodians' shares do not combine: {invalid.Message}");
        }
    }

    private async Task<uint[]> ChooseCustodiansAsync(
        CompletedCeremony key, TimeSpan deadline, CancellationToken cancellation)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            lock (_gate)
            {
                var live = _ready.Where(kv => !kv.Value.Task.IsCompleted).Select(kv => kv.Key).Order().ToArray();
                if (live.Length >= key.Threshold)
                {
                    return live[..key.Threshold];
                }
            }

            if (DateTime.UtcNow >= until)
            {
                throw new RoundAbortedException(
                    $"Fewer than {key.Threshold} custodians were ready to decrypt within the stage deadline.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellation).ConfigureAwait(false);
        }
    }

    private void Complete(ActiveCeremony active)
    {
        lock (_gate)
        {
            if (active.Completed.Task.IsCompleted)
            {
                return;
            }

            var setup = active.Coordinator.Setup;
            byte[] publicKey = active.Coordinator.PublicKeyBytes.ToArray();
            byte[] hash = active.Coordinator.PublicKeyHash.ToArray();
            var confirmations = active.Coordinator.Confirmations;
            var entry = _database.InTransaction(transaction =>
            {
                CeremonyRecords.InsertCompleted(transaction, setup, publicKey, hash, confirmations);

                // The setup fields and every custodian's signature let an auditor recompute
                // the setup hash and check that each custodian confirmed this key (S7).
                return _ledger.Append(transaction, LedgerKinds.CustodianKey, EnclaveJson.Bytes(new
                {
                    ceremony_id = setup.CeremonyId,
                    custodian_ids = setup.CustodianIds,
                    threshold = setup.Threshold,
                    collective_key_sha256 = hash,
                    parameter_id = setup.ParameterId,
                    common_seed = setup.CommonSeed,
                    confirmations = confirmations.Select(c => new
                    {
                        custodian_id = c.CustodianId,
                        signature = c.Signature,
                    }).ToArray(),
                }));
            });
            CompletedKey = new CompletedCeremony(
                setup.CeremonyId, publicKey, hash, setup.CustodianIds, setup.Threshold, setup, confirmations);
            active.Completed.TrySetResult(entry.Index);
        }

        LogCeremonyCompleted(Convert.ToHexString(CompletedKey!.Hash));
    }

    private ActiveCeremony Active(byte[] ceremonyId, uint custodianId)
    {
        lock (_gate)
        {
            if (_active is not { } active
                || !CryptographicOperations.FixedTimeEquals(active.Coordinator.Setup.CeremonyId, ceremonyId))
            {
                throw new RoundRejectedException(
                    RejectionReason.WrongRound, "The message names no ceremony in progress.");
            }

            return active.Directory.ContainsKey(custodianId)
                ? active
                : throw new RoundRejectedException(
                    RejectionReason.NotParticipant, $"Custodian {custodianId} is not in this ceremony.");
        }
    }

    private static void Take(Action add)
    {
        try
        {
            add();
        }
        catch (ProtocolViolationException violation)
        {
            throw new RoundRejectedException(RejectionReason.Invalid, violation.Message);
        }
    }

    private sealed class ActiveCeremony(
        CeremonyCoordinator coordinator, IReadOnlyDictionary<uint, Ed25519PublicKey> directory)
    {
        public CeremonyCoordinator Coordinator { get; } = coordinator;

        public IReadOnlyDictionary<uint, Ed25519PublicKey> Directory { get; } = directory;

        public TaskCompletionSource Advertised { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Shared { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<ulong> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class PendingDecryption(DecryptionRequest request)
    {
        public DecryptionRequest Request { get; } = request;

        public Dictionary<uint, DecryptionResponse> Responses { get; } = [];

        public TaskCompletionSource AllIn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Key ceremony started with {Custodians} custodians, threshold {Threshold}")]
    private partial void LogCeremonyStarted(int custodians, int threshold);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information,
        Message = "Key ceremony completed; collective key SHA-256 {Hash}")]
    private partial void LogCeremonyCompleted(string hash);
}
