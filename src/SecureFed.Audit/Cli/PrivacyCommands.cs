using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SecureFed.Privacy.Accounting;
using SecureFed.Privacy.Accounting.Pld;

namespace SecureFed.Audit.Cli;

/// <summary>
/// <c>securefed-audit epsilon</c> and <c>calibrate</c>: the privacy of T steps of the
/// Poisson-subsampled Gaussian mechanism, computed by the auditor's own accountant.
/// </summary>
internal static class PrivacyCommands
{
    private static readonly string[] Accountants = ["rdp", "pld"];

    public static Command Epsilon()
    {
        var noise = Required<double>("--noise-multiplier", "Noise standard deviation over the clip norm.");
        var rate = Required<double>("--sample-rate", "Poisson sample rate q, in (0, 1].");
        var steps = Required<int>("--steps", "Number of rounds or steps.");
        var delta = Required<double>("--delta", "Target delta, in (0, 1).");
        var accountant = AccountantOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command(
            "epsilon", "Epsilon spent by T steps of the Poisson-subsampled Gaussian mechanism.")
        {
            noise, rate, steps, delta, accountant, json,
        };

        command.SetAction(parse => Run(parse.GetValue(json), () => Report(
            parse.GetValue(accountant)!,
            parse.GetValue(noise),
            parse.GetValue(rate),
            parse.GetValue(steps),
            parse.GetValue(delta))));
        return command;
    }

    public static Command Calibrate()
    {
        var epsilon = Required<double>("--epsilon", "Target epsilon.");
        var delta = Required<double>("--delta", "Target delta, in (0, 1).");
        var rate = Required<double>("--sample-rate", "Poisson sample rate q, in (0, 1].");
        var steps = Required<int>("--steps", "Number of rounds or steps.");
        var accountant = AccountantOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command(
            "calibrate", "The smallest noise multiplier that keeps T steps within (epsilon, delta).")
        {
            epsilon, delta, rate, steps, accountant, json,
        };

        command.SetAction(parse => Run(parse.GetValue(json), () =>
        {
            string name = parse.GetValue(accountant)!;
            double target = parse.GetValue(epsilon);
            double q = parse.GetValue(rate);
            int t = parse.GetValue(steps);
            double d = parse.GetValue(delta);
            double z = name == "pld"
                ? PldAccountant.NoiseMultiplierFor(target, d, q, t)
                : Calibration.NoiseMultiplierFor(target, d, q, t);
            return Report(name, z, q, t, d);
        }));
        return command;
    }

    // The RDP accountant also names the Rényi order that attains epsilon; PLD has none.
    private static PrivacyReport Report(string accountant, double noise, double rate, int steps, double delta)
    {
        if (accountant == "pld")
        {
            double epsilon = PldAccountant.Epsilon(noise, rate, steps, delta);
            return new PrivacyReport(epsilon, delta, null, noise, rate, steps, accountant);
        }

        var (rdpEpsilon, order) = RdpAccountant.Epsilon(noise, rate, steps, delta);
        return new PrivacyReport(rdpEpsilon, delta, order, noise, rate, steps, accountant);
    }

    private static Option<T> Required<T>(string name, string description) =>
        new(name) { Description = description, Required = true };

    private static Option<string> AccountantOption()
    {
        var option = new Option<string>("--accountant")
        {
            Description = "Privacy accountant: rdp (Rényi DP, improved conversion) or pld "
                + "(privacy loss distribution, pessimistic grid of 1e-4).",
            DefaultValueFactory = _ => "rdp",
        };
        option.AcceptOnlyFromAmong(Accountants);
        return option;
    }

    // The accountant names its parameters as C# does; the user typed options.
    private static string Describe(ArgumentOutOfRangeException e)
    {
        string option = e.ParamName switch
        {
            "noiseMultiplier" => "--noise-multiplier",
            "sampleRate" => "--sample-rate",
            "steps" => "--steps",
            "delta" => "--delta",
            "targetEpsilon" or "epsilon" => "--epsilon",
            _ => e.ParamName ?? "a parameter",
        };
        string reason = e.Message.Split(" (Parameter", 2)[0].Split('\n', 2)[0];
        return string.Create(CultureInfo.InvariantCulture, $"{option}: {reason} (got {e.ActualValue})");
    }

    private static int Run(bool json, Func<PrivacyReport> compute)
    {
        PrivacyReport report;
        try
        {
            report = compute();
        }
        catch (ArgumentOutOfRangeException e)
        {
            return Output.Refuse(json, Describe(e));
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, Output.JsonOptions));
        }
        else
        {
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(c, $"epsilon = {report.Epsilon:G7} at delta = {report.Delta:G3}"));
            Console.WriteLine(string.Create(
                c, $"  noise multiplier {report.NoiseMultiplier:G6}, sample rate {report.SampleRate:G6}"));
            Console.WriteLine(string.Create(c, $"  {report.Steps} steps"));
            Console.WriteLine(report.Order is { } order
                ? string.Create(c, $"  accountant {report.Accountant}, optimal order {order:G4}")
                : $"  accountant {report.Accountant}");
        }

        return 0;
    }
}
