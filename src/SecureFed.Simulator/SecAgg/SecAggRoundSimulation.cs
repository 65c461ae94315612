using System.Diagnostics;
using System.Runtime.InteropServices;
using SecureFed.Crypto.Prg;
using SecureFed.Protocol;
using SecureFed.Protocol.Masking;

namespace SecureFed.Simulator.SecAgg;

/// <summary>
/// Runs one whole mask-mode round in memory, with a chosen share of clients dropping at a
/// chosen stage, and checks the unmasked sum against the plaintext sum.
/// </summary>
public static class SecAggRoundSimulation
{
    /// <summary>Runs the round and reports its figures.</summary>
    /// <param name="options">The round to simulate.</param>
    /// <param name="warmUp">
    /// Run a small round first, so that the figures are those of a process that has been up
    /// for a while (code compiled, caches filled), as the appliance is.
    /// </param>
    /// <exception cref="InvalidOperationException">No SecAgg+ parameters fit the options.</exception>
    public static SecAggRoundReport Run(SecAggRoundOptions options, bool warmUp = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (warmUp)
        {
            Run(options with { Clients = 12, Dimension = 4096, DropoutRate = 0.1 });
        }

        var pausedBefore = GC.GetTotalPauseDuration();
        var wall = Stopwatch.StartNew();
        var parameters = SecAggParameterFinder.Find(options.Clients, options.DropoutRate, options.CorruptRate);
        using var round = new InMemoryMaskRound(parameters, options.Dimension, options.Bits, id => Input(options, id));
        var dropped = ChooseDropouts(round.Ids, options);
        bool Live(uint id, DropoutStage stage) => !dropped.Contains(id) || options.DropoutAt > stage;

        string? aborted = null;
        MaskRoundResult? result = null;
        double unmaskMs = 0;
        try
        {
            var advertisers = round.Ids.Where(id => Live(id, DropoutStage.Advertise)).ToArray();
            round.Advertise(advertisers);
            var sharers = advertisers.Where(id => Live(id, DropoutStage.Share)).ToArray();
            round.Share(sharers);
            var maskers = sharers.Where(id => Live(id, DropoutStage.Mask)).ToArray();
            round.Mask(maskers);
            var signers = maskers.Where(id => Live(id, DropoutStage.Unmask)).ToArray();
            round.SignSurvivors(signers);
            round.Unmask(signers);
            (result, unmaskMs) = round.Finish();
        }
        catch (RoundAbortedException e)
        {
            aborted = e.Message;
        }

        wall.Stop();
        bool exact = result is not null && result.Sum.AsSpan().SequenceEqual(ExpectedSum(result.Survivors, options));
        var clientTimes = round.ClientMilliseconds.Values.Order().ToArray();
        var survivors = result?.Survivors ?? [];
        return new SecAggRoundReport
        {
            Clients = options.Clients,
            Dim = options.Dimension,
            Bits = options.Bits,
            Dropped = dropped.Count,
            DropoutAt = options.DropoutAt.ToString().ToLowerInvariant(),
            Neighbours = parameters.Degree,
            Threshold = parameters.Threshold,
            Survivors = survivors.Count,
            Exact = exact,
            Aborted = aborted,
            ClientMs = Round(Median(clientTimes)),
            ClientStageMs = round.ClientStageMilliseconds.ToDictionary(
                kv => kv.Key, kv => Round(Median(kv.Value.Values.Order().ToArray()))),
            ClientMaxMs = Round(clientTimes.Length == 0 ? 0 : clientTimes[^1]),
            ServerMs = Round(round.ServerMilliseconds),
            ServerStageMs = round.ServerStageMilliseconds.ToDictionary(kv => kv.Key, kv => Round(kv.Value)),
            ServerUnmaskMs = Round(unmaskMs),
            WallMs = Round(wall.Elapsed.TotalMilliseconds),
            GcPauseMs = Round((GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds),
            BytesUpPerClient = survivors.Count == 0
                ? 0
                : (long)survivors.Average(id => round.BytesUp.GetValueOrDefault(id)),
            PrgGbps = Math.Round(PrgThroughput.MeasureGbps(), 2),
            PrgHardware = MaskPrg.IsHardwareAccelerated,
        };
    }

    /// <summary>The simulated input of one client: uniform values below 2^bits.</summary>
    public static ulong[] Input(SecAggRoundOptions options, uint client)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Simulated data, not a secret: a seeded generator makes runs repeatable.
        var random = new Random(HashCode.Combine(options.Seed, client));
        var values = new ulong[options.Dimension];
        random.NextBytes(MemoryMarshal.AsBytes(values.AsSpan()));
        ulong mask = options.Bits == 64 ? ulong.MaxValue : (1UL << options.Bits) - 1;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] &= mask;
        }

        return values;
    }

    private static ulong[] ExpectedSum(IReadOnlyList<uint> survivors, SecAggRoundOptions options)
    {
        var sum = new ulong[options.Dimension];
        ulong mask = options.Bits == 64 ? ulong.MaxValue : (1UL << options.Bits) - 1;
        foreach (uint client in survivors)
        {
            var input = Input(options, client);
            unchecked
            {
                for (int i = 0; i < sum.Length; i++)
                {
                    sum[i] = (sum[i] + input[i]) & mask;
                }
            }
        }

        return sum;
    }

    private static HashSet<uint> ChooseDropouts(uint[] ids, SecAggRoundOptions options)
    {
        int count = (int)Math.Round(options.DropoutRate * ids.Length);
        var random = new Random(options.Seed);
        return [.. ids.OrderBy(_ => random.Next()).Take(count)];
    }

    private static double Median(double[] sorted) =>
        sorted.Length == 0 ? 0
        : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
        : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    private static double Round(double value) => Math.Round(value, 2);
}
