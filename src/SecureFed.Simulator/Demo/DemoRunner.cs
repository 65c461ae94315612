// The demo: one data set, split among simulated clients, trained by federated averaging
// three ways: in the clear (the baseline), through mask-mode rounds and through HE-mode
// rounds of a real appliance on loopback. Without differential privacy the protected runs
// see exact sums up to fixed-point rounding, so their curves track the baseline closely.
//
// With a target epsilon the protected runs add client-level DP through the appliance's
// distributed DP rounds: each client clips its whole delta to an L2 norm, encodes it with its
// own noise share, and the server moves by the decoded, noised average. That average is
// unweighted: weighting by example counts would let one client's count scale its influence
// past the clip, and the counts themselves would need protecting, so at client level every
// client weighs the same. The baseline stays plaintext, weighted FedAvg without DP.
// Each protection mode is its own federation with its own budget, so the epsilon reported
// holds for one mode's run; the runs of several modes train on the same clients' data.

using System.Diagnostics;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Training.Data;
using SecureFed.Training.Privacy;

namespace SecureFed.Simulator.Demo;

/// <summary>Runs <c>securefed-sim demo</c>.</summary>
public static class DemoRunner
{
    /// <summary>The data sets the demo knows, with the name of their label column.</summary>
    public static IReadOnlyDictionary<string, string> LabelColumns { get; } = new Dictionary<string, string>
    {
        ["wdbc"] = "diagnosis",
        ["digits"] = "label",
    };

