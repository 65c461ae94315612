// The appliance's round coordinator: one round at a time, opened by an operator, run by its
// mode's runtime, and recorded in the ledger at every step that an auditor needs
// (round.opened, contribution, round.closed or round.aborted). It also answers the checks
// every round call shares: is this the federation and the round in progress, and is the
// client id in the message the caller's own.

using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using SecureFed.Crypto.Ckks;
using SecureFed.Enclave.Custody;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Ledger;
using SecureFed.Enclave.Metrics;
using SecureFed.Enclave.Services;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Audit;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using V1 = SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He;
using SecureFed.Protocol.Masking;

namespace SecureFed.Enclave.Rounds;

/// <summary>Opens, runs and records rounds; the gRPC services call into it.</summary>
public sealed partial class RoundCoordinator
{
    private readonly EnclaveDatabase _database;
    private readonly ParticipantRegistry _registry;
    private readonly LedgerStore _ledger;
    private readonly ContributionSpool _spool;
    private readonly FederationFacts _facts;
    private readonly PrivacyBudget _budget;
    private readonly EnclaveMetrics _metrics;
    private readonly CkksContext _ckks;
    private readonly CeremonyCoordinatorService _ceremony;
    private readonly ILogger<RoundCoordinator> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, IRoundRuntime> _recent = [];
    private TaskCompletionSource _roundOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IRoundRuntime? _current;
    private ulong _lastRound;

    /// <summary>Creates the coordinator over the appliance's state.</summary>
    public RoundCoordinator(
        EnclaveDatabase database,
        ParticipantRegistry registry,
        LedgerStore ledger,
        ContributionSpool spool,
        FederationFacts facts,
        PrivacyBudget budget,
        EnclaveMetrics metrics,
        CkksContext ckks,
        CeremonyCoordinatorService ceremony,
        ILogger<RoundCoordinator> logger)
    {
        _ckks = ckks;
        _ceremony = ceremony;
        _database = database;
        _registry = registry;
        _ledger = ledger;
        _spool = spool;
        _facts = facts;
        _budget = budget;
        _metrics = metrics;
        _logger = logger;
        _lastRound = RoundRecords.LastRound(database);
    }

    /// <summary>The round in progress, or null.</summary>
    public IRoundRuntime? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>The number of the last round opened, 0 before the first.</summary>
    public ulong LastRound
    {
        get
        {
            lock (_gate)
            {
                return _lastRound;
            }
        }
    }

    /// <summary>Counts a refusal in the metrics.</summary>
    public void CountRejection(RejectionReason reason) => _metrics.Rejected(RejectionNames.Of(reason));

    /// <summary>Refuses a message for another federation.</summary>
    /// <exception cref="RoundRejectedException">The id is not this federation's.</exception>
    public void ExpectFederation(ByteString federationId)
    {
        ArgumentNullException.ThrowIfNull(federationId);
        if (!CryptographicOperations.FixedTimeEquals(federationId.Span, _facts.Id))
        {
            throw new RoundRejectedException(
                RejectionReason.WrongRound, "The message names another federation.");
        }
    }

    /// <summary>
    /// Checks that <paramref name="claimedId"/> is the participant id the caller enrolled
    /// with, and returns it.
    /// </summary>
    /// <exception cref="RoundRejectedException">The caller is not enrolled, or claims another id.</exception>
    public uint BindClient(ServerCallContext context, uint claimedId)
    {
        ArgumentNullException.ThrowIfNull(context);
        var identity = CallerIdentity.Get(context);
        var enrolled = _registry.Find(identity) ?? throw new RoundRejectedException(
            RejectionReason.NotParticipant, $"{identity} is not enrolled.");
        return enrolled.Id == claimedId
            ? claimedId
            : throw new RoundRejectedException(
                RejectionReason.NotParticipant,
                $"The message names client {claimedId}, but the caller enrolled as client {enrolled.Id}.");
    }

