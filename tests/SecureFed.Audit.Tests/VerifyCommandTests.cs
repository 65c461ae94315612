using System.Text.Json;
using SecureFed.Audit.Tests.Ledgers;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Audit;

namespace SecureFed.Audit.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class VerifyCommandTests(FederationLedgers ledgers)
{
    [Theory]
    [InlineData("mask")]
    [InlineData("he")]
    public void Verify_RealFederationLedger_VerifiesClean(string mode)
    {
        string path = mode == "mask" ? ledgers.MaskLedgerPath : ledgers.HeLedgerPath;

        var (code, json) = CliRunner.RunJson("verify", "--ledger", path);

        Assert.True(CliRunner.Failures(json).Count == 0, string.Join("\n", CliRunner.Failures(json)));
        Assert.Equal(0, code);
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal(FederationLedgers.Rounds, json.GetProperty("rounds").GetInt32());
        Assert.Equal(
            FederationLedgers.Rounds * FederationLedgers.Clients,
            json.GetProperty("contributions").GetInt32());
        Assert.False(json.GetProperty("key_pinned").GetBoolean());
        var epsilon = json.GetProperty("epsilon");
        Assert.Equal(FederationLedgers.Rounds, epsilon.GetProperty("per_round").GetArrayLength());
        Assert.Equal(FederationLedgers.EpsilonLimit, epsilon.GetProperty("limit").GetDouble());
        Assert.Equal(FederationLedgers.Delta, epsilon.GetProperty("delta").GetDouble());
        double cumulative = epsilon.GetProperty("cumulative").GetDouble();
        Assert.InRange(cumulative, 0.1, 4 * (1 + 1e-3));
    }

    [Fact]
    public void Verify_RealLedger_RecomputesTheEpsilonTheApplianceClaims()
    {
        var report = LedgerAudit.Run(ledgers.Mask);

        var dp = report.PerRound.Where(r => r.Dp).ToArray();
        Assert.Equal(2, dp.Length);
        Assert.All(dp, r => Assert.Equal(r.ClaimedSpent!.Value, r.RecomputedSpent, 1e-9));
        Assert.All(dp, r => Assert.Equal(r.ClaimedIfCompleted, r.RecomputedIfCompleted, 1e-9));
        Assert.True(dp[1].RecomputedSpent > dp[0].RecomputedSpent);
        Assert.Equal(0, report.PerRound[0].RecomputedSpent);
    }

    [Fact]
    public void Verify_WithThePinnedKey_ReportsItPinned()
    {
        string key = Convert.ToHexString(ledgers.Mask.LedgerPublicKey.Bytes.Span);

        var (code, json) = CliRunner.RunJson("verify", "--ledger", ledgers.MaskLedgerPath, "--ledger-key", key);

        Assert.Equal(0, code);
        Assert.True(json.GetProperty("key_pinned").GetBoolean());
    }

    [Fact]
    public void Verify_WithAnotherPinnedKey_FindsEveryEntryUnsigned()
    {
        using var other = Ed25519PrivateKey.Generate();
        string file = Path.Combine(ledgers.Directory, "other.key");
        File.WriteAllText(file, Convert.ToBase64String(other.PublicKey.Bytes.Span));

        var (code, json) = CliRunner.RunJson("verify", "--ledger", ledgers.MaskLedgerPath, "--ledger-key", file);

        Assert.Equal(1, code);
        var failures = CliRunner.Failures(json);
        Assert.Contains(failures, f =>
            f.Check == "signature" && f.Reason.Contains("not the pinned key", StringComparison.Ordinal));
        Assert.Equal(
            ledgers.Mask.Entries.Count,
            failures.Count(f => f.Entry is not null
                && f.Reason.Contains("is not signed by the ledger key", StringComparison.Ordinal)));
    }

    [Fact]
    public void Verify_HumanReport_ListsEachCheckAndSaysTheKeyIsNotPinned()
    {
        var (code, output, _) = CliRunner.Run("verify", "--ledger", ledgers.HeLedgerPath);

        Assert.Equal(0, code);
        Assert.Contains("NOT independently pinned", output, StringComparison.Ordinal);
        foreach (string check in LedgerAuditReport.Checks)
        {
            Assert.Contains($"pass  {check}", output, StringComparison.Ordinal);
        }

        Assert.Contains("verdict: OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MissingFile_ExitsWith2AndAClearMessage()
    {
        var (code, json) = CliRunner.RunJson("verify", "--ledger", Path.Combine(ledgers.Directory, "none.json"));

        Assert.Equal(2, code);
        Assert.Contains("no file", json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_FileThatIsNotALedger_ExitsWith2()
    {
        string path = Path.Combine(ledgers.Directory, "not-a-ledger.json");
        File.WriteAllText(path, "{\"format_version\": 1, \"entries\": 3}");

        var (code, output, error) = CliRunner.Run("verify", "--ledger", path);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: --ledger", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_BadKey_ExitsWith2()
    {
        var (code, _, error) = CliRunner.Run("verify", "--ledger", ledgers.MaskLedgerPath, "--ledger-key", "abc");

        Assert.Equal(2, code);
        Assert.Contains("--ledger-key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_WithoutLedger_IsBadUsage()
    {
        var (code, _, _) = CliRunner.Run("verify");

        Assert.Equal(2, code);
    }

    [Fact]
    public void Verify_Json_IsOneObjectWithTheDocumentedFields()
    {
        var (_, output, _) = CliRunner.Run("verify", "--ledger", ledgers.MaskLedgerPath, "--json");

        var root = JsonDocument.Parse(output).RootElement;
        foreach (string field in new[] { "ok", "entries", "rounds", "contributions", "epsilon", "failures" })
        {
            Assert.True(root.TryGetProperty(field, out _), field);
        }

        Assert.Equal(ledgers.Mask.Entries.Count, root.GetProperty("entries").GetInt32());
    }
}
