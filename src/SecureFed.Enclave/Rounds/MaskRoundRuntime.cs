// A mask-mode round (SecAgg+, Bell et al. CCS 2020, on Bonawitz et al. CCS 2017) as the
// appliance runs it over the network: the transport-free MaskServer does the protocol, and
// this class adds what the network needs: who is expected in each stage, the stage
// deadlines after which silent clients are dropouts, and waiting for a stage's output.
//
// Every client call either is refused (RoundRejectedException, nothing changed) or is taken
// and then waits for the stage to close. Masked inputs are recorded in the journal (spool
// and ledger) before they enter the running sum, under the same lock that closes the stage,
// so the ledger lists exactly the contributions in the sum.
//
// min_clients bounds the survivors as well as the joiners: the federation's budget and each
// client's own were charged for that many noise shares in the sum, so a masked-input stage
// that ends with fewer survivors aborts the round before any share is asked for.

using SecureFed.Crypto.Signatures;
using SecureFed.Protocol;
using SecureFed.Protocol.Masking;
using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Enclave.Rounds;

/// <summary>One mask-mode round: its stages, deadlines and outcome.</summary>
public sealed class MaskRoundRuntime : IRoundRuntime
{
    private readonly RoundSettings _settings;
    private readonly IReadOnlyDictionary<uint, Ed25519PublicKey> _directory;
    private readonly JoinStage _join;
    private readonly TaskCompletionSource<MaskRoundSetup> _setup =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<RoundOutcome> _outcome =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _submitGate = new();
    private MaskServer? _server;
    private Stage<AdvertisedKeys>? _advertise;
    private Stage<IReadOnlyDictionary<uint, ForwardedShares>>? _share;
    private Stage<ConsistencyCheckRequest>? _mask;
    private Stage<UnmaskRequest>? _consistency;
    private Stage<bool>? _unmask;

    /// <summary>Creates the round; <paramref name="directory"/> holds enrolled clients' keys.</summary>
    public MaskRoundRuntime(RoundSettings settings, IReadOnlyDictionary<uint, Ed25519PublicKey> directory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(directory);
        _settings = settings;
        _directory = directory;
        _join = new JoinStage(settings.MaxClients);
    }

    /// <summary>The round's settings.</summary>
    public RoundSettings Settings => _settings;

    /// <summary>The stage the round is in, for status and metrics.</summary>
    public string CurrentStage { get; private set; } = "join";

    /// <summary>The round's outcome, once it has finished or aborted.</summary>
    public Task<RoundOutcome> Outcome => _outcome.Task;

    /// <summary>Joins <paramref name="clientId"/> and waits for the round's setup.</summary>
    public async Task<MaskRoundSetup> JoinAsync(uint clientId, CancellationToken cancellation)
    {
        if (!_directory.ContainsKey(clientId))
        {
            throw new RoundRejectedException(
                RejectionReason.NotParticipant, $"Client {clientId} is not enrolled.");
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
                RejectionReason.NotParticipant,
                $"Client {clientId} is not a participant of round {_settings.Round}.");
    }

    /// <summary>Stage 1: takes an advertisement and returns every advertisement.</summary>
    public Task<AdvertisedKeys> AdvertiseAsync(AdvertiseKeys message, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stage = Require(_advertise, message.ClientId);
        Submit(stage, message.ClientId, () => _server!.ReceiveAdvertisement(message));
        return stage.Output.WaitAsync(cancellation);
    }

    /// <summary>Stage 2: takes sealed shares and returns those sealed for the sender.</summary>
    public async Task<ForwardedShares> ShareAsync(ShareKeys message, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stage = Require(_share, message.ClientId);
        Submit(stage, message.ClientId, () => _server!.ReceiveShareKeys(message));
        var forwarded = await stage.Output.WaitAsync(cancellation).ConfigureAwait(false);
        return forwarded.TryGetValue(message.ClientId, out var mine)
            ? mine
            : throw new RoundRejectedException(
                RejectionReason.NotParticipant,
                $"No neighbour of client {message.ClientId} shared keys with it.");
    }

