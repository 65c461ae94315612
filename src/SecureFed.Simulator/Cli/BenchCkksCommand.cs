using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SecureFed.Crypto.Ckks;
using SecureFed.Simulator.Ckks;

namespace SecureFed.Simulator.Cli;

/// <summary><c>securefed-sim bench ckks</c>: timings, sizes and checks of the CKKS engine.</summary>
internal static class BenchCkksCommand
{
    public static Command Create()
    {
        var n = new Option<int>("--n")
        {
            Description = "Ring degree: 4096, 8192, 16384 or 32768.",
            DefaultValueFactory = _ => 8192,
        };
        var repetitions = new Option<int>("--repetitions")
        {
            Description = "Timed repetitions per figure (the median is printed), 1 to 10000.",
            DefaultValueFactory = _ => 50,
        };
        var clients = new Option<int>("--clients")
        {
            Description = "Clients in the exact threshold-sum check, 1 to 100000.",
            DefaultValueFactory = _ => 100,
        };
        var nodeSeal = new Option<bool>("--compare-node-seal")
        {
            Description = "Also run bench/node-seal (SEAL in WebAssembly) in the same run.",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };

        var command = new Command("ckks", "Time the CKKS engine and check its exact threshold sum.")
        {
            n, repetitions, clients, nodeSeal, json,
        };
        command.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json);
            string? error = !CkksParameters.SupportedRingDegrees.Contains(parse.GetValue(n))
                    ? "--n must be 4096, 8192, 16384 or 32768."
                : parse.GetValue(repetitions) is < 1 or > 10_000
                    ? "--repetitions must be between 1 and 10000."
                : parse.GetValue(clients) is < 1 or > 100_000
                    ? "--clients must be between 1 and 100000."
                : null;
            if (error is not null)
            {
                return Output.Fail(asJson, error);
            }

            CkksBenchReport report = CkksBenchmark.Run(
                parse.GetValue(n), parse.GetValue(repetitions), parse.GetValue(clients));
            if (parse.GetValue(nodeSeal))
            {
                NodeSealReport reference;
                try
                {
                    reference = NodeSealRunner.Run(parse.GetValue(repetitions));
                }
                catch (InvalidOperationException e)
                {
                    return Output.Fail(asJson, e.Message);
                }

                report = report with
                {
                    NodeSeal = reference,
                    EncryptPkSpeedupOverNodeSeal = Math.Round(
                        reference.EncryptPkMs / report.EncryptPkMs, 2),
                };
            }

            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Output.JsonOptions));
            }
            else
            {
                PrintSummary(report);
            }

            return report.ExactThresholdSum == false ? 1 : 0;
        });
        return command;
    }

    private static void PrintSummary(CkksBenchReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(
            c, $"CKKS, N = {r.N}, primes [{string.Join(", ", r.PrimeBits)}] + special " +
            $"{r.SpecialPrimeBits} bits, log2 QP <= {r.LogQp} (128-bit bound " +
            $"{r.LogQBound128}), AVX2 {(r.Avx2 ? "on" : "off")}"));
        Console.WriteLine(string.Create(c, $"  medians of {r.Repetitions} repetitions, one thread:"));
        Console.WriteLine(string.Create(
            c, $"  encode {r.EncodeMs} ms (coefficients, scale 2^{r.EncodeCoefficientsScaleBits}: " +
            $"{r.EncodeCoefficientsMs} ms)"));
        Console.WriteLine(string.Create(
            c, $"  encrypt public key {r.EncryptPkMs} ms, secret key {r.EncryptSkMs} ms"));
        Console.WriteLine(string.Create(c, $"  add {r.AddMs} ms, decrypt {r.DecryptMs} ms"));
        Console.WriteLine(string.Create(
            c, $"  decryption share {r.DecryptShareMs} ms, combine 3 shares {r.CombineMs} ms"));
        Console.WriteLine(string.Create(c, $"  decode {r.DecodeMs} ms"));
        Console.WriteLine(string.Create(
            c, $"  serialize {r.SerializeMs} ms, deserialize {r.DeserializeMs} ms"));
        Console.WriteLine(string.Create(
            c, $"  ciphertext {r.CiphertextBytes} bytes ({r.CiphertextBytesUnpacked} unpacked, " +
            $"{r.CiphertextBytesSeeded} secret-key with seed)"));
        Console.WriteLine(string.Create(
            c, $"  {r.Slots} slots: {r.BytesPerValueSlots} bytes/value; {r.CoefficientValues} " +
            $"coefficients: {r.BytesPerValueCoefficients} bytes/value"));
        Console.WriteLine(string.Create(c, $"  precision {r.PrecisionBits} bits (scale 2^40)"));
        Console.WriteLine(r.ExactThresholdSum is { } exact
            ? string.Create(
                c, $"  exact 3-of-5 threshold sum of {r.ExactSumClients} clients at scale " +
                $"2^{r.ExactSumScaleBits}: {(exact ? "yes" : "NO")}")
            : string.Create(
                c, $"  exact threshold sum not run: a {r.LogQ}-bit Q cannot hold " +
                $"{r.ExactSumClients} clients' 20-bit sums above the flooding noise"));
        if (r.NodeSeal is { } seal)
        {
            Console.WriteLine(string.Create(
                c, $"  {seal.Library}: encode {seal.EncodeMs} ms, encrypt public key " +
                $"{seal.EncryptPkMs} ms, add {seal.AddMs} ms, decrypt {seal.DecryptMs} ms, " +
                $"decode {seal.DecodeMs} ms"));
            Console.WriteLine(string.Create(
                c, $"  public-key encryption: {r.EncryptPkSpeedupOverNodeSeal}x node-seal's speed"));
        }
    }
}
