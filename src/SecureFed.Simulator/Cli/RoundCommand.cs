using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Simulator.Federation;

namespace SecureFed.Simulator.Cli;

/// <summary>
/// <c>securefed-sim round</c>: an appliance, clients and custodians in one process over gRPC
/// with mutual TLS on loopback; one round; the check that the aggregate is exact.
/// </summary>
internal static class RoundCommand
{
    public static Command Create()
    {
        var mode = new Option<string>("--mode") { Description = "mask or he.", Required = true };
        mode.AcceptOnlyFromAmong("mask", "he");
        var clients = new Option<int>("--clients") { Description = "Clients in the round.", Required = true };
        var dim = new Option<int>("--dim") { Description = "Length of each client's vector.", Required = true };
        var custodians = new Option<int>("--custodians")
        {
            Description = "HE mode: key custodians.",
            DefaultValueFactory = _ => 5,
        };
        var threshold = new Option<int>("--threshold")
        {
            Description = "HE mode: custodians needed to decrypt.",
            DefaultValueFactory = _ => 3,
        };
        var dropout = new Option<double>("--dropout") { Description = "Fraction of clients that drop out (0 to 0.5)." };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the inputs and dropouts.",
            DefaultValueFactory = _ => 1,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("round", "Run one round over real gRPC with mutual TLS on loopback.")
        {
            mode, clients, dim, custodians, threshold, dropout, seed, json,
        };
        command.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json);
            string? error = parse.GetValue(clients) is < 2 or > 1000 ? "--clients must be between 2 and 1000."
                : parse.GetValue(dim) is < 1 or > 10_000_000 ? "--dim must be between 1 and 10000000."
                : parse.GetValue(dropout) is not (>= 0 and <= 0.5) ? "--dropout must be between 0 and 0.5."
                : parse.GetValue(custodians) is < 2 or > 16 ? "--custodians must be between 2 and 16."
                : parse.GetValue(threshold) < 1 || parse.GetValue(threshold) > parse.GetValue(custodians)
                    ? "--threshold must be between 1 and --custodians."
                : null;
            if (error is not null)
            {
                return Output.Fail(asJson, error);
            }

            var options = new FederationRoundOptions(
                parse.GetValue(mode) == "he" ? ProtectionMode.He : ProtectionMode.Mask,
                parse.GetValue(clients),
                parse.GetValue(dim),
                parse.GetValue(custodians),
                parse.GetValue(threshold),
                parse.GetValue(dropout),
                Seed: parse.GetValue(seed));
            FederationRoundReport report;
            try
            {
                report = FederationRound.RunAsync(options).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is InvalidOperationException or RpcException)
            {
                return Output.Fail(
                    asJson, e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message);
            }

            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Output.JsonOptions));
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Create(c,
                    $"{report.Mode} round, {report.Clients} clients ({report.Contributors} contributed), "
                    + $"dim {report.Dim}, {report.Bits} bits"));
                Console.WriteLine(string.Create(c,
                    $"  exact: {(report.Exact ? "yes" : "NO")}; round {report.RoundMs} ms; "
                    + $"{report.BytesUpPerClient} bytes up per client"));
                if (report.Custodians is not null)
                {
                    Console.WriteLine(string.Create(
                        c, $"  custodians {report.Custodians}; key ceremony {report.CeremonyMs} ms"));
                }

                Console.WriteLine($"  transport: {report.Transport}; ledger entries {report.LedgerEntries}");
            }

            return report.Exact ? 0 : 1;
        });
        return command;
    }
}
