using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFed.Protocol.Identity;

namespace SecureFed.Protocol.Tests.Identity;

public sealed class IssueTests : IDisposable
{
    private readonly FederationCa _ca = FederationCa.Create("acme", TimeSpan.FromDays(365));

    public void Dispose() => _ca.Dispose();

    [Theory]
    [InlineData(ParticipantRole.Client, new[] { Pki.ClientAuth })]
    [InlineData(ParticipantRole.Custodian, new[] { Pki.ClientAuth })]
    [InlineData(ParticipantRole.Operator, new[] { Pki.ClientAuth })]
    [InlineData(ParticipantRole.Appliance, new[] { Pki.ServerAuth, Pki.ClientAuth })]
    public void Issue_EachRole_GivesACertificateWithTheProfileThatValidates(ParticipantRole role, string[] usages)
    {
        var identity = new ParticipantIdentity(role, "node-1");

        using var certificate = Pki.Issue(_ca, identity);

        Assert.Equal("CN=node-1, O=acme", certificate.Subject);
        Assert.Equal(_ca.Certificate.Subject, certificate.Issuer);
        Assert.Equal(16, certificate.SerialNumberBytes.Length);
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, usage.KeyUsages);
        Assert.True(usage.Critical);
        var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal(usages, eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        var authorityKey = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        var caKey = _ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        Assert.Equal(caKey.SubjectKeyIdentifierBytes.ToArray(), authorityKey.KeyIdentifier!.Value.ToArray());
        Assert.InRange(
            certificate.NotBefore.ToUniversalTime(), DateTime.UtcNow.AddMinutes(-6), DateTime.UtcNow.AddMinutes(-4));

        var trust = _ca.CreateTrust();
        var result = trust.Validate(certificate);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(identity, result.Identity);
        Assert.Equal(identity, trust.ValidateClient(certificate).Identity);
    }

    [Fact]
    public void Issue_Appliance_CarriesTheGivenDnsNamesAndAddresses()
    {
        var identity = new ParticipantIdentity(ParticipantRole.Appliance, "appliance");
        using var request = ParticipantKeyRequest.Create(identity);

        string pem = _ca.Issue(
            request.CsrPem, identity, TimeSpan.FromDays(1), ["localhost", "fed.example"], [IPAddress.Loopback]);

        using var certificate = X509Certificate2.CreateFromPem(pem);
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost", "fed.example"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], names.EnumerateIPAddresses());
        Assert.True(certificate.MatchesHostname("localhost"));
        Assert.True(_ca.CreateTrust().ValidateServer(certificate).IsValid);
    }

    [Fact]
    public void Issue_ValidityBeyondTheCa_IsCappedAtTheCaExpiry()
    {
        using var shortCa = FederationCa.Create("acme", TimeSpan.FromDays(2));
        var identity = new ParticipantIdentity(ParticipantRole.Client, "alice");

        using var certificate = Pki.Issue(shortCa, identity);

        Assert.Equal(shortCa.Certificate.NotAfter, certificate.NotAfter);
    }

