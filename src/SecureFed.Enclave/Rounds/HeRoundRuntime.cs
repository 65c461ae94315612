// An HE-mode round as the appliance runs it. Clients join, then each uploads its integer
// vector encrypted under the custodians' collective key; the appliance adds the
// ciphertexts as they arrive (HeAggregator: memory O(model), never O(clients × model)) and
// never holds a key that decrypts any of them. When the contribution stage closes, t
// custodians decrypt the aggregate (and only the aggregate) with flooded shares, given the
// signed contribution statements as evidence; the appliance combines the shares into the
// exact integer sum.

using Google.Protobuf;
using SecureFed.Protocol;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Enclave.Rounds;

/// <summary>Decrypts an HE round's aggregate with the custodians; returns the integer sum.</summary>
public delegate Task<long[]> AggregateDecryption(
    RoundSettings settings,
    IReadOnlyList<byte[]> aggregate,
    IReadOnlyList<ContributionEvidence> evidence,
    CancellationToken cancellation);

/// <summary>One HE-mode round: joining, contributions, threshold decryption.</summary>
public sealed class HeRoundRuntime : IRoundRuntime
{
    private readonly RoundSettings _settings;
    private readonly IReadOnlyCollection<uint> _enrolled;
    private readonly CompletedCeremony _key;
    private readonly HeAggregator _aggregator;
    private readonly AggregateDecryption _decrypt;
    private readonly JoinStage _join;
    private readonly TaskCompletionSource<HeSetup> _setup =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<RoundOutcome> _outcome =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<uint, ContributionEvidence> _evidence = [];
    private readonly Lock _submitGate = new();
    private Stage<bool>? _contribute;
    private bool _unrecorded;

