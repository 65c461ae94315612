using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SecureFed.Protocol.Audit;

namespace SecureFed.Audit.Cli;

/// <summary>
/// <c>securefed-audit verify</c>: the whole offline audit of a ledger export. Exit code 0
/// when everything verifies, 1 when anything is found, 2 for bad usage or unreadable input.
/// </summary>
internal static class VerifyCommand
{
    /// <summary>Exit code of an audit with findings.</summary>
    public const int Findings = 1;

    public static Command Create()
    {
        var ledger = new Option<string>("--ledger")
        {
            Description = "The ledger export (securefed-enclave ledger export).", Required = true,
        };
        var key = new Option<string?>("--ledger-key")
        {
            Description = "The trusted ledger key: a file, or 32 bytes in hex or base64. Without it the "
                + "export's own key is used, and the report says the key was not pinned.",
        };
        var contributions = new Option<string?>("--contributions")
        {
            Description = "The contributions directory written by `securefed-enclave ledger export "
                + "--contributions`: spot-check every completed round's aggregate against it.",
        };
        var spotChecks = new Option<int>("--spot-checks")
        {
            Description = $"Coordinates sampled per round (1 to {AggregateAudit.MaxSpotChecks}, "
                + $"default {AggregateAudit.DefaultSpotChecks}).",
            DefaultValueFactory = _ => AggregateAudit.DefaultSpotChecks,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("verify", "Verify a ledger export offline: chain, signatures, "
            + "certificates, contributions, rounds, decryption shares, the privacy budget and, "
            + "with --contributions, each aggregate by sampling.")
        {
            ledger, key, contributions, spotChecks, json,
        };
        command.SetAction(parse => Execute(new VerifyOptions(
            parse.GetValue(ledger)!, parse.GetValue(key), parse.GetValue(json))
        {
            ContributionsDirectory = parse.GetValue(contributions),
            SpotChecks = parse.GetValue(spotChecks),
        }));
        return command;
    }

    /// <summary>Runs the audit, prints its report and returns the exit code.</summary>
    public static int Execute(VerifyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        VerifyResult result;
        try
        {
            result = Run(options);
        }
        catch (AuditInputException bad)
        {
            return Output.Refuse(options.Json, bad.Message);
        }

        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(ToJson(options, result), Output.JsonOptions));
        }
        else
        {
            PrintReport(options, result);
        }

