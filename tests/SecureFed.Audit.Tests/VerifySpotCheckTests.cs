using SecureFed.Audit.Tests.Ledgers;

namespace SecureFed.Audit.Tests;

/// <summary>
/// <c>securefed-audit verify --contributions</c> on the evidence of real federations: the
/// aggregate of every round spot-checked against the contributions its clients signed.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class VerifySpotCheckTests(FederationLedgers ledgers) : IDisposable
{
    private readonly string _copy =
        Directory.CreateTempSubdirectory("securefed-audit-spot-").FullName;

    public void Dispose() => Directory.Delete(_copy, recursive: true);

    [Theory]
    [InlineData("mask")]
    [InlineData("he")]
    public void Verify_RealEvidence_SpotChecksEveryRoundClean(string mode)
    {
        var (ledger, contributions) = Evidence(mode);

        var (code, json) = CliRunner.RunJson(
            "verify", "--ledger", ledger, "--contributions", contributions, "--spot-checks", "32");

        Assert.True(CliRunner.Failures(json).Count == 0, string.Join("\n", CliRunner.Failures(json)));
        Assert.Equal(0, code);
        var spot = json.GetProperty("spot_checks");
        Assert.Equal(32, spot.GetProperty("k").GetInt32());
        Assert.Equal(FederationLedgers.Rounds, spot.GetProperty("rounds").GetInt32());
        Assert.Equal(32L * FederationLedgers.Rounds, spot.GetProperty("coordinates").GetInt64());
    }

    [Theory]
    [InlineData("mask")]
    [InlineData("he")]
    public void Verify_OneClientsContributionAsTheSum_IsAnAggregateFinding(string mode)
    {
        var (ledger, contributions) = Evidence(mode);
        string round = Path.Combine(Copy(contributions), "round-000001");

        // The appliance presents one client's upload where the sum should be.
        File.Copy(Path.Combine(round, "client-000001.bin"), Path.Combine(round, "sum.bin"), overwrite: true);
        var (code, json) = CliRunner.RunJson("verify", "--ledger", ledger, "--contributions", _copy);

        Assert.Equal(1, code);
        var failure = Assert.Single(CliRunner.Failures(json));
        Assert.Equal("aggregate", failure.Check);
        Assert.NotNull(failure.Entry);
        Assert.Equal(1UL, json.GetProperty("failures")[0].GetProperty("round").GetUInt64());
    }

    [Fact]
    public void Verify_FlippedByteInAContribution_IsAnAggregateFinding()
    {
        var (ledger, contributions) = Evidence("mask");
        string file = Path.Combine(Copy(contributions), "round-000002", "client-000003.bin");
        byte[] bytes = File.ReadAllBytes(file);
        bytes[0] ^= 0x10;
        File.WriteAllBytes(file, bytes);

        var (code, json) = CliRunner.RunJson("verify", "--ledger", ledger, "--contributions", _copy);

        Assert.Equal(1, code);
        var failure = Assert.Single(CliRunner.Failures(json));
        Assert.Equal("aggregate", failure.Check);
        Assert.Contains("client 3", failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("257")]
    public void Verify_SpotChecksOutOfRange_ExitsWith2(string k)
    {
        var (ledger, contributions) = Evidence("mask");

        var (code, _, error) = CliRunner.Run(
            "verify", "--ledger", ledger, "--contributions", contributions, "--spot-checks", k);

        Assert.Equal(2, code);
        Assert.Contains("--spot-checks", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MissingContributionsDirectory_ExitsWith2()
    {
        var (code, _, error) = CliRunner.Run(
            "verify", "--ledger", ledgers.MaskLedgerPath, "--contributions", Path.Combine(_copy, "none"));

        Assert.Equal(2, code);
        Assert.Contains("--contributions", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_WithoutContributions_SaysTheSpotChecksDidNotRun()
    {
        var (code, output, _) = CliRunner.Run("verify", "--ledger", ledgers.MaskLedgerPath);

        Assert.Equal(0, code);
        Assert.Contains("aggregate spot checks: not run", output, StringComparison.Ordinal);
    }

    // The evidence directory's own ledger export: the one its contributions belong to.
    private (string Ledger, string Contributions) Evidence(string mode)
    {
        string contributions = mode == "mask" ? ledgers.MaskContributions : ledgers.HeContributions;
        return (Path.Combine(Path.GetDirectoryName(contributions)!, "ledger.json"), contributions);
    }

    private string Copy(string contributions)
    {
        foreach (string file in Directory.EnumerateFiles(contributions, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(_copy, Path.GetRelativePath(contributions, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return _copy;
    }
}