    /// <summary>Creates the round over the federation's collective key.</summary>
    public HeRoundRuntime(
        RoundSettings settings,
        IReadOnlyCollection<uint> enrolledClients,
        CompletedCeremony key,
        HeAggregator aggregator,
        AggregateDecryption decrypt)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(enrolledClients);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(aggregator);
        ArgumentNullException.ThrowIfNull(decrypt);
        _settings = settings;
        _enrolled = enrolledClients;
        _key = key;
        _aggregator = aggregator;
        _decrypt = decrypt;
        _join = new JoinStage(settings.MaxClients);
    }

    /// <inheritdoc />
    public RoundSettings Settings => _settings;

    /// <inheritdoc />
    public string CurrentStage { get; private set; } = "join";

    /// <inheritdoc />
    public Task<RoundOutcome> Outcome => _outcome.Task;

    /// <summary>The collective public key, serialized, that contributions are encrypted under.</summary>
    public byte[] CollectiveKey => _key.PublicKey;

    /// <summary>Bytes of one client's upload: its ciphertexts, concatenated.</summary>
    public int ContributionLength => checked(_aggregator.CiphertextCount * CiphertextBytes);

    /// <summary>Bytes of one serialized ciphertext of this round.</summary>
    public int CiphertextBytes { get; init; }

    /// <summary>
    /// The enrolled keys (certificate and enrollment signature) of the ceremony's custodians,
    /// which clients need to check the custodians' confirmations of the collective key.
    /// </summary>
    public IReadOnlyList<EnrolledKey> CustodianKeys { get; init; } = [];

    /// <summary>Joins <paramref name="clientId"/> and waits for the participant set.</summary>
    public async Task<HeSetup> JoinAsync(uint clientId, CancellationToken cancellation)
    {
        if (!_enrolled.Contains(clientId))
        {
            throw new RoundRejectedException(RejectionReason.NotParticipant, $"Client {clientId} is not enrolled.");
        }

        if (!_join.TryJoin(clientId))
        {
            throw new RoundRejectedException(
                RejectionReason.NotParticipant, $"Round {_settings.Round} is full or closed.");
        }

        var setup = await _setup.Task.WaitAsync(cancellation).ConfigureAwait(false);
        return setup.Participants.Contains(clientId)
            ? setup
            : throw new RoundRejectedException(
                RejectionReason.NotParticipant, $"Client {clientId} is not a participant of round {_settings.Round}.");
    }

    /// <summary>
    /// Checks one client's ciphertexts, records them in <paramref name="journal"/> and adds
    /// them into the aggregate. Returns the journal's ledger index.
    /// </summary>
    public ulong AcceptContribution(SignedContribution contribution, byte[] data, Func<ulong> journal)
    {
        ArgumentNullException.ThrowIfNull(contribution);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(journal);
        uint client = contribution.Statement.ClientId;
        var stage = _contribute;
        if (stage is null || stage.IsClosed)
        {
            throw new RoundRejectedException(
                RejectionReason.WrongRound, $"Round {_settings.Round} is not taking contributions now.");
        }

        if (!stage.Expects(client))
        {
            throw new RoundRejectedException(
                RejectionReason.NotParticipant, $"Client {client} is not a participant of round {_settings.Round}.");
        }

        var ciphertexts = Split(data);
        lock (_submitGate)
        {
            if (stage.IsClosed)
            {
                throw new RoundRejectedException(RejectionReason.WrongRound, "The contribution stage has closed.");
            }

            if (_evidence.ContainsKey(client))
            {
                throw new RoundRejectedException(
                    RejectionReason.Replay, $"Client {client} already contributed to round {_settings.Round}.");
            }

            // The aggregator checks every ciphertext before it adds any, so a refusal leaves
            // the sum as it was. A contribution in the sum that the journal then fails to
            // record would make the ledger disagree with the aggregate: the round is marked
            // to abort instead of ever decrypting such a sum.
            try
            {
                _aggregator.Add(client, ciphertexts);
            }
            catch (ProtocolViolationException violation)
            {
                throw new RoundRejectedException(RejectionReason.Invalid, violation.Message);
            }

            ulong index;
            try
            {
                index = journal();
            }
            catch
            {
                _unrecorded = true;
                throw;
            }

            _evidence[client] = new ContributionEvidence(
                client, contribution.Statement.Root.ToArray(), (ulong)contribution.Statement.TotalLength,
                contribution.Signature);
            stage.MarkSubmitted(client);
            return index;
        }
    }

    /// <inheritdoc />
    public async Task<RoundOutcome> RunAsync(CancellationToken cancellation)
    {
        try
        {
            var outcome = await RunStagesAsync(cancellation).ConfigureAwait(false);
            _outcome.TrySetResult(outcome);
            return outcome;
        }
        catch (Exception error) when (error is RoundAbortedException or ProtocolViolationException
            or InvalidOperationException or OperationCanceledException)
        {
            string reason = error is OperationCanceledException ? "The appliance is shutting down." : error.Message;
            _setup.TrySetException(new RoundAbortedException(reason));
            _contribute?.Fail(new RoundAbortedException(reason));
            CurrentStage = "aborted";
            var outcome = RoundOutcome.Aborted(reason);
            _outcome.TrySetResult(outcome);
            return outcome;
        }
    }

    private async Task<RoundOutcome> RunStagesAsync(CancellationToken cancellation)
    {
        uint[] participants = await _join.CloseAsync(_settings.JoinTimeout, cancellation).ConfigureAwait(false);
        if (participants.Length < _settings.MinClients)
        {
            throw new RoundAbortedException(
                $"Only {participants.Length} clients joined; the round needs {_settings.MinClients}.");
        }

        _contribute = new Stage<bool>("contribute", participants);
        CurrentStage = _contribute.Name;
        var setup = new HeSetup
        {
            CollectiveKeyHash = ByteString.CopyFrom(_key.Hash),
            CkksParameterId = ByteString.CopyFrom(_aggregator.Context.Parameters.ParameterId),
            CiphertextCount = (uint)_aggregator.CiphertextCount,
            ScaleBits = (uint)_settings.HeScaleBits,
            Ceremony = _key.Setup.ToProto(CustodianKeys),
        };
        setup.Confirmations.AddRange(_key.Confirmations.Select(c => c.ToProto()));
        setup.Participants.AddRange(participants);
        _join.Publish(participants);
        _setup.TrySetResult(setup);

        await _contribute.WaitForSubmissionsAsync(_settings.StageTimeout, cancellation).ConfigureAwait(false);
        ContributionEvidence[] evidence;
        IReadOnlyList<byte[]> aggregate;
        lock (_submitGate)
        {
            _contribute.Close(true);
            evidence = [.. _evidence.Values.OrderBy(e => e.ClientId)];
            aggregate = _aggregator.Aggregate;
        }

        if (_unrecorded)
        {
            throw new RoundAbortedException("A contribution in the aggregate could not be recorded in the ledger.");
        }

        if (evidence.Length < _settings.MinContributors)
        {
            throw new RoundAbortedException(
                $"Only {evidence.Length} clients contributed; the custodians require {_settings.MinContributors}.");
        }

        // The budgets (the appliance's at opening, each client's own) assumed at least
        // min_clients noise shares in the sum; fewer would release a less noisy aggregate than
        // was charged for, so the round ends here, before anything is decrypted.
        if (evidence.Length < _settings.MinClients)
        {
            throw new RoundAbortedException(
                $"Only {evidence.Length} clients contributed, below the round's min_clients of " +
                $"{_settings.MinClients}; nothing is decrypted.");
        }

        CurrentStage = "decrypt";
        long[] sum = await _decrypt(_settings, aggregate, evidence, cancellation).ConfigureAwait(false);
        ulong mask = _settings.Bits == 64 ? ulong.MaxValue : (1UL << _settings.Bits) - 1;
        var residues = new ulong[sum.Length];
        for (int i = 0; i < sum.Length; i++)
        {
            residues[i] = unchecked((ulong)sum[i]) & mask;
        }

        CurrentStage = "finished";
        return new RoundOutcome(true, null, [.. evidence.Select(e => e.ClientId)], residues)
        {
            CiphertextSum = [.. aggregate.SelectMany(ciphertext => ciphertext)],
        };
    }

    private byte[][] Split(byte[] data)
    {
        if (data.Length != ContributionLength)
        {
            throw new RoundRejectedException(
                RejectionReason.WrongLength, $"An HE contribution of this round is {ContributionLength} bytes.");
        }

        var ciphertexts = new byte[_aggregator.CiphertextCount][];
        for (int i = 0; i < ciphertexts.Length; i++)
        {
            ciphertexts[i] = data.AsSpan(i * CiphertextBytes, CiphertextBytes).ToArray();
        }

        return ciphertexts;
    }
}