    [Fact]
    public void Issue_TamperedCsr_IsRejected()
    {
        var identity = new ParticipantIdentity(ParticipantRole.Client, "alice");
        using var request = ParticipantKeyRequest.Create(identity);
        byte[] der = PemEncoding.Find(request.CsrPem) is var fields
            ? Convert.FromBase64String(request.CsrPem[fields.Base64Data])
            : [];

        // Flip a bit inside the subject common name, which the signature covers.
        int at = der.AsSpan().IndexOf("alice"u8);
        der[at] ^= 0x01;
        string tampered = PemEncoding.WriteString("CERTIFICATE REQUEST", der);

        var e = Assert.Throws<CertificateRequestRejectedException>(
            () => _ca.Issue(tampered, identity, TimeSpan.FromDays(1)));
        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_GarbageInsteadOfCsr_IsRejected()
    {
        var identity = new ParticipantIdentity(ParticipantRole.Client, "alice");

        Assert.Throws<CertificateRequestRejectedException>(
            () => _ca.Issue("not a request", identity, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Issue_CsrNamingAnotherIdentity_IsRejected()
    {
        using var request = ParticipantKeyRequest.Create(new ParticipantIdentity(ParticipantRole.Client, "mallory"));
        var asked = new ParticipantIdentity(ParticipantRole.Client, "alice");

        var e = Assert.Throws<CertificateRequestRejectedException>(
            () => _ca.Issue(request.CsrPem, asked, TimeSpan.FromDays(1)));

        Assert.Contains("urn:securefed:client:mallory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_CsrNamingTheSameNameWithAnotherRole_IsRejected()
    {
        using var request = ParticipantKeyRequest.Create(new ParticipantIdentity(ParticipantRole.Client, "alice"));
        var asked = new ParticipantIdentity(ParticipantRole.Custodian, "alice");

        Assert.Throws<CertificateRequestRejectedException>(
            () => _ca.Issue(request.CsrPem, asked, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Issue_CsrWithoutAnyIdentity_IsIssuedForTheGivenIdentity()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string csr = new CertificateRequest("CN=whatever", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var identity = new ParticipantIdentity(ParticipantRole.Operator, "ops");

        using var certificate = X509Certificate2.CreateFromPem(_ca.Issue(csr, identity, TimeSpan.FromDays(1)));

        Assert.Equal(identity, _ca.CreateTrust().Validate(certificate).Identity);
        Assert.Equal("CN=ops, O=acme", certificate.Subject);
    }

    [Fact]
    public void Issue_P384Key_IsRejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        string csr = new CertificateRequest("CN=alice", key, HashAlgorithmName.SHA384).CreateSigningRequestPem();

        var e = Assert.Throws<CertificateRequestRejectedException>(() => _ca.Issue(
            csr, new ParticipantIdentity(ParticipantRole.Client, "alice"), TimeSpan.FromDays(1)));
        Assert.Contains("P-256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_RsaKey_IsRejected()
    {
        using var key = RSA.Create(2048);
        string csr = new CertificateRequest("CN=alice", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
            .CreateSigningRequestPem();

        Assert.Throws<CertificateRequestRejectedException>(() => _ca.Issue(
            csr, new ParticipantIdentity(ParticipantRole.Client, "alice"), TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Issue_HostNamesForAClient_AreRefused()
    {
        var identity = new ParticipantIdentity(ParticipantRole.Client, "alice");
        using var request = ParticipantKeyRequest.Create(identity);

        Assert.Throws<ArgumentException>(
            () => _ca.Issue(request.CsrPem, identity, TimeSpan.FromDays(1), ["localhost"], null));
    }

    [Fact]
    public void Issue_InvalidDnsName_IsRefused()
    {
        var identity = new ParticipantIdentity(ParticipantRole.Appliance, "appliance");
        using var request = ParticipantKeyRequest.Create(identity);

        var e = Assert.Throws<ArgumentException>(
            () => _ca.Issue(request.CsrPem, identity, TimeSpan.FromDays(1), ["bad name!"], null));
        Assert.Contains("bad name!", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_AfterTheCaExpired_ThrowsFederationCaException()
    {
        using var dir = new TempDirectory();
        var past = DateTimeOffset.UtcNow.AddDays(-10);
        using (var old = FederationCa.Create("acme", TimeSpan.FromDays(2), new FixedTime(past)))
        {
            old.Save(dir.Path);
        }

        using var expired = FederationCa.Load(dir.Path);
        var identity = new ParticipantIdentity(ParticipantRole.Client, "alice");
        using var request = ParticipantKeyRequest.Create(identity);

        var e = Assert.Throws<FederationCaException>(
            () => expired.Issue(request.CsrPem, identity, TimeSpan.FromDays(1)));
        Assert.Contains("expired", e.Message, StringComparison.Ordinal);
    }
}
