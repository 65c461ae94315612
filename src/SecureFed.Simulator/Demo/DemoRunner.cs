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
using System.Globalization;
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
    /// Runs the baseline and each protected mode. <paramref name="progress"/> hears where each
    /// run stands as every client finishes local training and after every round.
    /// </summary>
    /// <exception cref="InvalidOperationException">A protected round did not complete.</exception>
    /// <exception cref="FileNotFoundException">The data set is not found.</exception>
    public static async Task<DemoReport> RunAsync(
        DemoOptions options, Action<DemoProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var timer = Stopwatch.StartNew();
        var (rawClients, rawTest) = Prepare(options);
        var schema = FeatureSchema.Load(SchemaPath(options));
        schema.CheckMatches(rawTest);

        // Every run models the features as the schema puts them: clamped to the public ranges
        // and on a log scale where the schema says so. Private moments start from the raw rows,
        // since PrivateFeatureMoments applies the same map itself.
        var preparedClients = rawClients.Select(schema.Prepare).ToArray();
        var preparedTest = schema.Prepare(rawTest);
        int rows = rawClients.Sum(d => d.RowCount);

        // The server is trusted with nothing but a bound: no client holds more rows than the
        // whole training set, so sum_k n_k |clip(delta_k)| <= clip * rows for every coordinate.
        var codec = FixedPointCodec.ForSumBound(options.Clip * rows, options.Clients, options.Scale);
        var modeSeconds = new Dictionary<string, double>();
        var curves = new Dictionary<string, double[]>();
        var epsilonCurves = new Dictionary<string, double[]>();
        var recordEpsilonCurves = new Dictionary<string, double[]>();
        var models = new Dictionary<string, float[]>();
        var finalAccuracy = new Dictionary<string, double>();
        var ledgers = new Dictionary<string, byte[]>();
        DemoModel? model = null;
        DemoPrivacy? privacy = null;
        double epsilonLimit = options.Epsilon ?? 10;
        TabularDataSet[] clientData;
        TabularDataSet test;
        var training = options.Training with { Seed = options.Seed, BatchSize = options.BatchSize };
        double? recordEpsilon = null;
        string standardization;

        // The first protected federation also computes the standardisation, so that every run,
        // the baseline included, trains on features scaled by the same protected moments.
        var firstTimer = Stopwatch.StartNew();
        SecureAggregator? first = options.Modes.Count == 0 ? null
            : await SecureAggregator.StartAsync(
                ToProtection(options.Modes[0]), options.Clients, cancellation, epsilonLimit, options.Delta)
                .ConfigureAwait(false);
        try
        {
            (float[] mean, float[] scale, standardization, double? momentsMultiplier) = await StandardizationAsync(
                options, schema, first, rawClients, preparedClients, cancellation).ConfigureAwait(false);
            standardization += ScaleNote(schema);
            var recordDp = options.RecordEpsilon is { } recordTarget
                ? new RecordLevelDpOptions
                {
                    TargetEpsilon = recordTarget,
                    Delta = options.Delta,
                    ClipNorm = options.RecordClipNorm,
                    PriorGaussianNoiseMultiplier = momentsMultiplier,
                }
                : null;
            clientData = [.. preparedClients.Select(d => d.Standardize(mean, scale))];
            test = preparedTest.Standardize(mean, scale);
            double startSeconds = firstTimer.Elapsed.TotalSeconds;

            using (var baseline = new FederatedAveraging(clientData, test, training, server: options.Server))
            {
                var (heard, trained) = Listeners(progress, "baseline", options, baseline, null);
                curves["baseline"] = await baseline.RunAsync(
                    options.Rounds, FederatedAveraging.PlainAverage, heard, trained, options.EffectiveTailRounds)
                    .ConfigureAwait(false);
                models["baseline"] = baseline.FinalParameters;
                finalAccuracy["baseline"] = baseline.FinalAccuracy;
                model = new DemoModel(
                    training.Model, training.HiddenUnits, test.FeatureCount, test.ClassNames,
                    [.. schema.Features.Select(DemoFeature.From)], mean, scale, standardization);
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
                    var epsilon = new List<double>();
                    var recordSpent = new List<double>();
                    var (heard, trained) = Listeners(progress, mode, options, federation, epsilon);
                    Action<int, double> afterRound = (round, accuracy) =>
                    {
                        recordSpent.Add(federation.RecordEpsilonSpent ?? 0);
                        heard(round, accuracy);
                    };
                    curves[mode] = privacy is null
                        ? await RunProtectedAsync(
                            federation, aggregator, options, codec, afterRound, trained,
                            options.EffectiveTailRounds, cancellation)
                            .ConfigureAwait(false)
                        : await RunPrivateAsync(
                            federation, aggregator, privacy, epsilon, afterRound, trained,
                            options.EffectiveTailRounds, cancellation)
                            .ConfigureAwait(false);
                    if (privacy is not null)
                    {
                        epsilonCurves[mode] = [.. epsilon];
                    }

                    if (federation.RecordEpsilonSpent is { } spent)
                    {
                        recordEpsilon = Math.Max(recordEpsilon ?? 0, spent);
                        recordEpsilonCurves[mode] = [.. recordSpent];
                    }

                    models[mode] = federation.FinalParameters;
                    finalAccuracy[mode] = federation.FinalAccuracy;
                    ledgers[mode] = await aggregator.ExportLedgerAsync(cancellation).ConfigureAwait(false);
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
            BaselineAccuracy = finalAccuracy["baseline"],
            Accuracy = options.Modes.ToDictionary(m => m, m => finalAccuracy[m]),
            TailRounds = options.EffectiveTailRounds,
            ClientRows = [.. rawClients.Select(d => ClassCounts(d, rawTest.ClassNames.Count))],
            Curves = curves,

            ClientEpsilon = privacy is null ? null : epsilonCurves.Values.Max(curve => curve[^1]),
            RecordEpsilon = recordEpsilon,
            Delta = privacy is not null || recordEpsilon is not null ? options.Delta : null,
            NoiseMultiplier = privacy?.NoiseMultiplier,
            ClipNorm = privacy?.Clip,
            EpsilonCurves = epsilonCurves,
            RecordEpsilonCurves = recordEpsilonCurves,
            Model = model,
            Models = models,
            Ledgers = ledgers,
            Bits = privacy is null ? codec.Bits : DemoPrivacy.Bits,
            Standardization = standardization,
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

    // How the features are standardised:
    // - without DP, by the exact feature moments from one protected round (secure aggregation
    //   of per-client sums; the server learns only the totals);
    // - with DP, by the schema's public ranges (centre the midpoint, scale a sixth of the
    //   range), which cost no privacy. At client level the per-client sums have no sensitivity
    //   bound at all. At record level each client would have to noise its sums alone, and
    //   with a few hundred rows among 8 clients the noised moments come out noise-dominated:
    //   on wdbc at epsilon 3 they did worse than the ranges and took budget from DP-SGD;
    // - with record-level DP and Standardization "moments", by such noised moments anyway:
    //   one protected round in which each client adds discrete Gaussian noise to its sums over
    //   range-clipped rows, charged to its record-level budget (MomentsShare of it), for
    //   federations whose clients hold enough rows for it to pay.
    private static async Task<(float[] Mean, float[] Scale, string Description, double? Multiplier)>
        StandardizationAsync(
            DemoOptions options,
            FeatureSchema schema,
            SecureAggregator? aggregator,
            TabularDataSet[] rawClients,
            TabularDataSet[] preparedClients,
            CancellationToken cancellation)
    {
        bool anyDp = options.Epsilon is not null || options.RecordEpsilon is not null;
        if (options.Standardization == "schema" || (anyDp && options.Standardization != "moments")
            || options.Epsilon is not null)
        {
            var (rangeMean, rangeScale) = schema.RangeMoments();
            return (rangeMean, rangeScale, "public schema ranges (no privacy cost)", null);
        }

        if (aggregator is null)
        {
            var (pooledMean, pooledScale) = PooledMoments(preparedClients);
            return (pooledMean, pooledScale, "moments of the pooled rows (no protected mode)", null);
        }

        if (options.RecordEpsilon is { } target)
        {
            double multiplier = PrivateFeatureMoments.NoiseMultiplierForShare(
                target, options.Delta, options.MomentsShare);
            var moments = new PrivateFeatureMoments(schema, multiplier);
            var estimate = await PrivateMomentsAsync(aggregator, moments, rawClients, cancellation)
                .ConfigureAwait(false);
            string description = string.Create(
                CultureInfo.InvariantCulture,
                $"noised moments from one protected round (noise multiplier {multiplier:0.###}, "
                + $"{options.MomentsShare:0.##} of each client's record-level epsilon)");
            return (estimate.Mean, estimate.Scale, description, multiplier);
        }

        var (mean, scale) = await MomentsAsync(aggregator, preparedClients, schema, cancellation)
            .ConfigureAwait(false);
        return (mean, scale, "exact moments from one protected round", null);
    }

    /// <summary>
    /// Record-level private feature moments from one protected round: each client's noised,
    /// signed contribution travels as residues modulo 2^<see cref="PrivateMomentsBits"/>.
    /// </summary>
    public static async Task<FeatureMomentsEstimate> PrivateMomentsAsync(
        SecureAggregator aggregator,
        PrivateFeatureMoments moments,
        IReadOnlyList<TabularDataSet> rawClients,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(aggregator);
        ArgumentNullException.ThrowIfNull(moments);
        ArgumentNullException.ThrowIfNull(rawClients);
        var codec = new FixedPointCodec(PrivateMomentsBits, 1);
        var inputs = rawClients
            .Select(d => moments.Contribution(d).Select(v => codec.Encode(v)).ToArray())
            .ToArray();
        ulong[] aggregate = await aggregator.AggregateAsync(inputs, codec.Bits, cancellation).ConfigureAwait(false);
        return moments.Decode([.. aggregate.Select(codec.ToSigned)]);
    }

    /// <summary>
    /// Feature means and standard deviations from one protected round of per-client sums of
    /// <see cref="FeatureSchema.Prepare"/>d rows, on the model's scale.
    /// </summary>
    /// <param name="aggregator">The appliance that sums the contributions.</param>
    /// <param name="clientData">Each client's rows, prepared by <paramref name="schema"/>.</param>
    /// <param name="schema">The public schema whose ranges bound every prepared value, and so
    /// size the modulus without looking at any client's rows.</param>
    /// <param name="cancellation">Cancels the round.</param>
    public static async Task<(float[] Mean, float[] Scale)> MomentsAsync(
        SecureAggregator aggregator,
        IReadOnlyList<TabularDataSet> clientData,
        FeatureSchema schema,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(aggregator);
        ArgumentNullException.ThrowIfNull(clientData);
        ArgumentNullException.ThrowIfNull(schema);

        double bound = schema.Features.Max(range => Math.Max(Math.Abs(range.Low), Math.Abs(range.High)));
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

    // Sums on a 2^-16 grid of rows in [0, 1], with noise of a few million grid units per
    // client, stay far below 2^47 for any federation the demo can run; 48 bits also stays
    // within what HE mode decodes exactly from CKKS slots.
    private const int PrivateMomentsBits = 48;

    // A client's row count followed by its rows of each class.
    private static int[] ClassCounts(TabularDataSet data, int classes)
    {
        var counts = new int[classes + 1];
        counts[0] = data.RowCount;
        foreach (long label in data.Labels)
        {
            counts[1 + label]++;
        }

        return counts;
    }

    // How the schema put the features on their scale, for the report.
    private static string ScaleNote(FeatureSchema schema)
    {
        int logs = schema.Features.Count(range => range.LogOffset is not null);
        return logs == 0
            ? ", after clamping each feature to its public range"
            : string.Create(
                CultureInfo.InvariantCulture,
                $", after clamping each feature to its public range and putting {logs} of "
                + $"{schema.FeatureCount} on a log scale, ln(x + offset)");
    }

    private static string SchemaPath(DemoOptions options) =>
        Path.Combine(options.DataDirectory ?? FindDataDirectory(), options.Dataset + ".schema.json");

    private static ProtectionMode ToProtection(string mode) => mode == "he" ? ProtectionMode.He : ProtectionMode.Mask;

    private static async Task<double[]> RunProtectedAsync(
        FederatedAveraging federation,
        SecureAggregator aggregator,
        DemoOptions options,
        FixedPointCodec codec,
        Action<int, double> progress,
        Action<int, int> trained,
        int tailRounds,
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
            progress,
            trained,
            tailRounds).ConfigureAwait(false);
    }

    // Client-level DP: each client contributes its whole delta, clipped and noised by the
    // round's codec, and the global model moves by the unweighted, noised average.
    // The appliance's epsilon after each round is appended to epsilon.
    private static async Task<double[]> RunPrivateAsync(
        FederatedAveraging federation,
        SecureAggregator aggregator,
        DemoPrivacy privacy,
        List<double> epsilon,
        Action<int, double> progress,
        Action<int, int> trained,
        int tailRounds,
        CancellationToken cancellation)
    {
        return await federation.RunAsync(
            privacy.Rounds,
            async updates =>
            {
                var (average, spent) = await aggregator.AggregatePrivateAsync(
                    [.. updates.Select(u => u.Delta)], privacy, cancellation).ConfigureAwait(false);
                epsilon.Add(spent);
                return average;
            },
            progress,
            trained,
            tailRounds).ConfigureAwait(false);
    }

    // The two callbacks FederatedAveraging takes, turned into DemoProgress reports.
    private static (Action<int, double> Round, Action<int, int> Trained) Listeners(
        Action<DemoProgress>? progress,
        string run,
        DemoOptions options,
        FederatedAveraging federation,
        List<double>? epsilon)
    {
        DemoProgress At(int round, int trained, double? accuracy) => new(
            run,
            round,
            options.Rounds,
            trained,
            options.Clients,
            accuracy,
            epsilon is { Count: > 0 } ? epsilon[^1] : null,
            federation.RecordEpsilonSpent);
        return (
            (round, accuracy) => progress?.Invoke(At(round, options.Clients, accuracy)),
            (round, trained) => progress?.Invoke(At(round, trained, null)));
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