        return result.Ok ? 0 : Findings;
    }

    /// <summary>
    /// Reads the inputs and runs the ledger audit, then, given a contributions directory, the
    /// aggregate spot checks.
    /// </summary>
    /// <exception cref="AuditInputException">An input cannot be read, or the number of spot
    /// checks is out of range.</exception>
    public static VerifyResult Run(VerifyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckSpotOptions(options);
        var pinned = options.LedgerKey is null ? null : AuditInput.ReadLedgerKey(options.LedgerKey);
        var export = AuditInput.ReadLedger(options.LedgerPath);
        var report = LedgerAudit.Run(export, new LedgerAuditOptions(pinned));
        var findings = new List<AuditFinding>(report.Findings);

        // The spot checks read payloads that the ledger audit has just checked; where it found
        // the chain or a signature broken, their findings still say which rounds disagree.
        AggregateAuditResult? spot = null;
        if (options.ContributionsDirectory is { } directory)
        {
            spot = AggregateAudit.Check(export.Entries, directory, options.SpotChecks);
            findings.AddRange(spot.Findings);
        }

        return new VerifyResult(report, spot, findings);
    }

    private static void CheckSpotOptions(VerifyOptions options)
    {
        if (options.SpotChecks is < 1 or > AggregateAudit.MaxSpotChecks)
        {
            throw new AuditInputException(string.Create(CultureInfo.InvariantCulture,
                $"--spot-checks must be 1 to {AggregateAudit.MaxSpotChecks}, not {options.SpotChecks}."));
        }

        if (options.ContributionsDirectory is { } directory && !Directory.Exists(directory))
        {
            throw new AuditInputException($"--contributions: no directory {directory}.");
        }
    }

    private static object ToJson(VerifyOptions options, VerifyResult result)
    {
        var ledger = result.Ledger;
        return new
        {
            ok = result.Ok,
            entries = ledger.Entries,
            rounds = ledger.Rounds,
            contributions = ledger.Contributions,
            enrollments = ledger.Enrollments,
            ledger_key = ledger.LedgerKeyHex,
            key_pinned = ledger.KeyPinned,
            certified_by = ledger.CertifiedBy,
            checkpoint_size = ledger.CheckpointSize,
            spot_checks = result.SpotChecks is { } spot
                ? new
                {
                    k = options.SpotChecks,
                    rounds = spot.RoundsChecked,
                    coordinates = spot.CoordinatesChecked,
                }
                : null,
            epsilon = new
            {
                per_round = ledger.PerRound.Select(r => new
                {
                    round = r.Round,
                    dp = r.Dp,
                    outcome = r.Outcome,
                    contributors = r.Contributors,
                    claimed_if_completed = r.ClaimedIfCompleted,
                    recomputed_if_completed = r.RecomputedIfCompleted,
                    claimed_spent = r.ClaimedSpent,
                    recomputed_spent = r.RecomputedSpent,
                }),
                cumulative = ledger.CumulativeEpsilon,
                limit = ledger.EpsilonLimit,
                delta = ledger.Delta,
                tolerance = LedgerAuditOptions.DefaultEpsilonTolerance,
            },
            checks = CheckNames(result).Select(name => new
            {
                check = name,
                ok = result.Findings.All(f => f.Check != name),
                findings = result.Findings.Count(f => f.Check == name),
            }),
            failures = result.Findings.Select(f => new
            {
                check = f.Check,
                entry = f.Entry,
                round = f.Round,
                reason = f.Reason,
            }),
        };
    }

    private static IEnumerable<string> CheckNames(VerifyResult result) =>
        LedgerAuditReport.Checks.Concat(result.Findings.Select(f => f.Check)).Distinct();

    private static void PrintReport(VerifyOptions options, VerifyResult result)
    {
        var ledger = result.Ledger;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(
            $"ledger {options.LedgerPath}: {ledger.Entries} entries, checkpoint of {ledger.CheckpointSize}");
        Console.WriteLine(ledger.KeyPinned
            ? $"ledger key {ledger.LedgerKeyHex} (pinned)"
            : $"ledger key {ledger.LedgerKeyHex} (NOT independently pinned: taken from the export; "
                + "pass --ledger-key)");
        Console.WriteLine(ledger.CertifiedBy is { } appliance
            ? $"ledger key vouched for by {appliance}, certified by the federation CA"
            : "ledger key not vouched for by an appliance certificate");
        Console.WriteLine(
            $"{ledger.Rounds} rounds, {ledger.Contributions} contributions, {ledger.Enrollments} " +
            "enrollments checked");
        foreach (string name in CheckNames(result))
        {
            int count = result.Findings.Count(f => f.Check == name);
            Console.WriteLine(count == 0 ? $"  pass  {name}" : $"  FAIL  {name} ({count})");
        }

        Console.WriteLine(result.SpotChecks is { } spot
            ? string.Create(CultureInfo.InvariantCulture,
                $"aggregate spot checks: {spot.RoundsChecked} rounds, {spot.CoordinatesChecked} "
                + $"coordinates summed against the client-signed contributions")
            : "aggregate spot checks: not run (pass --contributions DIR); the aggregate check "
                + "above covers the ledger's own records only");

        Console.WriteLine("epsilon, cumulative (claimed / recomputed):");
        foreach (var round in ledger.PerRound)
        {
            string spent = round.ClaimedSpent is { } claimed
                ? string.Create(c, $"spent {claimed:G6} / {round.RecomputedSpent:G6}")
                : string.Create(c, $"unchanged at {round.RecomputedSpent:G6}");
            Console.WriteLine(string.Create(c,
                $"  round {round.Round} {round.Outcome}{(round.Dp ? "" : ", no DP")}: " +
                $"if completed {round.ClaimedIfCompleted:G6} / {round.RecomputedIfCompleted:G6}, {spent}"));
        }

        Console.WriteLine(string.Create(c,
            $"cumulative epsilon {ledger.CumulativeEpsilon:G6}, limit {ledger.EpsilonLimit:G6}, " +
            $"delta {ledger.Delta:G3}"));
        foreach (var f in result.Findings)
        {
            string where = (f.Entry, f.Round) switch
            {
                ({ } e, { } r) => $" entry {e}, round {r}",
                ({ } e, null) => $" entry {e}",
                (null, { } r) => $" round {r}",
                _ => "",
            };
            Console.WriteLine($"  [{f.Check}]{where}: {f.Reason}");
        }

        Console.WriteLine(result.Ok ? "verdict: OK" : $"verdict: {result.Findings.Count} findings");
    }
}
