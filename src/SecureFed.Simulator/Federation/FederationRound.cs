// `securefed-sim round`: one round of either mode through a LoopbackFederation. The
// clients' inputs are random residues known to the simulation, so it can check that the
// aggregate the appliance publishes is exactly the sum of the contributors' inputs modulo
// 2^b. Dropouts join and then go silent before contributing (mask mode: after sharing keys,
// so their pairwise masks must be removed; HE mode: without uploading). min_clients is the
// number of clients that do contribute: a mask round with fewer survivors than min_clients
// aborts.

using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using SecureFed.Client.Participation;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Masking;

namespace SecureFed.Simulator.Federation;

/// <summary>Runs one round of a simulated federation over gRPC with mutual TLS.</summary>
public static class FederationRound
{
    /// <summary>How the simulated parties talk.</summary>
    public const string Transport = "grpc, http/2, tls 1.3 with client certificates, loopback";

    /// <summary>Runs the round and reports it.</summary>
    /// <exception cref="InvalidOperationException">The round did not complete.</exception>
    public static async Task<FederationRoundReport> RunAsync(
        FederationRoundOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var federation = await LoopbackFederation.StartAsync().ConfigureAwait(false);
        var random = new Random(options.Seed);
        int bits = ModulusBits.For(options.Clients, 1UL << options.ValueBits);
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");

        var clients = await Task.WhenAll(Enumerable.Range(1, options.Clients)
            .Select(i => federation.EnrollAsync(ParticipantRole.Client, $"client-{i:D4}", cancellation)))
            .ConfigureAwait(false);
        int dropouts = (int)Math.Floor(options.Dropout * options.Clients);
        var dropped = clients.OrderBy(_ => random.Next()).Take(dropouts)
            .Select(c => c.Credentials!.ParticipantId).ToHashSet();
        var inputs = clients.ToDictionary(
            c => c.Credentials!.ParticipantId,
            _ => Enumerable.Range(0, options.Dimension)
                .Select(_ => (ulong)random.NextInt64(1L << options.ValueBits)).ToArray());

        double ceremonyMs = 0;
        var ckks = new CkksContext(CkksParameters.CreateDefault(8192));
        using var serving = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var custodianLoops = new List<Task>();
        if (options.Mode == ProtectionMode.He)
        {
            var timer = Stopwatch.StartNew();
            custodianLoops.AddRange(await federation.HoldCeremonyAsync(
                operatorClient, options.Custodians, options.Threshold, ckks, serving.Token).ConfigureAwait(false));
            ceremonyMs = timer.Elapsed.TotalMilliseconds;
        }

        int contributing = Math.Max(2, options.Clients - dropouts);
        var open = new OpenRoundRequest
        {
            Mode = options.Mode,
            Dimension = (uint)options.Dimension,
            Bits = (uint)bits,
            MinClients = (uint)contributing,
            MaxClients = (uint)options.Clients,
            JoinTimeoutMs = 60_000,
            StageTimeoutMs = dropouts > 0 ? StageDeadlineMs(options, ckks, bits) : 60_000u,
            DropoutRate = Math.Max(options.Dropout, 0.05),
            CorruptRate = 0.05,
            MinContributors = (uint)contributing,
        };
        var bytesUp = new ConcurrentDictionary<uint, long>();
        var roundTimer = Stopwatch.StartNew();
        var opened = await operatorClient.Connection.Operator.OpenRoundAsync(open, cancellationToken: cancellation);
        var results = await Task.WhenAll(clients.Select(async client =>
        {
            var credentials = client.Credentials!;
            uint id = credentials.ParticipantId;
            var task = await client.Connection.Rounds.WaitForTaskAsync(
                new WaitForTaskRequest
                {
                    FederationId = opened.Round.FederationId, AfterRound = opened.Round.Round - 1,
                },
                cancellationToken: cancellation);
            void Count(long size) => bytesUp.AddOrUpdate(id, size, (_, total) => total + size);
            return options.Mode == ProtectionMode.Mask
                ? await MaskRoundParticipant.RunAsync(
                    client.Connection.Rounds, credentials, task, inputs[id],
                    dropped.Contains(id) ? MaskStage.Mask : MaskStage.Finish, Count, cancellation).ConfigureAwait(false)
                : await HeRoundParticipant.RunAsync(
                    client.Connection.Rounds, credentials, ckks, task, inputs[id],
                    contribute: !dropped.Contains(id), Count, cancellation).ConfigureAwait(false);
        })).ConfigureAwait(false);
        double roundMs = roundTimer.Elapsed.TotalMilliseconds;
        await serving.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(custodianLoops).ConfigureAwait(false);

        var result = results.First(r => r is not null)!;
        if (!result.Completed)
        {
            throw new InvalidOperationException($"The round aborted: {result.AbortReason}");
        }

        var survivor = clients.First(c => !dropped.Contains(c.Credentials!.ParticipantId));
        byte[] aggregate = await HeRoundParticipant.DownloadAsync(
            survivor.Connection.Rounds.DownloadAggregate(
                new StageRequest { Round = opened.Round, ClientId = survivor.Credentials!.ParticipantId },
                cancellationToken: cancellation),
            cancellation).ConfigureAwait(false);
        var status = await operatorClient.Connection.Operator.GetStatusAsync(
            new GetStatusRequest(), cancellationToken: cancellation);
        if (options.EvidenceDirectory is { } evidence)
        {
            await federation.ExportAuditEvidenceAsync(operatorClient, evidence, cancellation).ConfigureAwait(false);
        }

        var contributors = result.Contributors.ToHashSet();
        return new FederationRoundReport
        {
            Mode = options.Mode == ProtectionMode.Mask ? "mask" : "he",
            Clients = options.Clients,
            Contributors = contributors.Count,
            Dim = options.Dimension,
            Bits = bits,
            Exact = contributors.SetEquals(inputs.Keys.Where(id => !dropped.Contains(id)))
                && IsSum(aggregate, contributors.Select(id => inputs[id]), options.Dimension, bits),
            RoundMs = Math.Round(roundMs, 1),
            CeremonyMs = Math.Round(ceremonyMs, 1),
            BytesUpPerClient = (long)bytesUp.Where(kv => !dropped.Contains(kv.Key)).Average(kv => kv.Value),
            Transport = Transport,
            Custodians = options.Mode == ProtectionMode.He ? $"{options.Threshold}-of-{options.Custodians}" : null,
            LedgerEntries = status.LedgerEntries,
        };
    }

