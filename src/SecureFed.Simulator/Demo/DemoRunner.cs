// The demo: one data set, split among simulated clients, trained by federated averaging
// three ways: in the clear (the baseline), through mask-mode rounds and through HE-mode
// rounds of a real appliance on loopback. Without differential privacy the protected runs
// see exact sums up to fixed-point rounding, so their curves track the baseline closely.

using System.Diagnostics;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Training;
using SecureFed.Training.Data;

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
        var (clientData, test) = Prepare(options);
        var training = new TrainingOptions { Seed = options.Seed };

        var curves = new Dictionary<string, double[]>();
        using (var baseline = new FederatedAveraging(clientData, test, training))
        {
            curves["baseline"] = await baseline.RunAsync(
                options.Rounds, FederatedAveraging.PlainAverage, (r, a) => progress?.Invoke("baseline", r, a))
                .ConfigureAwait(false);
        }

        // The server is trusted with nothing but a bound: no client holds more rows than the
        // whole training set, so sum_k n_k |clip(delta_k)| <= clip * rows for every coordinate.
        int rows = clientData.Sum(d => d.RowCount);
        var codec = FixedPointCodec.ForSumBound(options.Clip * rows, options.Clients, options.Scale);
        var modeSeconds = new Dictionary<string, double>();
        foreach (string mode in options.Modes)
        {
            var modeTimer = Stopwatch.StartNew();
            curves[mode] = await RunProtectedAsync(mode, options, clientData, test, training, codec, progress, cancellation)
                .ConfigureAwait(false);
            modeSeconds[mode] = Math.Round(modeTimer.Elapsed.TotalSeconds, 2);
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

            // Limitation: no client-level DP in this first version, so no epsilon to report;
            // the distributed DP codec and the round's DP settings are not wired in yet.
            Epsilon = null,
            Delta = null,
            Bits = codec.Bits,
            ModeSeconds = modeSeconds,
            Seconds = Math.Round(timer.Elapsed.TotalSeconds, 2),
        };
    }

    /// <summary>Loads, splits 80/20, standardises and partitions the data set.</summary>
    public static (TabularDataSet[] Clients, TabularDataSet Test) Prepare(DemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!LabelColumns.TryGetValue(options.Dataset, out string? labelColumn))
        {
            throw new ArgumentException($"Unknown data set '{options.Dataset}'.", nameof(options));
        }

        string path = Path.Combine(options.DataDirectory ?? FindDataDirectory(), options.Dataset + ".csv");
        var (train, test) = TabularDataSet.LoadCsv(path, labelColumn).Split(0.2, options.Seed);

        // Limitation: the standardisation statistics come from the whole training set, which
        // no single party holds in a real federation; they should come from one protected
        // round of per-client sums and sums of squares.
        var (mean, scale) = train.FeatureMoments();
        train = train.Standardize(mean, scale);
        test = test.Standardize(mean, scale);

        var parts = options.Partition == "dirichlet"
            ? ClientPartition.Dirichlet(train.Labels, options.Clients, options.Alpha, options.Seed)
            : ClientPartition.Iid(train.RowCount, options.Clients, options.Seed);
        return ([.. parts.Select(rows => train.Select(rows))], test);
    }

    private static async Task<double[]> RunProtectedAsync(
        string mode,
        DemoOptions options,
        TabularDataSet[] clientData,
        TabularDataSet test,
        TrainingOptions training,
        FixedPointCodec codec,
        Action<string, int, double>? progress,
        CancellationToken cancellation)
    {
        var protection = mode == "he" ? ProtectionMode.He : ProtectionMode.Mask;
        await using var aggregator = await SecureAggregator.StartAsync(protection, options.Clients, cancellation)
            .ConfigureAwait(false);
        using var federation = new FederatedAveraging(clientData, test, training);
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
            (r, a) => progress?.Invoke(mode, r, a)).ConfigureAwait(false);
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
