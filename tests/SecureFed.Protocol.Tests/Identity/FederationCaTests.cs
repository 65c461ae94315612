using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFed.Protocol.Identity;

namespace SecureFed.Protocol.Tests.Identity;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class FederationCaTests
{
    [Fact]
    public void Create_MakesAPathLengthZeroP256CaWithTheRequiredExtensions()
    {
        using var ca = FederationCa.Create("acme-health", TimeSpan.FromDays(365));
        var certificate = ca.Certificate;

        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        Assert.True(constraints.Critical);
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.True(usage.Critical);
        Assert.Single(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal("1.2.840.10045.4.3.2", certificate.SignatureAlgorithm.Value);
        using var key = certificate.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        Assert.False(certificate.HasPrivateKey);
        Assert.Equal("acme-health", ca.FederationName);
        Assert.InRange(
            certificate.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(364), DateTime.UtcNow.AddDays(366));
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("")]
    [InlineData("a b")]
    public void Create_BadFederationName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => FederationCa.Create(name, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Create_NonPositiveValidity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FederationCa.Create("acme", TimeSpan.Zero));
    }

    [Fact]
    public void SaveThenLoad_RoundTripsAndTheLoadedCaIssuesTrustedCertificates()
    {
        using var dir = new TempDirectory();
        string caDir = dir.File("ca");
        using (var ca = FederationCa.Create("acme", TimeSpan.FromDays(365)))
        {
            ca.Save(caDir);
        }

        using var loaded = FederationCa.Load(caDir);
        using var fromFile = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(caDir, "ca.crt")));
        Assert.Equal(fromFile.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.Equal("acme", loaded.FederationName);

        var identity = new ParticipantIdentity(ParticipantRole.Client, "alice");
        using var leaf = Pki.Issue(loaded, identity);
        var result = FederationTrust.FromPemFile(Path.Combine(caDir, "ca.crt")).ValidateClient(leaf);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(identity, result.Identity);
    }

    [Fact]
    public void Save_WritesTheKeyAsPkcs8WithMode0600AndTheCertificateAsPem()
    {
        using var dir = new TempDirectory();
        using var ca = FederationCa.Create("acme", TimeSpan.FromDays(10));

        ca.Save(dir.Path);

        string keyPath = dir.File("ca.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        string keyText = File.ReadAllText(keyPath);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", keyText, StringComparison.Ordinal);
        using var key = ECDsa.Create();
        key.ImportFromPem(keyText);
        Assert.Equal(
            ca.Certificate.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        Assert.StartsWith(
            "-----BEGIN CERTIFICATE-----", File.ReadAllText(dir.File("ca.crt")), StringComparison.Ordinal);
    }

    [Fact]
    public void Save_ExistingCaFiles_RefusesAndLeavesThemUnchanged()
    {
        using var dir = new TempDirectory();
        using var first = FederationCa.Create("acme", TimeSpan.FromDays(10));
        first.Save(dir.Path);
        byte[] keyBefore = File.ReadAllBytes(dir.File("ca.key"));
        byte[] certificateBefore = File.ReadAllBytes(dir.File("ca.crt"));

        using var second = FederationCa.Create("acme", TimeSpan.FromDays(10));
        var e = Assert.Throws<IOException>(() => second.Save(dir.Path));

        Assert.Contains("exists already", e.Message, StringComparison.Ordinal);
        Assert.Equal(keyBefore, File.ReadAllBytes(dir.File("ca.key")));
        Assert.Equal(certificateBefore, File.ReadAllBytes(dir.File("ca.crt")));
    }

    [Fact]
    public void Save_OnlyTheKeyExists_WritesNothing()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("ca.key"), "precious");
        using var ca = FederationCa.Create("acme", TimeSpan.FromDays(10));

        Assert.Throws<IOException>(() => ca.Save(dir.Path));

        Assert.Equal("precious", File.ReadAllText(dir.File("ca.key")));
        Assert.False(File.Exists(dir.File("ca.crt")));
    }

    [Fact]
    public void Load_KeyReadableByGroup_Refuses()
    {
        using var dir = new TempDirectory();
        using (var ca = FederationCa.Create("acme", TimeSpan.FromDays(10)))
        {
            ca.Save(dir.Path);
        }

        File.SetUnixFileMode(
            dir.File("ca.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var e = Assert.Throws<FederationCaException>(() => FederationCa.Load(dir.Path));
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyOfAnotherCa_Refuses()
    {
        using var dir = new TempDirectory();
        using var other = new TempDirectory();
        using (var ca = FederationCa.Create("acme", TimeSpan.FromDays(10)))
        {
            ca.Save(dir.Path);
        }

        using (var ca = FederationCa.Create("acme", TimeSpan.FromDays(10)))
        {
            ca.Save(other.Path);
        }

        File.Copy(other.File("ca.key"), dir.File("ca.key"), overwrite: true);

        var e = Assert.Throws<FederationCaException>(() => FederationCa.Load(dir.Path));
        Assert.Contains("does not belong", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingDirectory_ThrowsFederationCaExceptionNamingTheFile()
    {
        using var dir = new TempDirectory();

        var e = Assert.Throws<FederationCaException>(() => FederationCa.Load(dir.File("nowhere")));

        Assert.Contains("ca.crt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LeafCertificateInsteadOfCa_Refuses()
    {
        using var dir = new TempDirectory();
        using var ca = FederationCa.Create("acme", TimeSpan.FromDays(10));
        using var leaf = Pki.IssueWithKey(ca, new ParticipantIdentity(ParticipantRole.Client, "alice"));
        File.WriteAllText(dir.File("ca.crt"), leaf.ExportCertificatePem());
        CertificateFiles.WritePrivateKey(dir.File("ca.key"), leaf.GetECDsaPrivateKey()!);

        var e = Assert.Throws<FederationCaException>(() => FederationCa.Load(dir.Path));

        Assert.Contains("not a self-signed certificate authority", e.Message, StringComparison.Ordinal);
    }
}