    /// <summary>
    /// The stage deadline of a round with dropouts. A dropout is only noticed when the deadline
    /// passes, so it is kept short, but it must leave every live client time to upload: on a
    /// shared 2-core host the appliance takes about 25 MB/s of uploads over TLS while it adds
    /// them, and an HE upload is a whole ciphertext per 8192 values.
    /// </summary>
    private static uint StageDeadlineMs(FederationRoundOptions options, CkksContext ckks, int bits)
    {
        const double BytesPerMs = 25_000;
        int ringDegree = ckks.Parameters.RingDegree;
        double perClient = options.Mode == ProtectionMode.He
            ? Math.Ceiling(options.Dimension / (double)ringDegree) * 2.0 * CkksSerializer.GetPolynomialPackedSize(ckks)
            : options.Dimension * (double)bits / 8;
        return (uint)Math.Min(600_000, 3_000 + (options.Clients * perClient / BytesPerMs));
    }

    private static bool IsSum(byte[] aggregate, IEnumerable<ulong[]> inputs, int dimension, int bits)
    {
        if (aggregate.Length != dimension * sizeof(ulong))
        {
            return false;
        }

        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var expected = new ulong[dimension];
        foreach (var input in inputs)
        {
            for (int i = 0; i < dimension; i++)
            {
                expected[i] = unchecked(expected[i] + input[i]) & mask;
            }
        }

        for (int i = 0; i < dimension; i++)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(aggregate.AsSpan(i * sizeof(ulong))) != expected[i])
            {
                return false;
            }
        }

        return true;
    }
}
