using System.Buffers.Binary;
using SecureFed.Client.Participation;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Ledger;
using SecureFed.Simulator.Federation;

namespace SecureFed.Simulator.Demo;

/// <summary>
/// Sums the demo clients' residue vectors through real rounds of a
/// <see cref="LoopbackFederation"/>: the clients enroll once, HE mode holds its key ceremony
/// once, and each call runs one round in which every client contributes.
/// </summary>
public sealed class SecureAggregator : IAsyncDisposable
{
    private const int Custodians = 3;
    private const int Threshold = 2;

    private readonly LoopbackFederation _federation;
    private readonly SimulatedParticipant _operator;
    private readonly SimulatedParticipant[] _clients;
    private readonly ProtectionMode _mode;
    private readonly CkksContext? _ckks;
    private readonly CancellationTokenSource _serving;
    private readonly List<Task> _custodianLoops;

    private SecureAggregator(
        LoopbackFederation federation,
        SimulatedParticipant operatorClient,
        SimulatedParticipant[] clients,
        ProtectionMode mode,
        CkksContext? ckks,
        CancellationTokenSource serving,
        List<Task> custodianLoops)
    {
        _federation = federation;
        _operator = operatorClient;
        _clients = clients;
        _mode = mode;
        _ckks = ckks;
        _serving = serving;
        _custodianLoops = custodianLoops;
    }

    /// <summary>The number of clients, each of which contributes to every round.</summary>
    public int Clients => _clients.Length;

    /// <summary>
    /// Starts the appliance, enrolls the clients and, in HE mode, the custodians. The
    /// appliance refuses any round that could take the federation's epsilon past
    /// <paramref name="epsilonLimit"/> at <paramref name="delta"/>.
    /// </summary>
    public static async Task<SecureAggregator> StartAsync(
        ProtectionMode mode,
        int clients,
        CancellationToken cancellation = default,
        double epsilonLimit = 10,
        double delta = 1e-5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 2);
        var federation = await LoopbackFederation.StartAsync(epsilonLimit: epsilonLimit, delta: delta)
            .ConfigureAwait(false);
        var serving = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var custodianLoops = new List<Task>();
        CkksContext? ckks = null;
        try
        {
            var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
            var enrolled = await Task.WhenAll(Enumerable.Range(1, clients)
                .Select(i => federation.EnrollAsync(ParticipantRole.Client, $"client-{i:D4}", cancellation)))
                .ConfigureAwait(false);
            if (mode == ProtectionMode.He)
            {
                ckks = new CkksContext(CkksParameters.CreateDefault(8192));
                custodianLoops.AddRange(await federation.HoldCeremonyAsync(
                    operatorClient, Custodians, Threshold, ckks, serving.Token).ConfigureAwait(false));
            }

            return new SecureAggregator(federation, operatorClient, enrolled, mode, ckks, serving, custodianLoops);
        }
        catch
        {
            await serving.CancelAsync().ConfigureAwait(false);
            serving.Dispose();
            await federation.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs one round in which client i contributes <paramref name="inputs"/>[i] and returns
    /// the aggregate the appliance publishes: the sum modulo 2^<paramref name="bits"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The round did not complete.</exception>
    public async Task<ulong[]> AggregateAsync(
        IReadOnlyList<ulong[]> inputs, int bits, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != _clients.Length)
        {
            throw new ArgumentException($"Expected {_clients.Length} inputs.", nameof(inputs));
        }

        int dimension = inputs[0].Length;
        byte[] aggregate = await RunRoundAsync(
            Open(dimension, bits, dp: null), (index, _) => inputs[index], cancellation).ConfigureAwait(false);
        if (aggregate.Length != dimension * sizeof(ulong))
        {
            throw new InvalidOperationException("The aggregate has the wrong length.");
        }

        var sum = new ulong[dimension];
        for (int i = 0; i < dimension; i++)
        {
            sum[i] = BinaryPrimitives.ReadUInt64LittleEndian(aggregate.AsSpan(i * sizeof(ulong)));
        }

        return sum;
    }

    /// <summary>
    /// Runs one round with the distributed DP of <paramref name="privacy"/>: client i encodes
    /// <paramref name="updates"/>[i] for the round's DP settings, as a real client does, with
    /// its exact noise share. The appliance decodes the sum with the round's codec and
    /// publishes the clients' average, which is what this returns.
    /// </summary>
    /// <returns>The noised average of the clipped updates, and the epsilon the appliance
    /// reports spent after the round.</returns>
    /// <exception cref="InvalidOperationException">The round did not complete.</exception>
    public async Task<(double[] Average, double EpsilonSpent)> AggregatePrivateAsync(
        IReadOnlyList<float[]> updates, DemoPrivacy privacy, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(privacy);
        if (updates.Count != _clients.Length)
        {
            throw new ArgumentException($"Expected {_clients.Length} updates.", nameof(updates));
        }

        // The dimension is left 0: the appliance sets it to the padded model dimension.
        byte[] aggregate = await RunRoundAsync(
            Open(0, DemoPrivacy.Bits, privacy.ToRequest()),
            (index, task) => RoundPrivacy.FromTask(task).Encode(updates[index]),
            cancellation).ConfigureAwait(false);
        if (aggregate.Length != privacy.Dimension * sizeof(double))
        {
            throw new InvalidOperationException("The decoded aggregate has the wrong length.");
        }

        var average = new double[privacy.Dimension];
        for (int i = 0; i < average.Length; i++)
        {
            average[i] = BinaryPrimitives.ReadDoubleLittleEndian(aggregate.AsSpan(i * sizeof(double)));
        }

        var status = await _operator.Connection.Operator.GetStatusAsync(
            new GetStatusRequest(), cancellationToken: cancellation);
        return (average, status.EpsilonSpent);
    }

