using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using SecureFed.Simulator.Demo;

namespace SecureFed.Simulator.Cli;

/// <summary>
/// <c>securefed-sim demo</c>: federated training of a small model on a public data set, in
/// the clear and through real protected rounds, with the test accuracy of each.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var arguments = new DemoArguments();
        var command = new Command("demo", "Federated training in the clear and through protected rounds on loopback.");
        foreach (var option in arguments.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            bool asJson = parse.GetValue(arguments.Json);
            if (arguments.Validate(parse) is { } error)
            {
                return Output.Fail(asJson, error);
            }

            var options = arguments.ToOptions(parse);
            var c = CultureInfo.InvariantCulture;
            var display = new DemoDisplay(asJson);

            string? directory = parse.GetValue(arguments.Out);
            if (arguments.Sweep(parse) is { } budgets)
            {
                return RunSweep(options, budgets, directory, asJson, display);
            }

            DemoReport report;
            try
            {
                report = display.RunAsync(progress => DemoRunner.RunAsync(options, progress))
                    .GetAwaiter().GetResult();
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
                        ? string.Create(
                            c, $"; record-level epsilon {recordSpent:0.###} per client at delta {report.Delta:G3}")
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
                var run = options with { Epsilon = budget };
                reports.Add(display.RunAsync(progress => DemoRunner.RunAsync(run, progress)).GetAwaiter().GetResult());
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
}
