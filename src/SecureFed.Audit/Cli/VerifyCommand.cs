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

    /// <summary>
    /// The checks run after the ledger audit, in order. Aggregate spot checks join here.
    /// </summary>
    public static IReadOnlyList<VerifyCheck> Checks { get; } = [];

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
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("verify", "Verify a ledger export offline: chain, signatures, "
            + "certificates, contributions, rounds, decryption shares and the privacy budget.")
        {
            ledger, key, json,
        };
        command.SetAction(parse => Execute(new VerifyOptions(
            parse.GetValue(ledger)!, parse.GetValue(key), parse.GetValue(json))));
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
            Console.WriteLine(JsonSerializer.Serialize(ToJson(result), Output.JsonOptions));
        }
        else
        {
            PrintReport(options, result);
        }

        return result.Ok ? 0 : Findings;
    }

    /// <summary>
    /// Reads the inputs and runs the ledger audit, then every check of <see cref="Checks"/>.
    /// </summary>
    /// <exception cref="AuditInputException">An input cannot be read.</exception>
    public static VerifyResult Run(VerifyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pinned = options.LedgerKey is null ? null : AuditInput.ReadLedgerKey(options.LedgerKey);
        var export = AuditInput.ReadLedger(options.LedgerPath);
        var report = LedgerAudit.Run(export, new LedgerAuditOptions(pinned));
        var context = new VerifyContext(options, export, pinned ?? export.LedgerPublicKey, report);
        var findings = new List<AuditFinding>(report.Findings);
        foreach (var check in Checks)
        {
            check(context, findings);
        }

        return new VerifyResult(report, findings);
    }

    private static object ToJson(VerifyResult result)
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
            checkpoint_size = ledger.CheckpointSize,
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
        Console.WriteLine(
            $"{ledger.Rounds} rounds, {ledger.Contributions} contributions, {ledger.Enrollments} " +
            "enrollments checked");
        foreach (string name in CheckNames(result))
        {
            int count = result.Findings.Count(f => f.Check == name);
            Console.WriteLine(count == 0 ? $"  pass  {name}" : $"  FAIL  {name} ({count})");
        }

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
