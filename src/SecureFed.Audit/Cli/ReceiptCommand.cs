using System.CommandLine;
using System.Text.Json;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Audit;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Audit.Cli;

/// <summary>
/// <c>securefed-audit receipt</c>: checks one participant's receipt (the file its state
/// folder keeps, see <see cref="LedgerReceipt.ToJson"/>) against a ledger export: the
/// receipt's own signatures and inclusion proof, the same entry at the same index in the
/// ledger, the checkpoint against the ledger, and the ledger's chain. Exit codes as verify.
/// </summary>
internal static class ReceiptCommand
{
    public static Command Create()
    {
        var receipt = new Option<string>("--receipt") { Description = "The receipt file.", Required = true };
        var ledger = new Option<string>("--ledger") { Description = "The ledger export.", Required = true };
        var key = new Option<string?>("--ledger-key")
        {
            Description =
                "The trusted ledger key: a file, or 32 bytes in hex or base64; the export's by default.",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("receipt", "Check a participant's receipt against a ledger export.")
        {
            receipt, ledger, key, json,
        };
        command.SetAction(parse => Execute(
            parse.GetValue(receipt)!, parse.GetValue(ledger)!, parse.GetValue(key), parse.GetValue(json)));
        return command;
    }

    public static int Execute(string receiptPath, string ledgerPath, string? ledgerKey, bool json)
    {
        LedgerReceipt receipt;
        LedgerExport export;
        Ed25519PublicKey? pinned;
        try
        {
            pinned = ledgerKey is null ? null : AuditInput.ReadLedgerKey(ledgerKey);
            receipt = AuditInput.ReadReceipt(receiptPath);
            export = AuditInput.ReadLedger(ledgerPath);
        }
        catch (AuditInputException bad)
        {
            return Output.Refuse(json, bad.Message);
        }

        var key = pinned ?? export.LedgerPublicKey;
        var findings = new List<AuditFinding>();
        if (pinned is not null && !pinned.Equals(export.LedgerPublicKey))
        {
            findings.Add(new AuditFinding(
                "signature", null, null, "The export names another ledger key than the pinned one."));
        }

        var verdict = LedgerVerifier.VerifyReceipt(receipt, export.Entries, key);
        if (!verdict.Ok)
        {
            findings.Add(new AuditFinding("receipt", verdict.FirstBadIndex, null, verdict.Message));
        }

        findings.AddRange(LedgerAudit.CheckChain(export.Entries, key));
        var entry = receipt.Entry;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                ok = findings.Count == 0,
                entry = entry.Index,
                kind = entry.Kind,
                checkpoint_size = receipt.Checkpoint.TreeSize,
                key_pinned = pinned is not null,
                failures = findings.Select(f => new
                {
                    check = f.Check, entry = f.Entry, round = f.Round, reason = f.Reason,
                }),
            }, Output.JsonOptions));
        }
        else
        {
            Console.WriteLine(
                $"receipt for entry {entry.Index} ({entry.Kind}), checkpoint of {receipt.Checkpoint.TreeSize}");
            Console.WriteLine(pinned is null
                ? "ledger key NOT independently pinned: taken from the export; pass --ledger-key"
                : "ledger key pinned");
            Console.WriteLine($"  {(verdict.Ok ? "pass" : "FAIL")}  receipt: {verdict.Message}");
            foreach (var f in findings.Where(f => f.Check != "receipt"))
            {
                Console.WriteLine($"  [{f.Check}]{(f.Entry is { } e ? $" entry {e}" : "")}: {f.Reason}");
            }

            Console.WriteLine(findings.Count == 0 ? "verdict: OK" : $"verdict: {findings.Count} findings");
        }

        return findings.Count == 0 ? 0 : VerifyCommand.Findings;
    }
}
