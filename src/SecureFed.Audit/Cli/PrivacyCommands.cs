using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SecureFed.Privacy.Accounting;

namespace SecureFed.Audit.Cli;

/// <summary>
/// <c>securefed-audit epsilon</c> and <c>calibrate</c>: the privacy of T steps of the
/// Poisson-subsampled Gaussian mechanism, computed by the auditor's own accountant.
/// </summary>
internal static class PrivacyCommands
{
    // Limitation: only the RDP accountant is built; the PLD accountant will join it as a
    // second value of --accountant.
    private static readonly string[] Accountants = ["rdp"];

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

        command.SetAction(parse => Run(parse.GetValue(json), () =>
        {
            var (epsilon, order) = RdpAccountant.Epsilon(
                parse.GetValue(noise), parse.GetValue(rate), parse.GetValue(steps), parse.GetValue(delta));
            return new PrivacyReport(
                epsilon, parse.GetValue(delta), order, parse.GetValue(noise), parse.GetValue(rate),
                parse.GetValue(steps), parse.GetValue(accountant)!);
        }));
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
            double z = Calibration.NoiseMultiplierFor(
                parse.GetValue(epsilon), parse.GetValue(delta), parse.GetValue(rate), parse.GetValue(steps));
            var (spent, order) = RdpAccountant.Epsilon(
                z, parse.GetValue(rate), parse.GetValue(steps), parse.GetValue(delta));
            return new PrivacyReport(
                spent, parse.GetValue(delta), order, z, parse.GetValue(rate), parse.GetValue(steps),
                parse.GetValue(accountant)!);
        }));
        return command;
    }

    private static Option<T> Required<T>(string name, string description) =>
        new(name) { Description = description, Required = true };

    private static Option<string> AccountantOption()
    {
        var option = new Option<string>("--accountant")
        {
            Description = "Privacy accountant: rdp (Rényi DP with the improved conversion).",
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
            Console.WriteLine(string.Create(c, $"  accountant {report.Accountant}, optimal order {report.Order:G4}"));
        }

        return 0;
    }
}
