using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using SecureFed.Simulator.Demo;
using SecureFed.Training;
using SecureFed.Training.Federated;
using SecureFed.Training.Models;

namespace SecureFed.Simulator.Cli;

/// <summary>
/// <c>securefed-sim demo</c>: federated training of a small model on a public data set, in
/// the clear and through real protected rounds, with the test accuracy of each.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var mode = new Option<string>("--mode")
        {
            Description = "mask, he or both.",
            DefaultValueFactory = _ => "both",
        };
        mode.AcceptOnlyFromAmong("mask", "he", "both");
        var dataset = new Option<string>("--dataset")
        {
            Description = "wdbc or digits.",
            DefaultValueFactory = _ => "wdbc",
        };
        dataset.AcceptOnlyFromAmong("wdbc", "digits");
        var clients = new Option<int>("--clients") { Description = "Clients.", DefaultValueFactory = _ => 8 };
        var rounds = new Option<int>("--rounds")
        {
            Description = "Rounds of federated averaging.",
            DefaultValueFactory = _ => new DemoOptions().Rounds,
        };
        var epsilon = new Option<double?>("--epsilon")
        {
            Description = "Target epsilon of client-level DP over all rounds (protected modes only).",
        };
        var recordEpsilon = new Option<double?>("--record-epsilon")
        {
            Description = "Each client's target epsilon of record-level DP (DP-SGD) over all rounds; "
                + "3 unless --epsilon, --epsilons or --no-dp is given.",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Expected local batch size (default 32); DP-SGD samples rows at batch / rows.",
            DefaultValueFactory = _ => 32,
        };
        var epsilons = new Option<string?>("--epsilons")
        {
            Description = "Comma-separated target epsilons: one DP demo each, and accuracy against epsilon.",
        };
        var delta = new Option<double>("--delta")
        {
            Description = "Delta of client-level DP.",
            DefaultValueFactory = _ => 1e-5,
        };
        var clip = new Option<double>("--clip")
        {
            Description = "With --epsilon, the L2 norm each client's whole delta is clipped to.",
            DefaultValueFactory = _ => new DemoOptions().ClipNorm,
        };
        var outDir = new Option<string?>("--out")
        {
            Description = "Write report.md and accuracy.png here (with DP epsilon.png; with --epsilons sweep.md).",
        };
        var partition = new Option<string>("--partition")
        {
            Description = "dirichlet (label skew, alpha 0.5) or iid.",
            DefaultValueFactory = _ => new DemoOptions().Partition,
        };
        partition.AcceptOnlyFromAmong("iid", "dirichlet");
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the split, partition and training.",
            DefaultValueFactory = _ => 1,
        };
        var server = new Option<string>("--server-optimizer")
        {
            Description = "The server optimiser of every run: fedavg, fedavgm or fedadam.",
            DefaultValueFactory = _ => "fedavgm",
        };
        server.AcceptOnlyFromAmong("fedavg", "fedavgm", "fedadam");
        var serverRate = new Option<double?>("--server-lr")
        {
            Description = "The server learning rate (default 1 for fedavg and fedavgm, 0.03 for fedadam).",
        };
        var serverMomentum = new Option<double?>("--server-momentum")
        {
            Description = "beta of fedavgm, beta1 of fedadam (default 0.9).",
        };
        var tail = new Option<int?>("--tail-rounds")
        {
            Description = "The final model averages the global models of this many last rounds (default: a quarter of the rounds).",
        };
        var localRate = new Option<double?>("--lr") { Description = "The clients' local learning rate." };
        var localOptimizer = new Option<string?>("--optimizer") { Description = "The clients' optimiser: sgd or adam." };
        localOptimizer.AcceptOnlyFromAmong("sgd", "adam");
        var localEpochs = new Option<int?>("--local-epochs") { Description = "Local epochs per round." };
        var recordClip = new Option<double?>("--record-clip")
        {
            Description = "With record-level DP, the L2 norm each example's gradient is clipped to.",
        };
        var momentsShare = new Option<double?>("--moments-share")
        {
            Description = "With record-level DP, the share of epsilon spent on the feature moments (default 0.3).",
        };
        var standardize = new Option<string>("--standardize")
        {
            Description = "moments (from a protected round, noised under record-level DP) or schema (public ranges).",
            DefaultValueFactory = _ => "moments",
        };
        standardize.AcceptOnlyFromAmong("moments", "schema");
        var noDp = new Option<bool>("--no-dp")
        {
            Description = "Train the protected modes without DP: their sums are exact, their curves the baseline's.",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("demo", "Federated training in the clear and through protected rounds on loopback.")
        {
            mode, dataset, clients, rounds, epsilon, epsilons, recordEpsilon, batchSize, delta, clip, outDir,
            partition, seed, server, serverRate, serverMomentum, tail, localOptimizer, localRate, localEpochs, recordClip, momentsShare, standardize, noDp, json,
        };
        command.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json);
            string? error = parse.GetValue(clients) is < 3 or > 100 ? "--clients must be between 3 and 100."
                : parse.GetValue(rounds) is < 1 or > 1000 ? "--rounds must be between 1 and 1000."
                : parse.GetValue(epsilon) is { } target && !(target > 0 && double.IsFinite(target))
                    ? "--epsilon must be positive and finite."
                : parse.GetValue(recordEpsilon) is { } record && !(record > 0 && double.IsFinite(record))
                    ? "--record-epsilon must be positive and finite."
                : parse.GetValue(batchSize) is < 1 or > 100_000
                    ? "--batch-size must be from 1 to 100000."
                : parse.GetValue(epsilons) is { } list && Budgets(list) is null
                    ? "--epsilons must be a comma-separated list of positive, finite numbers."
                : parse.GetValue(epsilons) is not null && parse.GetValue(epsilon) is not null
                    ? "--epsilon and --epsilons exclude each other."
                : parse.GetValue(noDp) && (parse.GetValue(epsilon) is not null
                    || parse.GetValue(epsilons) is not null || parse.GetValue(recordEpsilon) is not null)
                    ? "--no-dp excludes --epsilon, --epsilons and --record-epsilon."
                : parse.GetValue(delta) is var d && !(d > 0 && d < 1) ? "--delta must be in (0, 1)."
                : parse.GetValue(serverMomentum) is { } beta && !(beta >= 0 && beta < 1)
                    ? "--server-momentum must lie in [0, 1)."
                : parse.GetValue(serverRate) is { } eta && !(eta > 0 && double.IsFinite(eta))
                    ? "--server-lr must be positive and finite."
                : parse.GetValue(localRate) is { } lr && !(lr > 0 && double.IsFinite(lr))
                    ? "--lr must be positive and finite."
                : parse.GetValue(tail) is < 1 ? "--tail-rounds must be at least 1."
                : parse.GetValue(localEpochs) is < 1 or > 100 ? "--local-epochs must be from 1 to 100."
                : parse.GetValue(recordClip) is { } rc && !(rc > 0 && double.IsFinite(rc))
                    ? "--record-clip must be positive and finite."
                : parse.GetValue(momentsShare) is { } share && !(share > 0 && share < 1)
                    ? "--moments-share must lie in (0, 1)."
                : parse.GetValue(clip) is var norm && !(norm > 0 && double.IsFinite(norm))
                    ? "--clip must be positive and finite."
                : null;
            if (error is not null)
            {
                return Output.Fail(asJson, error);
            }

            string modes = parse.GetValue(mode)!;
            var options = new DemoOptions
            {
                Dataset = parse.GetValue(dataset)!,
                Modes = modes == "both" ? ["mask", "he"] : [modes],
                Clients = parse.GetValue(clients),
                Rounds = parse.GetValue(rounds),
                Partition = parse.GetValue(partition)!,
                Seed = parse.GetValue(seed),
                Epsilon = parse.GetValue(epsilon),
                RecordEpsilon = parse.GetValue(recordEpsilon)
                    ?? (parse.GetValue(noDp) || parse.GetValue(epsilon) is not null || parse.GetValue(epsilons) is not null
                        ? null
                        : new DemoOptions().RecordEpsilon),
                BatchSize = parse.GetValue(batchSize),
                Delta = parse.GetValue(delta),
                ClipNorm = parse.GetValue(clip),
                Server = ServerSettings(parse.GetValue(server)!, parse.GetValue(serverRate), parse.GetValue(serverMomentum)),
                Training = LocalSettings(parse.GetValue(localRate), parse.GetValue(localEpochs), parse.GetValue(localOptimizer)),
                RecordClipNorm = parse.GetValue(recordClip) ?? new DemoOptions().RecordClipNorm,
                MomentsShare = parse.GetValue(momentsShare) ?? new DemoOptions().MomentsShare,
                TailRounds = parse.GetValue(tail),
                Standardization = parse.GetValue(standardize)!,
            };
            var c = CultureInfo.InvariantCulture;
            var display = new DemoDisplay(asJson);

            string? directory = parse.GetValue(outDir);
            if (parse.GetValue(epsilons) is { } sweep)
            {
                return RunSweep(options, Budgets(sweep)!, directory, asJson, display);
            }

            DemoReport report;
            try
            {
                report = display.RunAsync(progress => DemoRunner.RunAsync(options, progress)).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is InvalidOperationException or RpcException or IOException)
            {
                string message = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;
                return Output.Fail(asJson, message);
            }

            if (directory is not null)
            {
                DemoReportWriter.Write(report, directory);
            }

            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Output.JsonOptions));
            }
            else
            {
                Console.WriteLine(string.Create(c, $"baseline {report.BaselineAccuracy:0.0000}; ")
                    + string.Join("; ", report.Accuracy.Select(kv => string.Create(c, $"{kv.Key} {kv.Value:0.0000}")))
                    + string.Create(c, $"; {report.Clients} clients, {report.Rounds} rounds, {report.Seconds} s")
                    + (report.RecordEpsilon is { } recordSpent
                        ? string.Create(c, $"; record-level epsilon {recordSpent:0.###} per client at delta {report.Delta:G3}")
                        : "")
                    + (report.ClientEpsilon is { } spent
                        ? string.Create(c, $"; client-level epsilon {spent:0.###} at delta {report.Delta:G3}")
                        : "")
                    + (report.Epsilon is null ? "; no DP" : ""));
                if (directory is not null)
                {
                    Console.WriteLine($"wrote {directory}: {string.Join(", ", DemoReportWriter.Files(report))}");
                }
            }

            return 0;
        });
        return command;
    }

    // One DP demo per budget, the same data, split and seed for each, so that the runs
    // differ only in their noise multiplier.
    private static int RunSweep(
        DemoOptions options,
        double[] budgets,
        string? directory,
        bool asJson,
        DemoDisplay display)
    {
        var c = CultureInfo.InvariantCulture;
        var reports = new List<DemoReport>();
        foreach (double budget in budgets)
        {
            try
            {
                reports.Add(display.RunAsync(progress => DemoRunner.RunAsync(options with { Epsilon = budget }, progress))
                    .GetAwaiter().GetResult());
            }
            catch (Exception e) when (e is InvalidOperationException or RpcException or IOException)
            {
                string message = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;
                return Output.Fail(asJson, message);
            }

            if (!asJson)
            {
                var last = reports[^1];
                Console.WriteLine(
                    string.Create(c, $"epsilon {last.ClientEpsilon:0.###}: baseline {last.BaselineAccuracy:0.0000}; ")
                    + string.Join("; ", last.Accuracy.Select(kv => string.Create(c, $"{kv.Key} {kv.Value:0.0000}"))));
            }
        }

        if (directory is not null)
        {
            EpsilonSweepWriter.Write(reports, directory);
        }

        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(reports, Output.JsonOptions));
        }
        else if (directory is not null)
        {
            Console.WriteLine($"wrote {Path.Combine(directory, "sweep.md")} and accuracy-vs-epsilon.png");
        }

        return 0;
    }

    private static ServerOptimizerOptions ServerSettings(string name, double? rate, double? momentum)
    {
        var kind = name switch
        {
            "fedavg" => ServerOptimizerKind.FedAvg,
            "fedadam" => ServerOptimizerKind.FedAdam,
            _ => ServerOptimizerKind.FedAvgM,
        };
        return new ServerOptimizerOptions
        {
            Kind = kind,
            LearningRate = rate ?? (kind == ServerOptimizerKind.FedAdam ? 0.03 : 1.0),
            Momentum = momentum ?? new ServerOptimizerOptions().Momentum,
        };
    }

    private static TrainingOptions LocalSettings(double? rate, int? epochs, string? optimizer)
    {
        var defaults = new DemoOptions().Training;
        return defaults with
        {
            Optimizer = optimizer switch
            {
                "adam" => OptimizerKind.Adam,
                "sgd" => OptimizerKind.Sgd,
                _ => defaults.Optimizer,
            },
            LearningRate = rate ?? defaults.LearningRate,
            LocalEpochs = epochs ?? defaults.LocalEpochs,
        };
    }

    // The budgets of --epsilons, or null when one is not a positive, finite number.
    private static double[]? Budgets(string list)
    {
        var budgets = new List<double>();
        foreach (string item in list.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out double budget)
                || !(budget > 0 && double.IsFinite(budget)))
            {
                return null;
            }

            budgets.Add(budget);
        }

        return [.. budgets];
    }
}