    /// <summary>
    /// Runs the baseline and each protected mode. <paramref name="progress"/> hears
    /// (mode, round, test accuracy) after every round, "baseline" for the plaintext run.
    /// </summary>
    /// <exception cref="InvalidOperationException">A protected round did not complete.</exception>
    /// <exception cref="FileNotFoundException">The data set is not found.</exception>
    public static async Task<DemoReport> RunAsync(
        DemoOptions options, Action<string, int, double>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var timer = Stopwatch.StartNew();
        var (rawClients, rawTest) = Prepare(options);
        int rows = rawClients.Sum(d => d.RowCount);

        // The server is trusted with nothing but a bound: no client holds more rows than the
        // whole training set, so sum_k n_k |clip(delta_k)| <= clip * rows for every coordinate.
        var codec = FixedPointCodec.ForSumBound(options.Clip * rows, options.Clients, options.Scale);
        var modeSeconds = new Dictionary<string, double>();
        var curves = new Dictionary<string, double[]>();
        var epsilonCurves = new Dictionary<string, double[]>();
        DemoPrivacy? privacy = null;
        double epsilonLimit = options.Epsilon ?? 10;
        TabularDataSet[] clientData;
        TabularDataSet test;
        var training = options.Training with { Seed = options.Seed, BatchSize = options.BatchSize };
        var recordDp = options.RecordEpsilon is { } recordTarget
            ? new RecordLevelDpOptions
            {
                TargetEpsilon = recordTarget, Delta = options.Delta, ClipNorm = options.RecordClipNorm,
            }
            : null;
        double? recordEpsilon = null;

        // The first protected federation also computes the standardisation, so that every run,
        // the baseline included, trains on features scaled by the same protected moments.
        var firstTimer = Stopwatch.StartNew();
        SecureAggregator? first = options.Modes.Count == 0 ? null
            : await SecureAggregator.StartAsync(
                ToProtection(options.Modes[0]), options.Clients, cancellation, epsilonLimit, options.Delta)
                .ConfigureAwait(false);
        try
        {
            // Limitation: the moments round carries no DP noise, so the feature means and
            // deviations it publishes are outside the epsilon the report gives; a private
            // federation would take them from a published schema or spend budget on them.
            var (mean, scale) = first is null
                ? PooledMoments(rawClients)
                : await MomentsAsync(first, rawClients, cancellation).ConfigureAwait(false);
            clientData = [.. rawClients.Select(d => d.Standardize(mean, scale))];
            test = rawTest.Standardize(mean, scale);
            double startSeconds = firstTimer.Elapsed.TotalSeconds;

            using (var baseline = new FederatedAveraging(clientData, test, training, server: options.Server))
            {
                curves["baseline"] = await baseline.RunAsync(
                    options.Rounds, FederatedAveraging.PlainAverage, (r, a) => progress?.Invoke("baseline", r, a))
                    .ConfigureAwait(false);
            }

            for (int m = 0; m < options.Modes.Count; m++)
            {
                string mode = options.Modes[m];
                var modeTimer = Stopwatch.StartNew();
                var aggregator = m == 0 ? first! : await SecureAggregator.StartAsync(
                    ToProtection(mode), options.Clients, cancellation, epsilonLimit, options.Delta)
                    .ConfigureAwait(false);
                try
                {
                    using var federation = new FederatedAveraging(
                        clientData, test, training, recordDp, options.Rounds, options.Server);
                    privacy ??= options.Epsilon is { } target
                        ? DemoPrivacy.Calibrate(
                            target, options.Delta, options.ClipNorm, options.Clients, options.Rounds,
                            federation.ParameterCount)
                        : null;
                    Action<int, double> heard = (r, a) => progress?.Invoke(mode, r, a);
                    if (privacy is null)
                    {
                        curves[mode] = await RunProtectedAsync(
                            federation, aggregator, options, codec, heard, cancellation).ConfigureAwait(false);
                    }
                    else
                    {
                        (curves[mode], epsilonCurves[mode]) = await RunPrivateAsync(
                            federation, aggregator, privacy, heard, cancellation).ConfigureAwait(false);
                    }

                    if (federation.RecordEpsilonSpent is { } spent)
                    {
                        recordEpsilon = Math.Max(recordEpsilon ?? 0, spent);
                    }
                }
                finally
                {
                    if (m > 0)
                    {
                        await aggregator.DisposeAsync().ConfigureAwait(false);
                    }
                }

                modeSeconds[mode] = Math.Round(modeTimer.Elapsed.TotalSeconds + (m == 0 ? startSeconds : 0), 2);
            }
        }
        finally
        {
            if (first is not null)
            {
                await first.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new DemoReport
        {
            Dataset = options.Dataset,
            Partition = options.Partition == "dirichlet"
                ? FormattableString.Invariant($"dirichlet(alpha={options.Alpha})")
                : "iid",
            Clients = options.Clients,
            Rounds = options.Rounds,
            BaselineAccuracy = curves["baseline"][^1],
            Accuracy = options.Modes.ToDictionary(m => m, m => curves[m][^1]),
            Curves = curves,

            Epsilon = privacy is null ? null : epsilonCurves.Values.Max(curve => curve[^1]),
            RecordEpsilon = recordEpsilon,
            Delta = privacy is not null || recordEpsilon is not null ? options.Delta : null,
            NoiseMultiplier = privacy?.NoiseMultiplier,
            ClipNorm = privacy?.Clip,
            EpsilonCurves = epsilonCurves,
            Bits = privacy is null ? codec.Bits : DemoPrivacy.Bits,
            ModeSeconds = modeSeconds,
            Seconds = Math.Round(timer.Elapsed.TotalSeconds, 2),
        };
    }

    /// <summary>
    /// Loads the data set, splits it 80/20 with the seed and partitions the training rows
    /// among the clients; the features are not standardised yet.
    /// </summary>
    public static (TabularDataSet[] Clients, TabularDataSet Test) Prepare(DemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!LabelColumns.TryGetValue(options.Dataset, out string? labelColumn))
        {
            throw new ArgumentException($"Unknown data set '{options.Dataset}'.", nameof(options));
        }

        string path = Path.Combine(options.DataDirectory ?? FindDataDirectory(), options.Dataset + ".csv");
        var (train, test) = TabularDataSet.LoadCsv(path, labelColumn).Split(0.2, options.Seed);
        var parts = options.Partition == "dirichlet"
            ? ClientPartition.Dirichlet(train.Labels, options.Clients, options.Alpha, options.Seed)
            : ClientPartition.Iid(train.RowCount, options.Clients, options.Seed);
        return ([.. parts.Select(rows => train.Select(rows))], test);
    }

    /// <summary>Feature means and standard deviations from one protected round of per-client sums.</summary>
    public static async Task<(float[] Mean, float[] Scale)> MomentsAsync(
        SecureAggregator aggregator, IReadOnlyList<TabularDataSet> clientData, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(aggregator);
        ArgumentNullException.ThrowIfNull(clientData);

        // Limitation: the bound on feature magnitudes that sizes the modulus is read from the
        // clients' rows here; a real federation would publish it with the data schema.
        double bound = clientData.Max(d => d.RowCount == 0 ? 0 : MaxAbs(d.Features));
        var codec = ProtectedMoments.Codec(bound, clientData.Sum(d => d.RowCount), clientData.Count);
        var inputs = clientData.Select(d => ProtectedMoments.Encode(d, codec)).ToArray();
        ulong[] aggregate = await aggregator.AggregateAsync(inputs, codec.Bits, cancellation).ConfigureAwait(false);
        return ProtectedMoments.Decode(aggregate, codec);
    }

    // Without a protected mode there is no appliance: the moments come from the pooled rows.
    private static (float[] Mean, float[] Scale) PooledMoments(TabularDataSet[] clientData)
    {
        var features = new List<float>();
        var labels = new List<long>();
        foreach (var data in clientData)
        {
            features.AddRange(data.Features.ToArray());
            labels.AddRange(data.Labels.ToArray());
        }

        var shape = clientData[0];
        return new TabularDataSet([.. features], [.. labels], shape.FeatureCount, shape.ClassNames).FeatureMoments();
    }

    private static double MaxAbs(ReadOnlySpan<float> values)
    {
        double largest = 0;
        foreach (float value in values)
        {
            largest = Math.Max(largest, Math.Abs(value));
        }

        return largest;
    }

    private static ProtectionMode ToProtection(string mode) => mode == "he" ? ProtectionMode.He : ProtectionMode.Mask;

    private static async Task<double[]> RunProtectedAsync(
        FederatedAveraging federation,
        SecureAggregator aggregator,
        DemoOptions options,
        FixedPointCodec codec,
        Action<int, double> progress,
        CancellationToken cancellation)
    {
        return await federation.RunAsync(
            options.Rounds,
            async updates =>
            {
                var inputs = updates.Select(u => ProtectedUpdate.Encode(u, codec, options.Clip)).ToArray();
                ulong[] aggregate = await aggregator.AggregateAsync(inputs, codec.Bits, cancellation)
                    .ConfigureAwait(false);
                var (sum, examples) = ProtectedUpdate.Decode(aggregate, codec);
                for (int i = 0; i < sum.Length && examples > 0; i++)
                {
                    sum[i] /= examples;
                }

                return sum;
            },
            progress).ConfigureAwait(false);
    }

    // Client-level DP: each client contributes its whole delta, clipped and noised by the
    // round's codec, and the global model moves by the unweighted, noised average.
    private static async Task<(double[] Accuracy, double[] Epsilon)> RunPrivateAsync(
        FederatedAveraging federation,
        SecureAggregator aggregator,
        DemoPrivacy privacy,
        Action<int, double> progress,
        CancellationToken cancellation)
    {
        var epsilon = new List<double>();
        double[] accuracy = await federation.RunAsync(
            privacy.Rounds,
            async updates =>
            {
                var (average, spent) = await aggregator.AggregatePrivateAsync(
                    [.. updates.Select(u => u.Delta)], privacy, cancellation).ConfigureAwait(false);
                epsilon.Add(spent);
                return average;
            },
            progress).ConfigureAwait(false);
        return (accuracy, [.. epsilon]);
    }

    // The demo runs from a checkout: look for data/ from the working directory and the
    // binary's directory upwards.
    private static string FindDataDirectory()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "data");
                if (File.Exists(Path.Combine(candidate, "wdbc.csv")))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("No data/ folder with the demo data sets above the working directory.");
    }
}