    private OpenRoundRequest Open(int dimension, int bits, DpSettings? dp)
    {
        var open = new OpenRoundRequest
        {
            Mode = _mode,
            Dimension = (uint)dimension,
            Bits = (uint)bits,
            MinClients = (uint)_clients.Length,
            MaxClients = (uint)_clients.Length,
            JoinTimeoutMs = 60_000,
            StageTimeoutMs = 60_000,

            // The demo's clients never drop out, and a dropout would abort its round; tolerating
            // none lets SecAgg+ run with as few as four clients.
            DropoutRate = 0,
            CorruptRate = 0.05,
            MinContributors = (uint)_clients.Length,
        };
        if (dp is not null)
        {
            open.Dp = dp;
        }

        return open;
    }

    // Opens the round, lets every client contribute what input(i, task) gives it, and
    // returns the aggregate as the appliance publishes it.
    private async Task<byte[]> RunRoundAsync(
        OpenRoundRequest open, Func<int, RoundTask, ulong[]> input, CancellationToken cancellation)
    {
        var opened = await _operator.Connection.Operator.OpenRoundAsync(open, cancellationToken: cancellation);
        var results = await Task.WhenAll(_clients.Select(async (client, index) =>
        {
            var credentials = client.Credentials!;
            var task = await client.Connection.Rounds.WaitForTaskAsync(
                new WaitForTaskRequest
                {
                    FederationId = opened.Round.FederationId,
                    AfterRound = opened.Round.Round - 1,
                },
                cancellationToken: cancellation);
            ulong[] contribution = input(index, task);
            return _mode == ProtectionMode.Mask
                ? await MaskRoundParticipant.RunAsync(
                    client.Connection.Rounds, credentials, task, contribution,
                    cancellation: cancellation).ConfigureAwait(false)
                : await HeRoundParticipant.RunAsync(
                    client.Connection.Rounds, credentials, _ckks!, task, contribution,
                    cancellation: cancellation).ConfigureAwait(false);
        })).ConfigureAwait(false);

        var result = results.First(r => r is not null)!;
        if (!result.Completed)
        {
            throw new InvalidOperationException($"The round aborted: {result.AbortReason}");
        }

        var reader = _clients[0];
        return await HeRoundParticipant.DownloadAsync(
            reader.Connection.Rounds.DownloadAggregate(
                new StageRequest { Round = opened.Round, ClientId = reader.Credentials!.ParticipantId },
                cancellationToken: cancellation),
            cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// The appliance's ledger as <c>securefed-enclave ledger export</c> writes it, fetched by
    /// the federation's operator: what an auditor would receive for this run.
    /// </summary>
    public async Task<byte[]> ExportLedgerAsync(CancellationToken cancellation = default) =>
        await HeRoundParticipant.DownloadAsync(
            _operator.Connection.Operator.ExportLedger(new ExportLedgerRequest(), cancellationToken: cancellation),
            cancellation).ConfigureAwait(false);

    /// <summary>
    /// The appliance's signed receipt for ledger entry <paramref name="entryIndex"/>, fetched
    /// as a participant fetches the receipts it keeps.
    /// </summary>
    public async Task<LedgerReceipt> ReceiptAsync(ulong entryIndex, CancellationToken cancellation = default)
    {
        var receipt = await _operator.Connection.Federation.GetReceiptAsync(
            new GetReceiptRequest { EntryIndex = entryIndex }, cancellationToken: cancellation);
        return receipt.ToRecord();
    }

    /// <summary>
    /// Writes the ledger export (ledger.json) and the contributions directory
    /// (contributions/) an auditor spot-checks this run's aggregates with, under
    /// <paramref name="directory"/>; returns the export.
    /// </summary>
    public Task<LedgerExport> ExportAuditEvidenceAsync(string directory, CancellationToken cancellation = default) =>
        _federation.ExportAuditEvidenceAsync(_operator, directory, cancellation);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _serving.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_custodianLoops).ConfigureAwait(false);
        _serving.Dispose();
        await _federation.DisposeAsync().ConfigureAwait(false);
    }
}