    /// <summary>
    /// Stage 3: checks a masked input, records it in <paramref name="journal"/>, then adds it
    /// to the running sum. Returns the journal's ledger index.
    /// </summary>
    public ulong AcceptMaskedInput(MaskedInput message, Func<ulong> journal)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(journal);
        var stage = Require(_mask, message.ClientId);
        int expected = PackedVector.ByteLength(_settings.Dimension, _settings.Bits);
        if (message.PackedVector is null || message.PackedVector.Length != expected)
        {
            throw new RoundRejectedException(
                RejectionReason.WrongLength,
                $"A masked input of round {_settings.Round} is {expected} bytes.");
        }

        if (!PackedVector.IsWellFormed(message.PackedVector, _settings.Dimension, _settings.Bits))
        {
            throw new RoundRejectedException(
                RejectionReason.Invalid, "The masked input's padding bits are not zero.");
        }

        ulong index = 0;
        Submit(stage, message.ClientId, () =>
        {
            index = journal();
            _server!.ReceiveMaskedInput(message);
        });
        return index;
    }

    /// <summary>Stage 4, first half: waits for the survivor set.</summary>
    public Task<ConsistencyCheckRequest> AwaitSurvivorsAsync(uint clientId, CancellationToken cancellation)
    {
        var stage = _mask ?? throw NotYet();
        if (!stage.Expects(clientId))
        {
            throw new RoundRejectedException(
                RejectionReason.NotParticipant, $"Client {clientId} has no part in this stage.");
        }

        return stage.Output.WaitAsync(cancellation);
    }

    /// <summary>Stage 4: takes a survivor-set signature and returns the unmask request.</summary>
    public Task<UnmaskRequest> SignAsync(ConsistencySignature message, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stage = Require(_consistency, message.ClientId);
        Submit(stage, message.ClientId, () => _server!.ReceiveConsistencySignature(message));
        return stage.Output.WaitAsync(cancellation);
    }

    /// <summary>Stage 5: takes a client's revealed shares.</summary>
    public void AcceptUnmask(UnmaskResponse message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stage = Require(_unmask, message.ClientId);
        Submit(stage, message.ClientId, () => _server!.ReceiveUnmaskResponse(message));
    }

    /// <summary>
    /// Runs the round from joining to its outcome. Aborts (never throws) when too few clients
    /// take part or the protocol cannot finish.
    /// </summary>
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
            string reason = error is OperationCanceledException
                ? "The appliance is shutting down."
                : error.Message;
            var aborted = new RoundAbortedException(reason);
            _setup.TrySetException(aborted);
            _advertise?.Fail(aborted);
            _share?.Fail(aborted);
            _mask?.Fail(aborted);
            _consistency?.Fail(aborted);
            _unmask?.Fail(aborted);

            CurrentStage = "aborted";
            var outcome = RoundOutcome.Aborted(reason);
            _outcome.TrySetResult(outcome);
            return outcome;
        }
    }

    private async Task<RoundOutcome> RunStagesAsync(CancellationToken cancellation)
    {
        uint[] participants = await _join.CloseAsync(_settings.JoinTimeout, cancellation)
            .ConfigureAwait(false);
        if (participants.Length < Math.Max(2, _settings.MinClients))
        {
            throw new RoundAbortedException(
                $"Only {participants.Length} clients joined; the round needs {_settings.MinClients}.");
        }

        var parameters = SecAggParameterFinder.Find(
            participants.Length, _settings.DropoutRate, _settings.CorruptRate);
        var setup = MaskServer.CreateSetup(
            _settings.Round, _settings.Dimension, _settings.Bits, parameters, participants);
        var keys = participants.ToDictionary(id => id, id => _directory[id]);
        // min_clients is checked again on the survivors: the budgets charged the round for
        // that many noise shares, and joining is not contributing.
        _server = new MaskServer(setup, keys)
        {
            KeepUnmaskingEvidence = true,
            MinSurvivors = _settings.MinClients,
        };
        _advertise = new Stage<AdvertisedKeys>("advertise", participants);
        CurrentStage = _advertise.Name;
        _join.Publish(participants);
        _setup.TrySetResult(setup);

        await CloseAsync(
            _advertise,
            _server.CloseAdvertising,
            advertised => _share = Open(new Stage<IReadOnlyDictionary<uint, ForwardedShares>>(
                "share", advertised.Keys.Select(k => k.ClientId))),
            cancellation).ConfigureAwait(false);
        await CloseAsync(
            _share!,
            () => _server.CloseSharing().ToDictionary(f => f.Recipient),
            _ => _mask = Open(new Stage<ConsistencyCheckRequest>("mask", _share!.Submitted)),
            cancellation).ConfigureAwait(false);
        await CloseAsync(
            _mask!,
            _server.CloseMasking,
            check => _consistency = Open(new Stage<UnmaskRequest>("consistency", check.Survivors)),
            cancellation).ConfigureAwait(false);
        await CloseAsync(
            _consistency!,
            _server.CloseConsistencyCheck,
            unmask => _unmask = Open(new Stage<bool>("unmask", unmask.Signatures.Select(s => s.ClientId))),
            cancellation).ConfigureAwait(false);

        await _unmask!.WaitForSubmissionsAsync(_settings.StageTimeout, cancellation).ConfigureAwait(false);
        MaskRoundResult result;
        lock (_submitGate)
        {
            result = _server.Finish();
            _unmask.Close(true);
        }

        // The seeds leave here only serialized, for the coordinator to spool and clear.
        byte[]? unmasking;
        using (result.Unmasking)
        {
            unmasking = result.Unmasking?.Serialize();
        }

        CurrentStage = "finished";
        return new RoundOutcome(true, null, result.Survivors, result.Sum) { Unmasking = unmasking };
    }

    // The next stage is opened before this one's output is released: a client that gets the
    // output answers at once, and its answer must find the stage that takes it, not a gap in
    // which it would be refused as out of stage.
    private async Task CloseAsync<T>(
        Stage<T> stage, Func<T> close, Action<T> openNext, CancellationToken cancellation)
    {
        await stage.WaitForSubmissionsAsync(_settings.StageTimeout, cancellation).ConfigureAwait(false);
        lock (_submitGate)
        {
            T output = close();
            openNext(output);
            stage.Close(output);
        }
    }

    private Stage<T> Open<T>(Stage<T> stage)
    {
        CurrentStage = stage.Name;
        return stage;
    }

    private Stage<T> Require<T>(Stage<T>? stage, uint clientId)
    {
        if (stage is null || stage.IsClosed)
        {
            throw NotYet();
        }

        if (!stage.Expects(clientId))
        {
            throw new RoundRejectedException(
                RejectionReason.NotParticipant,
                $"Client {clientId} has no part in the {stage.Name} stage of round {_settings.Round}.");
        }

        return stage;
    }

    private void Submit<T>(Stage<T> stage, uint clientId, Action take)
    {
        lock (_submitGate)
        {
            if (stage.IsClosed)
            {
                throw NotYet();
            }

            if (stage.Submitted.Contains(clientId))
            {
                throw new RoundRejectedException(
                    RejectionReason.Replay,
                    $"Client {clientId} already sent its {stage.Name} message in round {_settings.Round}.");
            }

            try
            {
                take();
            }
            catch (ProtocolViolationException violation)
            {
                throw new RoundRejectedException(RejectionReason.Invalid, violation.Message);
            }

            stage.MarkSubmitted(clientId);
        }
    }

    private RoundRejectedException NotYet() => new(
        RejectionReason.WrongRound,
        $"Round {_settings.Round} is not in that stage (it is in '{CurrentStage}').");
}
