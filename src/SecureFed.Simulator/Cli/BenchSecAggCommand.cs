using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SecureFed.Simulator.SecAgg;

namespace SecureFed.Simulator.Cli;

/// <summary><c>securefed-sim bench secagg</c>: one mask-mode round in memory, with figures.</summary>
internal static class BenchSecAggCommand
{
    public static Command Create()
    {
        var clients = new Option<int>("--clients") { Description = "Clients in the round.", Required = true };
        var dim = new Option<int>("--dim") { Description = "Length of each input vector.", Required = true };
        var dropout = new Option<double>("--dropout") { Description = "Fraction of clients that drop out (0 to 0.5)." };
        var dropoutAt = new Option<string>("--dropout-at")
        {
            Description = "Stage at which they drop: advertise, share, mask (after sharing keys) or unmask.",
            DefaultValueFactory = _ => "mask",
        };
        dropoutAt.AcceptOnlyFromAmong("advertise", "share", "mask", "unmask");
        var bits = new Option<int>("--bits")
        {
            Description = "Inputs live modulo 2^bits (1 to 64).",
            DefaultValueFactory = _ => 32,
        };
        var corrupt = new Option<double>("--corrupt")
        {
            Description = "Fraction of corrupt clients the parameters must tolerate.",
            DefaultValueFactory = _ => 0.05,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the simulated inputs and dropouts.",
            DefaultValueFactory = _ => 1,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };

        var command = new Command("secagg", "Run one SecAgg+ round in memory and report its cost.")
        {
            clients, dim, dropout, dropoutAt, bits, corrupt, seed, json,
        };
        command.SetAction(parse =>
        {
            string? error = parse.GetValue(clients) is < 2 or > 100_000 ? "--clients must be between 2 and 100000."
                : parse.GetValue(dim) is < 1 or > 100_000_000 ? "--dim must be between 1 and 100000000."
                : parse.GetValue(dropout) is not (>= 0 and <= 0.5) ? "--dropout must be between 0 and 0.5."
                : parse.GetValue(corrupt) is not (>= 0 and < 0.5) ? "--corrupt must be at least 0 and below 0.5."
                : parse.GetValue(bits) is < 1 or > 64 ? "--bits must be between 1 and 64."
                : null;
            if (error is not null)
            {
                return Output.Fail(parse.GetValue(json), error);
            }

            var options = new SecAggRoundOptions(
                parse.GetValue(clients),
                parse.GetValue(dim),
                parse.GetValue(bits),
                parse.GetValue(dropout),
                Enum.Parse<DropoutStage>(parse.GetValue(dropoutAt)!, ignoreCase: true),
                parse.GetValue(corrupt),
                parse.GetValue(seed));
            SecAggRoundReport report;
            try
            {
                report = SecAggRoundSimulation.Run(options, warmUp: true);
            }
            catch (InvalidOperationException e)
            {
                return Output.Fail(parse.GetValue(json), e.Message);
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Output.JsonOptions));
            }
            else
            {
                PrintSummary(report);
            }

            return report.Exact ? 0 : 1;
        });
        return command;
    }

    private static void PrintSummary(SecAggRoundReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"SecAgg+ round: {r.Clients} clients, d = {r.Dim}, modulus 2^{r.Bits}"));
        Console.WriteLine(string.Create(c, $"  neighbours k = {r.Neighbours}, threshold t = {r.Threshold}"));
        Console.WriteLine(string.Create(c, $"  dropped {r.Dropped} at {r.DropoutAt}; {r.Survivors} inputs in the sum"));
        Console.WriteLine(r.Aborted is null
            ? $"  sum exact: {(r.Exact ? "yes" : "NO")}"
            : $"  round aborted: {r.Aborted}");
        Console.WriteLine(string.Create(c, $"  client compute: median {r.ClientMs} ms, max {r.ClientMaxMs} ms"));
        double masking = r.ClientStageMs.GetValueOrDefault("mask");
        Console.WriteLine(string.Create(c, $"  client masking alone: median {masking} ms"));
        Console.WriteLine(string.Create(c, $"  server compute: {r.ServerMs} ms, unmasking {r.ServerUnmaskMs} ms"));
        Console.WriteLine(string.Create(c, $"  upload per client: {r.BytesUpPerClient} bytes"));
        string engine = r.PrgHardware ? "AES-NI" : "no AES-NI";
        Console.WriteLine(string.Create(c, $"  mask PRG: {r.PrgGbps} GB/s per core ({engine})"));
        Console.WriteLine(string.Create(c, $"  wall time: {r.WallMs} ms"));
    }
}