    /// <summary>The runtime of <paramref name="round"/>, which must be in progress or recent.</summary>
    /// <exception cref="RoundRejectedException">The round is not this federation's or not known.</exception>
    public IRoundRuntime Find(RoundRef? round)
    {
        if (round is null)
        {
            throw new RoundRejectedException(RejectionReason.WrongRound, "The message names no round.");
        }

        ExpectFederation(round.FederationId);
        lock (_gate)
        {
            return _recent.TryGetValue(round.Round, out var runtime)
                ? runtime
                : throw new RoundRejectedException(
                    RejectionReason.WrongRound,
                    $"Round {round.Round} is not in progress (the last round is {_lastRound}).");
        }
    }

    /// <summary>The mask-mode runtime of <paramref name="round"/>.</summary>
    /// <exception cref="RoundRejectedException">The round is unknown or not in mask mode.</exception>
    public MaskRoundRuntime FindMask(RoundRef? round) => Find(round) as MaskRoundRuntime
        ?? throw new RoundRejectedException(
            RejectionReason.WrongRound, $"Round {round?.Round} is not a mask-mode round.");

    /// <summary>The HE-mode runtime of <paramref name="round"/>.</summary>
    /// <exception cref="RoundRejectedException">The round is unknown or not in HE mode.</exception>
    public HeRoundRuntime FindHe(RoundRef? round) => Find(round) as HeRoundRuntime
        ?? throw new RoundRejectedException(
            RejectionReason.WrongRound, $"Round {round?.Round} is not an HE-mode round.");

    /// <summary>
    /// Long poll: the first open round after <paramref name="afterRound"/>, or a task with
    /// <c>has_task</c> false when none opens within the poll window.
    /// </summary>
    public async Task<RoundTask> WaitForTaskAsync(ulong afterRound, CancellationToken cancellation)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        window.CancelAfter(PollWindow);
        while (true)
        {
            Task opened;
            lock (_gate)
            {
                if (_current is { } current && current.Settings.Round > afterRound
                    && current.CurrentStage == "join")
                {
                    return TaskOf(current.Settings);
                }

                opened = _roundOpened.Task;
            }

            try
            {
                await opened.WaitAsync(window.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                return new RoundTask { HasTask = false };
            }
        }
    }

