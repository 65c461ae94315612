using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFed.Protocol.Identity;

namespace SecureFed.Protocol.Tests.Identity;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CertificateFilesTests : IDisposable
{
    private static readonly ParticipantIdentity Alice = new(ParticipantRole.Client, "alice");

    private readonly FederationCa _ca = FederationCa.Create("acme", TimeSpan.FromDays(30));

    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void LoadWithKey_IssuedCertificateAndItsKey_HasAUsablePrivateKey()
    {
        var (certificatePath, keyPath) = WriteIssued(Alice);

        using var certificate = CertificateFiles.LoadWithKey(certificatePath, keyPath);

        Assert.True(certificate.HasPrivateKey);
        using var key = certificate.GetECDsaPrivateKey()!;
        byte[] signature = key.SignData("hello"u8, HashAlgorithmName.SHA256);
        using var publicKey = certificate.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyData("hello"u8, signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void LoadWithKey_KeyReadableByOthers_IsRefused()
    {
        var (certificatePath, keyPath) = WriteIssued(Alice);
        File.SetUnixFileMode(keyPath, CertificateFiles.PublicFileMode);

        var e = Assert.Throws<UnauthorizedAccessException>(() => CertificateFiles.LoadWithKey(certificatePath, keyPath));

        Assert.Contains("0644", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWithKey_KeyOfAnotherCertificate_ThrowsInvalidData()
    {
        var (certificatePath, _) = WriteIssued(Alice);
        var (_, otherKeyPath) = WriteIssued(new ParticipantIdentity(ParticipantRole.Client, "bob"));

        Assert.Throws<InvalidDataException>(() => CertificateFiles.LoadWithKey(certificatePath, otherKeyPath));
    }

    [Fact]
    public void LoadWithKey_MissingCertificate_ThrowsFileNotFound()
    {
        var (_, keyPath) = WriteIssued(Alice);

        Assert.Throws<FileNotFoundException>(() => CertificateFiles.LoadWithKey(_dir.File("none.crt"), keyPath));
    }

    [Fact]
    public void WritePrivateKey_ExistingFile_IsNeverOverwritten()
    {
        File.WriteAllText(_dir.File("k.key"), "old");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Throws<IOException>(() => CertificateFiles.WritePrivateKey(_dir.File("k.key"), key));
        Assert.Equal("old", File.ReadAllText(_dir.File("k.key")));
    }

    private (string Certificate, string Key) WriteIssued(ParticipantIdentity identity)
    {
        using var request = ParticipantKeyRequest.Create(identity);
        string keyPath = _dir.File(identity.Name + ".key");
        string certificatePath = _dir.File(identity.Name + ".crt");
        request.WritePrivateKey(keyPath);
        CertificateFiles.WritePublic(certificatePath, _ca.Issue(request.CsrPem, identity, TimeSpan.FromDays(1)));
        return (certificatePath, keyPath);
    }
}
