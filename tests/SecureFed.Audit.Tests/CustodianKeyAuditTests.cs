using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SecureFed.Audit.Tests.Ledgers;
using SecureFed.Crypto.Signatures;

namespace SecureFed.Audit.Tests;

/// <summary>
/// Threat model S7, auditor's side: the custodian.key entry carries every custodian's signed
/// confirmation of the collective key, and verify checks them against the custodians'
/// enrolled keys. Each tampered ledger is re-signed with a pinned test appliance key, so only
/// the change itself can be found.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CustodianKeyAuditTests(FederationLedgers ledgers)
{
    [Fact]
    public void Verify_HonestHeLedger_CustodianConfirmationsVerify()
    {
        var drafts = LedgerForge.Drafts(ledgers.He);
        var key = JsonNode.Parse(drafts[Index(drafts)].Payload)!;

        Assert.Equal(
            key["custodian_ids"]!.AsArray().Count, key["confirmations"]!.AsArray().Count);
        Assert.DoesNotContain(Verify(drafts), f => f.Check == "decryption");
    }

    [Fact]
    public void Verify_CollectiveKeyHashReplaced_ConfirmationsDoNotVerify()
    {
        var drafts = LedgerForge.Drafts(ledgers.He);
        int target = Index(drafts);
        drafts[target] = drafts[target] with
        {
            Payload = LedgerForge.Edit(
                drafts[target].Payload,
                o => o["collective_key_sha256"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
        };

        var failures = Verify(drafts);

        Assert.Contains(failures, f => f.Check == "decryption" && f.Entry == target
            && f.Reason.Contains("bad signature", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_ConfirmationRemoved_CustodianDidNotConfirm()
    {
        var drafts = LedgerForge.Drafts(ledgers.He);
        int target = Index(drafts);
        drafts[target] = drafts[target] with
        {
            Payload = LedgerForge.Edit(drafts[target].Payload, o => o["confirmations"]!.AsArray().RemoveAt(0)),
        };

        var failures = Verify(drafts);

        Assert.Contains(failures, f => f.Check == "decryption" && f.Entry == target
            && f.Reason.Contains("did not confirm", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_ConfirmationSignedByStranger_IsFound()
    {
        using var stranger = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.He);
        int target = Index(drafts);
        drafts[target] = drafts[target] with
        {
            Payload = LedgerForge.Edit(
                drafts[target].Payload,
                o => o["confirmations"]![0]!["signature"] =
                    Convert.ToBase64String(stranger.Sign("not a confirmation"u8))),
        };

        var failures = Verify(drafts);

        Assert.Contains(failures, f => f.Check == "decryption" && f.Entry == target
            && f.Reason.Contains("bad signature", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_CustodianKeyWithoutConfirmations_IsFound()
    {
        var drafts = LedgerForge.Drafts(ledgers.He);
        int target = Index(drafts);
        drafts[target] = drafts[target] with
        {
            Payload = LedgerForge.Edit(drafts[target].Payload, o => o.Remove("confirmations")),
        };

        var failures = Verify(drafts);

        var finding = Assert.Single(failures);
        Assert.Equal("decryption", finding.Check);
        Assert.Contains("carries no custodian confirmations", finding.Reason, StringComparison.Ordinal);
    }

    private static int Index(List<LedgerDraft> drafts) => drafts.FindIndex(d => d.Kind == "custodian.key");

    private IReadOnlyList<(string Check, long? Entry, string Reason)> Verify(List<LedgerDraft> drafts)
    {
        using var appliance = Ed25519PrivateKey.Generate();
        string path = LedgerForge.Write(LedgerForge.Sign(drafts, appliance), ledgers.Directory);
        var (code, json) = CliRunner.RunJson(
            ["verify", "--ledger", path, "--ledger-key", Convert.ToHexString(appliance.PublicKey.Bytes.Span)]);
        var failures = CliRunner.Failures(json);
        Assert.Equal(failures.Count == 0 ? 0 : 1, code);
        return failures;
    }
}