    /// <summary>How long a task poll waits before it answers that there is none.</summary>
    public static TimeSpan PollWindow { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Opens the next round, with the settings <paramref name="settingsFor"/> makes for its
    /// number, after checking the federation's privacy budget, and starts running it.
    /// </summary>
    /// <exception cref="RoundRejectedException">A round is in progress, or the budget refuses.</exception>
    public (RoundSettings Settings, ulong LedgerIndex) Open(
        Func<ulong, RoundSettings> settingsFor, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(settingsFor);
        IRoundRuntime runtime;
        ulong index;
        lock (_gate)
        {
            if (_current is not null)
            {
                throw new RoundRejectedException(
                    RejectionReason.WrongRound,
                    $"Round {_current.Settings.Round} is still in progress.");
            }

            var settings = settingsFor(_lastRound + 1);
            double epsilonAfter = _budget.EpsilonAfter(settings);
            if (epsilonAfter > _facts.EpsilonLimit)
            {
                throw new RoundRejectedException(
                    RejectionReason.Budget,
                    $"Round {settings.Round} would bring epsilon to {epsilonAfter:G6}, over the " +
                    $"federation's limit of {_facts.EpsilonLimit:G6} at delta {_facts.Delta:G3}.");
            }

            runtime = settings.Mode == ProtectionMode.Mask
                ? new MaskRoundRuntime(settings, _registry.ClientKeys())
                : CreateHeRuntime(settings);
            index = _database.InTransaction(transaction =>
            {
                RoundRecords.Insert(transaction, settings, epsilonAfter);
                return _ledger.Append(transaction, LedgerKinds.RoundOpened, LedgerPayloads.RoundOpened(
                    settings, epsilonAfter, _facts)).Index;
            });

            _lastRound = settings.Round;
            _current = runtime;
            _recent[settings.Round] = runtime;
            foreach (ulong old in _recent.Keys.Where(r => r + RecentRounds <= settings.Round).ToArray())
            {
                _recent.Remove(old);
            }

            _roundOpened.TrySetResult();
            _roundOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _metrics.RoundOpened();
        LogRoundOpened(runtime.Settings.Round, runtime.Settings.Mode.ToString(), runtime.Settings.Dimension);
        _ = Task.Run(() => RunAsync(runtime, stopping), CancellationToken.None);
        return (runtime.Settings, index);
    }

    /// <summary>
    /// Checks an upload's statement before its data is read: this round, this mode, the
    /// expected length, a well-formed root and signature.
    /// </summary>
    /// <exception cref="RoundRejectedException">Any field is wrong.</exception>
    public SignedContribution CheckStatement(V1.SignedContributionStatement statement, ProtectionMode mode, int length)
    {
        ArgumentNullException.ThrowIfNull(statement);
        if (statement.Mode != mode)
        {
            throw new RoundRejectedException(
                RejectionReason.WrongRound, $"The statement is for a {statement.Mode} round.");
        }

        if (statement.TotalLength != (ulong)length)
        {
            throw new RoundRejectedException(
                RejectionReason.WrongLength,
                $"This round's contributions are {length} bytes; the statement says {statement.TotalLength}.");
        }

        if (statement.Root.Length != 32 || statement.Signature.Length != 64)
        {
            throw new RoundRejectedException(
                RejectionReason.WrongLength, "A statement's root is 32 bytes and its signature 64.");
        }

        return new SignedContribution(statement.ToRecord(), statement.Signature.ToByteArray());
    }

    /// <summary>
    /// Checks that <paramref name="data"/> has the statement's root and that the client
    /// signed the statement.
    /// </summary>
    /// <exception cref="RoundRejectedException">The root or the signature does not match.</exception>
    public void CheckCommitment(SignedContribution contribution, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(contribution);
        byte[] root = ContributionCommitment.ComputeRoot(data);
        if (!CryptographicOperations.FixedTimeEquals(root, contribution.Statement.Root.Span))
        {
            throw new RoundRejectedException(
                RejectionReason.Invalid, "The uploaded data does not have the statement's Merkle root.");
        }

        var client = _registry.Find(contribution.Statement.ClientId) ?? throw new RoundRejectedException(
            RejectionReason.NotParticipant, $"Client {contribution.Statement.ClientId} is not enrolled.");
        if (!contribution.Statement.Verify(client.SigningKey, contribution.Signature))
        {
            throw new RoundRejectedException(
                RejectionReason.Invalid, "The contribution statement's signature is not the client's.");
        }
    }

    /// <summary>
    /// Spools a contribution and records its statement in the ledger, in one step; returns
    /// the ledger index. Called by a runtime under its stage lock, before the contribution
    /// enters the aggregate.
    /// </summary>
    public ulong RecordContribution(SignedContribution contribution, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(contribution);
        var statement = contribution.Statement;
        string spooled = _spool.WriteContribution(statement.Round, statement.ClientId, data);
        try
        {
            ulong index = _database.InTransaction(transaction =>
            {
                var entry = _ledger.Append(
                    transaction, LedgerKinds.Contribution, LedgerPayloads.Contribution(contribution));
                RoundRecords.InsertContribution(transaction, contribution, spooled, entry.Index);
                return entry.Index;
            });
            _metrics.ContributionReceived(
                statement.Mode == ContributionStatement.MaskMode ? ProtectionMode.Mask : ProtectionMode.He,
                data.Length);
            return index;
        }
        catch
        {
            _spool.Remove(spooled);
            throw;
        }
    }

    /// <summary>The spooled bytes of <paramref name="clientId"/>'s contribution to a round.</summary>
    /// <exception cref="RoundRejectedException">No such contribution is spooled.</exception>
    public byte[] ContributionBytes(ulong round, uint clientId)
    {
        try
        {
            return _spool.Read(ContributionSpool.ContributionPath(round, clientId));
        }
        catch (Exception missing) when (missing is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RoundRejectedException(
                RejectionReason.NotParticipant, $"Client {clientId} has no contribution spooled for round {round}.");
        }
    }

    /// <summary>The enrolled keys of <paramref name="participants"/>, with their proofs.</summary>
    public IEnumerable<EnrolledKey> EnrolledKeys(IEnumerable<uint> participants) =>
        _registry.EnrolledKeys(participants);

    /// <summary>A receipt for ledger entry <paramref name="index"/>, with a fresh checkpoint.</summary>
    public Receipt Receipt(ulong index) => _ledger.Receipt(index).ToProto();

    /// <summary>Waits for a round's outcome and describes it.</summary>
    public async Task<RoundResult> AwaitResultAsync(RoundRef round, CancellationToken cancellation)
    {
        var runtime = Find(round);
        var outcome = await runtime.Outcome.WaitAsync(cancellation).ConfigureAwait(false);
        var record = await RecordedOutcomeAsync(runtime, cancellation).ConfigureAwait(false);
        var result = new RoundResult
        {
            Round = round,
            Completed = outcome.Completed,
            AbortReason = outcome.AbortReason ?? string.Empty,
            AggregateHash = ByteString.CopyFrom(record.AggregateHash),
            AggregateLength = (ulong)record.AggregateLength,
            EpsilonSpent = record.EpsilonAfter,
            Delta = _facts.Delta,
            Receipt = Receipt(record.LedgerIndex),
        };
        result.Contributors.AddRange(outcome.Contributors);
        return result;
    }

    /// <summary>The aggregate of a completed round, as <c>DownloadAggregate</c> streams it.</summary>
    /// <exception cref="RoundRejectedException">The round did not complete.</exception>
    public async Task<byte[]> AggregateBytesAsync(RoundRef round, CancellationToken cancellation)
    {
        var runtime = Find(round);
        var outcome = await runtime.Outcome.WaitAsync(cancellation).ConfigureAwait(false);
        var record = await RecordedOutcomeAsync(runtime, cancellation).ConfigureAwait(false);
        return outcome.Completed && record.AggregateFile is { } file
            ? _spool.Read(file)
            : throw new RoundRejectedException(
                RejectionReason.WrongRound, $"Round {round.Round} has no aggregate: {outcome.AbortReason}");
    }

    /// <summary>The bytes clients download as a round's aggregate.</summary>
    /// <remarks>
    /// Without DP: each coordinate's residue modulo 2^b, little-endian 64-bit. With DP: the
    /// decoded average update, little-endian 64-bit floating point, model dimension long.
    /// </remarks>
    public static byte[] EncodeAggregate(RoundSettings settings, RoundOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(outcome);
        if (settings.Dp is null)
        {
            var bytes = new byte[outcome.Aggregate.Length * sizeof(ulong)];
            for (int i = 0; i < outcome.Aggregate.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), outcome.Aggregate[i]);
            }

            return bytes;
        }

        double[] average = PrivacyBudget.Codec(settings).DecodeAverage(outcome.Aggregate, outcome.Contributors.Count);
        var encoded = new byte[average.Length * sizeof(double)];
        for (int i = 0; i < average.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(encoded.AsSpan(i * sizeof(double)), average[i]);
        }

        return encoded;
    }

