using System.Text.Json;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Tests.Cli;

[Collection("Console")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PkiCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("securefed-cli-pki-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Ca => Path.Combine(_root, "ca");

    private string Node => Path.Combine(_root, "node");

    [Fact]
    public void InitCaRequestIssue_Appliance_GivesACertificateThatValidatesWithItsKey()
    {
        var init = RunJson("pki", "init-ca", "--dir", Ca, "--name", "acme-health", "--days", "30", "--json");
        Assert.Equal("acme-health", init.GetProperty("federation").GetString());
        Assert.Equal(Path.Combine(Ca, "ca.key"), init.GetProperty("key").GetString());
        Assert.Equal(64, init.GetProperty("sha256_fingerprint").GetString()!.Length);

        var request = RunJson(
            "pki", "request", "--role", "appliance", "--name", "appliance", "--out", Node,
            "--dns", "localhost", "--ip", "127.0.0.1", "--json");
        string keyPath = request.GetProperty("key").GetString()!;
        string csrPath = request.GetProperty("csr").GetString()!;
        Assert.Equal("urn:securefed:appliance:appliance", request.GetProperty("identity").GetString());
        Assert.Equal(Path.Combine(Node, "appliance.key"), keyPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));

        string certificatePath = Path.Combine(Node, "appliance.crt");
        var issued = RunJson(
            "pki", "issue", "--ca", Ca, "--csr", csrPath, "--role", "appliance", "--name", "appliance",
            "--out", certificatePath, "--days", "7", "--dns", "localhost", "--ip", "127.0.0.1", "--json");
        Assert.Equal(certificatePath, issued.GetProperty("certificate").GetString());
        Assert.Equal(["localhost"], Strings(issued.GetProperty("dns_names")));
        Assert.Equal(["127.0.0.1"], Strings(issued.GetProperty("ip_addresses")));

        using var certificate = CertificateFiles.LoadWithKey(certificatePath, keyPath);
        var trust = FederationTrust.FromPemFile(Path.Combine(Ca, "ca.crt"));
        var result = trust.ValidateServer(certificate);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(new ParticipantIdentity(ParticipantRole.Appliance, "appliance"), result.Identity);
        Assert.True(certificate.HasPrivateKey);
        Assert.True(certificate.MatchesHostname("localhost"));
    }

    [Fact]
    public void InitCaRequestIssue_Custodian_ValidatesAsATlsClient()
    {
        RunJson("pki", "init-ca", "--dir", Ca, "--name", "acme", "--json");
        RunJson("pki", "request", "--role", "custodian", "--name", "custodian-2", "--out", Node, "--json");
        string certificatePath = Path.Combine(Node, "custodian-2.crt");
        RunJson(
            "pki", "issue", "--ca", Ca, "--csr", Path.Combine(Node, "custodian-2.csr"),
            "--role", "custodian", "--name", "custodian-2", "--out", certificatePath, "--json");

        using var certificate = CertificateFiles.LoadWithKey(
            certificatePath, Path.Combine(Node, "custodian-2.key"));
        var result = FederationTrust.FromPemFile(Path.Combine(Ca, "ca.crt")).ValidateClient(certificate);

        Assert.Equal(new ParticipantIdentity(ParticipantRole.Custodian, "custodian-2"), result.Identity);
    }

    [Fact]
    public void Issue_BadRole_ExitsWith2NamingRoleAndWritesNothing()
    {
        string csrPath = PrepareCaAndRequest();
        string certificatePath = Path.Combine(Node, "alice.crt");

        var (code, output) = Run(
            "pki", "issue", "--ca", Ca, "--csr", csrPath, "--role", "admin", "--name", "alice",
            "--out", certificatePath, "--json");

        Assert.Equal(2, code);
        Assert.Contains("--role", Error(output), StringComparison.Ordinal);
        Assert.False(File.Exists(certificatePath));
    }

    [Fact]
    public void Issue_MissingCsrFile_ExitsWith2NamingCsrAndWritesNothing()
    {
        PrepareCaAndRequest();
        string certificatePath = Path.Combine(Node, "alice.crt");

        var (code, output) = Run(
            "pki", "issue", "--ca", Ca, "--csr", Path.Combine(Node, "nobody.csr"), "--role", "client",
            "--name", "alice", "--out", certificatePath, "--json");

        Assert.Equal(2, code);
        Assert.Contains("--csr", Error(output), StringComparison.Ordinal);
        Assert.False(File.Exists(certificatePath));
    }

    [Fact]
    public void Issue_CsrOfAnotherIdentity_ExitsWith2AndWritesNothing()
    {
        string csrPath = PrepareCaAndRequest();
        string certificatePath = Path.Combine(Node, "bob.crt");

        var (code, output) = Run(
            "pki", "issue", "--ca", Ca, "--csr", csrPath, "--role", "client", "--name", "bob",
            "--out", certificatePath, "--json");

        Assert.Equal(2, code);
        Assert.Contains("urn:securefed:client:alice", Error(output), StringComparison.Ordinal);
        Assert.False(File.Exists(certificatePath));
    }

    [Fact]
    public void Issue_ExistingOutputFile_ExitsWith2AndLeavesItAlone()
    {
        string csrPath = PrepareCaAndRequest();
        string certificatePath = Path.Combine(Node, "alice.crt");
        File.WriteAllText(certificatePath, "keep me");

        var (code, _) = Run(
            "pki", "issue", "--ca", Ca, "--csr", csrPath, "--role", "client", "--name", "alice",
            "--out", certificatePath, "--json");

        Assert.Equal(2, code);
        Assert.Equal("keep me", File.ReadAllText(certificatePath));
    }

    [Theory]
    [InlineData("--days", "0")]
    [InlineData("--days", "ten")]
    [InlineData("--dns", "localhost")]
    public void Issue_BadOption_ExitsWith2NamingIt(string option, string value)
    {
        string csrPath = PrepareCaAndRequest();
        string certificatePath = Path.Combine(Node, "alice.crt");

        var (code, output) = Run(
            "pki", "issue", "--ca", Ca, "--csr", csrPath, "--role", "client", "--name", "alice",
            "--out", certificatePath, option, value, "--json");

        Assert.Equal(2, code);
        Assert.Contains(option, Error(output), StringComparison.Ordinal);
        Assert.False(File.Exists(certificatePath));
    }

    [Fact]
    public void Request_BadRole_ExitsWith2AndWritesNothing()
    {
        var (code, output) = Run(
            "pki", "request", "--role", "root", "--name", "alice", "--out", Node, "--json");

        Assert.Equal(2, code);
        Assert.Contains("--role", Error(output), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Node));
    }

    [Theory]
    [InlineData("--name", "Alice")]
    [InlineData("--ip", "not-an-ip")]
    [InlineData("--ip", "127.1")]
    public void Request_BadValue_ExitsWith2NamingTheOption(string option, string value)
    {
        var args = new List<string>
        {
            "pki", "request", "--role", "appliance", "--name", "appliance", "--out", Node,
        };
        int at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (code, output) = Run([.. args, "--json"]);

        Assert.Equal(2, code);
        Assert.Contains(option, Error(output), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Node));
    }

    [Fact]
    public void Request_Twice_RefusesToOverwriteTheKey()
    {
        RunJson("pki", "request", "--role", "client", "--name", "alice", "--out", Node, "--json");
        byte[] key = File.ReadAllBytes(Path.Combine(Node, "alice.key"));

        var (code, _) = Run("pki", "request", "--role", "client", "--name", "alice", "--out", Node, "--json");

        Assert.Equal(2, code);
        Assert.Equal(key, File.ReadAllBytes(Path.Combine(Node, "alice.key")));
    }

    [Fact]
    public void InitCa_Twice_ExitsWith2AndKeepsTheFirstCa()
    {
        RunJson("pki", "init-ca", "--dir", Ca, "--name", "acme", "--json");
        byte[] key = File.ReadAllBytes(Path.Combine(Ca, "ca.key"));

        var (code, output) = Run("pki", "init-ca", "--dir", Ca, "--name", "acme", "--json");

        Assert.Equal(2, code);
        Assert.Contains("exists already", Error(output), StringComparison.Ordinal);
        Assert.Equal(key, File.ReadAllBytes(Path.Combine(Ca, "ca.key")));
    }

    [Fact]
    public void InitCa_MissingName_ExitsWith2NamingIt()
    {
        var (code, output) = Run("pki", "init-ca", "--dir", Ca, "--json");

        Assert.Equal(2, code);
        Assert.Contains("--name", Error(output), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Ca));
    }

    [Fact]
    public void InitCa_WithoutJson_PrintsTheFingerprintInText()
    {
        var (code, output) = Run("pki", "init-ca", "--dir", Ca, "--name", "acme");

        Assert.Equal(0, code);
        Assert.Contains("SHA-256 fingerprint:", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Ca, "ca.crt")));
    }

    private string PrepareCaAndRequest()
    {
        RunJson("pki", "init-ca", "--dir", Ca, "--name", "acme", "--json");
        var request = RunJson(
            "pki", "request", "--role", "client", "--name", "alice", "--out", Node, "--json");
        return request.GetProperty("csr").GetString()!;
    }

    private static IEnumerable<string?> Strings(JsonElement array) =>
        array.EnumerateArray().Select(e => e.GetString());

    private static string Error(string output) =>
        JsonDocument.Parse(output).RootElement.GetProperty("error").GetString()!;

    private static JsonElement RunJson(params string[] args)
    {
        var (code, output) = Run(args);
        Assert.True(code == 0, $"exit {code}: {output}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static (int Code, string Output) Run(params string[] args)
    {
        var original = Console.Out;
        using var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            int code = Program.Main(args);
            return (code, writer.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
