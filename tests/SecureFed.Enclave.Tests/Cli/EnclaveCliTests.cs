using System.Security.Cryptography;
using System.Text.Json;
using SecureFed.Crypto.Signatures;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Enclave.Tests.Cli;

/// <summary>
/// <c>securefed-enclave init</c>, <c>status</c>, <c>ledger export</c> and <c>run</c>'s
/// refusals, run in-process through <see cref="Program.Main"/> over a temporary directory.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class EnclaveCliTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("securefed-enclave-cli-");
    private readonly TestPki _pki;
    private readonly string _state;

    public EnclaveCliTests()
    {
        _pki = new TestPki(Path.Combine(_root.FullName, "pki"));
        _state = Path.Combine(_root.FullName, "state");
    }

    public void Dispose()
    {
        _pki.Dispose();
        _root.Delete(recursive: true);
    }

    private CliRun Init(TestPki pki, params string[] extra) => CliRun.Of(
        [
            "init", "--state-dir", _state, "--ca-cert", pki.CaCertificate, "--cert", pki.Certificate,
            "--key", pki.Key, .. extra,
        ]);

    private static JsonElement Json(CliRun run)
    {
        using var document = JsonDocument.Parse(run.Out);
        return document.RootElement.Clone();
    }

    [Fact]
    public void Init_Json_PrintsFederationAndCreatesState()
    {
        var run = Init(_pki, "--epsilon", "4", "--json");

        Assert.Equal(0, run.ExitCode);
        var report = Json(run);
        Assert.Matches("^[0-9a-f]{32}$", report.GetProperty("federation_id").GetString());
        Assert.StartsWith(
            "test-federation", report.GetProperty("federation_name").GetString(), StringComparison.Ordinal);
        Assert.Equal(_state, report.GetProperty("state_dir").GetString());
        Assert.Matches("^[0-9a-f]{64}$", report.GetProperty("ledger_public_key").GetString());
        Assert.Equal(4, report.GetProperty("epsilon_limit").GetDouble());
        Assert.Equal(1e-5, report.GetProperty("delta").GetDouble());
        Assert.Equal(8192, report.GetProperty("ring_degree").GetInt32());
        Assert.True(File.Exists(Path.Combine(_state, EnclaveDatabase.FileName)));
        Assert.Empty(run.Error);
    }

    [Fact]
    public void Init_Text_NamesFederationWithoutSecrets()
    {
        var run = Init(_pki);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Initialised federation test-federation", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_Twice_ExitsTwoAndChangesNothing()
    {
        Assert.Equal(0, Init(_pki, "--json").ExitCode);
        var before = Snapshot(_state);

        var second = Init(_pki, "--json");

        Assert.Equal(2, second.ExitCode);
        Assert.Contains("already holds appliance state", Json(second).GetProperty("error").GetString(),
            StringComparison.Ordinal);
        Assert.Contains("error:", second.Error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(_state));
    }

    [Fact]
    public void Init_CertificateOfAnotherCa_ExitsTwoAndLeavesNoState()
    {
        using var other = new TestPki(Path.Combine(_root.FullName, "other"), "other-federation");
        var run = CliRun.Of(
            "init", "--state-dir", _state, "--ca-cert", _pki.CaCertificate,
            "--cert", other.Certificate, "--key", other.Key, "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("--cert:", Json(run).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_state, EnclaveDatabase.FileName)));
        Assert.False(Directory.Exists(_state));
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--epsilon", "0")]
    [InlineData("--epsilon", "-1")]
    [InlineData("--epsilon", "abc")]
    [InlineData("--delta", "1")]
    [InlineData("--ring-degree", "1000")]
    public void Init_BadBudgetOrParameters_ExitsTwoAndLeavesNoState(string option, string value)
    {
        var run = Init(_pki, option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {option}", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_state));
    }

    [Fact]
    public void Init_MissingKeyFile_ExitsTwo()
    {
        var run = CliRun.Of(
            "init", "--state-dir", _state, "--ca-cert", _pki.CaCertificate, "--cert", _pki.Certificate,
            "--key", Path.Combine(_root.FullName, "missing.key"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--key", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_state));
    }

    [Fact]
    public void Init_NonEmptyDirectory_ExitsTwo()
    {
        Directory.CreateDirectory(_state);
        File.WriteAllText(Path.Combine(_state, "notes.txt"), "kept");

        var run = Init(_pki);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(_state).Select(Path.GetFileName));
    }

    [Fact]
    public void Status_AfterInit_ReportsNoRoundsAndTheLimit()
    {
        var init = Json(Init(_pki, "--epsilon", "3.5", "--json"));

        var run = CliRun.Of("status", "--state-dir", _state, "--json");

        Assert.Equal(0, run.ExitCode);
        var status = Json(run);
        Assert.Equal(init.GetProperty("federation_id").GetString(), status.GetProperty("federation_id").GetString());
        Assert.Equal(0, status.GetProperty("rounds").GetInt64());
        Assert.Equal(0UL, status.GetProperty("last_round").GetUInt64());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("last_round_state").ValueKind);
        Assert.Equal(3.5, status.GetProperty("epsilon_limit").GetDouble());
        Assert.Equal(0, status.GetProperty("epsilon_spent").GetDouble());
        Assert.Equal(1UL, status.GetProperty("ledger_entries").GetUInt64());
        Assert.Matches("^[0-9a-f]{64}$", status.GetProperty("ledger_head").GetString());
        Assert.Equal(0, status.GetProperty("clients_enrolled").GetInt32());
        Assert.False(status.GetProperty("he_key_ready").GetBoolean());
        Assert.Equal(
            init.GetProperty("ledger_public_key").GetString(), status.GetProperty("ledger_public_key").GetString());
    }

    [Fact]
    public void Status_Uninitialised_ExitsTwo()
    {
        var run = CliRun.Of("status", "--state-dir", _state);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("run 'securefed-enclave init' first", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void LedgerExport_WritesWhatTheVerifierAccepts_AndRefusesToOverwrite()
    {
        var init = Json(Init(_pki, "--json"));
        string file = Path.Combine(_root.FullName, "ledger.json");

        var run = CliRun.Of("ledger", "export", "--state-dir", _state, "--out", file, "--json");

        Assert.Equal(0, run.ExitCode);
        var report = Json(run);
        Assert.Equal(file, report.GetProperty("file").GetString());
        Assert.Equal(1UL, report.GetProperty("entries").GetUInt64());

        // The auditor trusts the key init printed, not the one the file names.
        var trusted = Ed25519PublicKey.Import(
            Convert.FromHexString(init.GetProperty("ledger_public_key").GetString()!));
        var export = LedgerExport.Deserialize(File.ReadAllText(file));
        Assert.Equal(trusted.Bytes.ToArray(), export.LedgerPublicKey.Bytes.ToArray());
        Assert.True(LedgerVerifier.Verify(export.Entries, trusted).Ok);
        Assert.True(LedgerVerifier.VerifyCheckpoint(export.Entries, export.Checkpoint, trusted).Ok);
        Assert.Equal(
            report.GetProperty("head_hash").GetString(), Convert.ToHexStringLower(export.Entries[^1].Hash.Span));

        byte[] written = File.ReadAllBytes(file);
        var again = CliRun.Of("ledger", "export", "--state-dir", _state, "--out", file, "--json");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", Json(again).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(written, File.ReadAllBytes(file));

        var forced = CliRun.Of("ledger", "export", "--state-dir", _state, "--out", file, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.Single(Directory.GetFiles(_root.FullName, "ledger.json*"));
    }

    [Fact]
    public void LedgerExport_WithContributions_WritesTheDirectoryAndReportsIt()
    {
        Init(_pki, "--json");
        string file = Path.Combine(_root.FullName, "ledger.json");
        string contributions = Path.Combine(_root.FullName, "contributions");

        var run = CliRun.Of(
            "ledger", "export", "--state-dir", _state, "--out", file, "--contributions", contributions, "--json");

        Assert.Equal(0, run.ExitCode);
        var report = Json(run);
        Assert.Equal(contributions, report.GetProperty("contributions_directory").GetString());
        Assert.Equal(0, report.GetProperty("contribution_rounds").GetInt32());
        Assert.Equal(0, report.GetProperty("missing_files").GetInt32());
        Assert.True(Directory.Exists(contributions));
    }

    [Fact]
    public void LedgerExport_ContributionsDirectoryNotEmpty_ExitsTwoUnlessForced()
    {
        Init(_pki, "--json");
        string contributions = Path.Combine(_root.FullName, "contributions");
        Directory.CreateDirectory(contributions);
        File.WriteAllText(Path.Combine(contributions, "other.txt"), "kept");

        var run = CliRun.Of(
            "ledger", "export", "--state-dir", _state, "--out", Path.Combine(_root.FullName, "a.json"),
            "--contributions", contributions, "--json");
        var forced = CliRun.Of(
            "ledger", "export", "--state-dir", _state, "--out", Path.Combine(_root.FullName, "b.json"),
            "--contributions", contributions, "--force", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is not empty", Json(run).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root.FullName, "a.json")));
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal("kept", File.ReadAllText(Path.Combine(contributions, "other.txt")));
    }

    [Fact]
    public void Run_UninitialisedStateDir_ExitsTwo()
    {
        string config = Path.Combine(_root.FullName, "enclave.json");
        File.WriteAllText(config, """{ "Enclave": { "MetricsListen": "" } }""");

        var run = CliRun.Of("run", "--config", config, "--state-dir", _state, "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("run 'securefed-enclave init' first", Json(run).GetProperty("error").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingExplicitConfig_ExitsTwo()
    {
        var run = CliRun.Of("run", "--config", Path.Combine(_root.FullName, "none.json"), "--state-dir", _state);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --config:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOption_ExitsTwo()
    {
        var run = CliRun.Of("status", "--state-dir", _state, "--bogus", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.True(Json(run).TryGetProperty("error", out _));
    }

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    /// <summary>Every file's path and SHA-256, so that any change shows.</summary>
    private static List<string> Snapshot(string directory) =>
    [
        .. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(directory, f)} {Hash(f)}"),
    ];
}