    private const int RecentRounds = 4;

    private HeRoundRuntime CreateHeRuntime(RoundSettings settings)
    {
        var key = _ceremony.CompletedKey ?? throw new RoundRejectedException(
            RejectionReason.WrongRound, "HE mode needs the custodians' collective key first.");
        var aggregator = new HeAggregator(_ckks, settings.Dimension, settings.HeScaleBits);
        // A public-key ciphertext's size depends only on the parameters: measure an empty one.
        int ciphertextBytes = CkksSerializer.GetSerializedSize(new CkksCiphertext(
            new RnsPolynomial(_ckks, isNttForm: true),
            new RnsPolynomial(_ckks, isNttForm: true),
            Math.ScaleB(1, settings.HeScaleBits),
            CkksEncoding.Coefficients));
        return new HeRoundRuntime(
            settings,
            [.. _registry.ClientKeys().Keys],
            key,
            aggregator,
            _ceremony.DecryptAsync)
        {
            CiphertextBytes = ciphertextBytes,
            CustodianKeys = [.. _registry.EnrolledKeys(key.CustodianIds)],
        };
    }

    private readonly Dictionary<ulong, TaskCompletionSource<RecordedOutcome>> _recorded = [];

    private Task<RecordedOutcome> RecordedOutcomeAsync(IRoundRuntime runtime, CancellationToken cancellation)
    {
        lock (_gate)
        {
            return Recorded(runtime.Settings.Round).Task.WaitAsync(cancellation);
        }
    }

    private TaskCompletionSource<RecordedOutcome> Recorded(ulong round)
    {
        if (!_recorded.TryGetValue(round, out var source))
        {
            source = new TaskCompletionSource<RecordedOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            _recorded[round] = source;
        }

        return source;
    }

    private async Task RunAsync(IRoundRuntime runtime, CancellationToken stopping)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await runtime.RunAsync(stopping).ConfigureAwait(false);
        var settings = runtime.Settings;
        RecordedOutcome record;
        try
        {
            record = Persist(settings, outcome);
        }
        catch (Exception error) when (error is IOException or Microsoft.Data.Sqlite.SqliteException
            or InvalidOperationException or ArgumentException)
        {
            LogRoundNotRecorded(error, settings.Round);
            outcome = RoundOutcome.Aborted("The appliance could not record the round's outcome.");
            record = new RecordedOutcome(null, [], 0, _budget.EpsilonSpent(), _ledger.Count - 1);
        }

        if (outcome.Completed)
        {
            _metrics.RoundCompleted();
        }
        else
        {
            _metrics.RoundAborted();
        }

        _metrics.ObserveStageDuration("round", started.Elapsed);
        LogRoundFinished(settings.Round, outcome.Completed, outcome.Contributors.Count, outcome.AbortReason ?? "");
        lock (_gate)
        {
            Recorded(settings.Round).TrySetResult(record);
            if (ReferenceEquals(_current, runtime))
            {
                _current = null;
            }
        }
    }

    private RecordedOutcome Persist(RoundSettings settings, RoundOutcome outcome)
    {
        string? file = null;
        byte[] hash = [];
        long length = 0;
        byte[] sumHash = [];
        byte[]? unmaskingHash = null;
        try
        {
            if (outcome.Completed)
            {
                byte[] aggregate = EncodeAggregate(settings, outcome);
                file = _spool.WriteAggregate(settings.Round, aggregate);
                hash = SHA256.HashData(aggregate);
                length = aggregate.Length;
                (sumHash, unmaskingHash) = SpoolAuditEvidence(settings, outcome);
            }
        }
        finally
        {
            if (outcome.Unmasking is { } seeds)
            {
                CryptographicOperations.ZeroMemory(seeds);
            }
        }

        // An aborted round releases nothing, so it costs the federation nothing, even when
        // noised masked inputs were uploaded (a mask round below min_clients survivors): each
        // is hidden by its self mask, whose seed no honest client reveals for that round.
        // Each client still charges its own budget, as it cannot tell what the appliance did.
        double epsilon = outcome.Completed
            ? _budget.Charge(settings, outcome.Contributors.Count)
            : _budget.EpsilonSpent();
        ulong index = _database.InTransaction(transaction =>
        {
            var entry = outcome.Completed
                ? _ledger.Append(transaction, LedgerKinds.RoundClosed, LedgerPayloads.RoundClosed(
                    settings.Round, outcome.Contributors, hash, length, epsilon, _facts.Delta, sumHash,
                    unmaskingHash))
                : _ledger.Append(transaction, LedgerKinds.RoundAborted, LedgerPayloads.RoundAborted(
                    settings.Round, outcome.AbortReason ?? "unknown"));
            RoundRecords.Close(
                transaction, settings.Round, outcome.Completed, file, hash, epsilon, outcome.Contributors.Count);
            return entry.Index;
        });
        return new RecordedOutcome(file, hash, length, epsilon, index);
    }

    // Spools what an offline auditor needs to spot-check the aggregate (AggregateAudit) and
    // returns the hashes round.closed binds it with. Mask mode: the unmasked sum packed at b
    // bits, and the seeds the unmasking stage revealed, which are safe to keep (see
    // UnmaskingEvidence: the survivors' pairwise masks among themselves stay secret, so no
    // update is revealed beyond the sum). HE mode: the aggregate ciphertexts.
    private (byte[] SumHash, byte[]? UnmaskingHash) SpoolAuditEvidence(RoundSettings settings, RoundOutcome outcome)
    {
        byte[] sum = settings.Mode == ProtectionMode.Mask
            ? PackedVector.Pack(outcome.Aggregate, settings.Bits)
            : outcome.CiphertextSum ?? throw new InvalidOperationException(
                "An HE round completed without its aggregate ciphertexts.");
        _spool.WriteRoundFile(settings.Round, AuditFiles.Sum, sum);
        if (settings.Mode != ProtectionMode.Mask)
        {
            return (SHA256.HashData(sum), null);
        }

        byte[] unmasking = outcome.Unmasking ?? throw new InvalidOperationException(
            "A mask round completed without its unmasking evidence.");
        _spool.WriteRoundFile(settings.Round, AuditFiles.Unmasking, unmasking);
        return (SHA256.HashData(sum), SHA256.HashData(unmasking));
    }

    private RoundTask TaskOf(RoundSettings settings)
    {
        var task = new RoundTask
        {
            HasTask = true,
            Round = new RoundRef { FederationId = ByteString.CopyFrom(_facts.Id), Round = settings.Round },
            Mode = settings.Mode,
            Dimension = (uint)settings.Dimension,
            Bits = (uint)settings.Bits,
            MinClients = (uint)settings.MinClients,
            MaxClients = (uint)settings.MaxClients,
            StageTimeoutMs = (uint)settings.StageTimeoutMs,
            HeScaleBits = (uint)settings.HeScaleBits,
        };
        if (settings.Dp is { } dp)
        {
            task.Dp = new DpSettings
            {
                Noise = dp.Noise == "skellam"
                    ? DpSettings.Types.Noise.Skellam
                    : DpSettings.Types.Noise.DiscreteGaussian,
                NoiseMultiplier = dp.NoiseMultiplier,
                Clip = dp.Clip,
                ExpectedClients = (uint)dp.ExpectedClients,
                Beta = dp.Beta,
                MaxOverflowProbability = dp.MaxOverflowProbability,
                RotationSeed = ByteString.CopyFrom(dp.RotationSeed),
                ModelDimension = (uint)dp.ModelDimension,
            };
        }

        return task;
    }

    private sealed record RecordedOutcome(
        string? AggregateFile, byte[] AggregateHash, long AggregateLength, double EpsilonAfter, ulong LedgerIndex);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Round {Round} opened in {Mode} mode, dimension {Dimension}")]
    private partial void LogRoundOpened(ulong round, string mode, int dimension);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "Round {Round} finished: completed {Completed}, {Contributors} contributors {Reason}")]
    private partial void LogRoundFinished(ulong round, bool completed, int contributors, string reason);

    [LoggerMessage(
        EventId = 2003, Level = LogLevel.Error, Message = "Round {Round}: its outcome could not be recorded")]
    private partial void LogRoundNotRecorded(Exception error, ulong round);
}
