using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFed.Protocol.Identity;

namespace SecureFed.Protocol.Tests.Identity;

public sealed class FederationTrustTests : IDisposable
{
    private static readonly ParticipantIdentity Alice = new(ParticipantRole.Client, "alice");

    private static readonly ParticipantIdentity Appliance = new(ParticipantRole.Appliance, "appliance");

    private readonly FederationCa _ca = FederationCa.Create("acme", TimeSpan.FromDays(365));

    public void Dispose() => _ca.Dispose();

    [Fact]
    public void Validate_CertificateFromAnotherCa_IsNotIssuedByFederation()
    {
        using var other = FederationCa.Create("acme", TimeSpan.FromDays(365));
        using var foreign = Pki.Issue(other, Alice);

        var result = _ca.CreateTrust().Validate(foreign);

        Assert.False(result.IsValid);
        Assert.Equal(FederationTrustFailure.NotIssuedByFederation, result.Failure);
        Assert.Null(result.Identity);
    }

    [Fact]
    public void Validate_ForeignCaSentAlongAsExtra_IsStillNotTrusted()
    {
        using var other = FederationCa.Create("acme", TimeSpan.FromDays(365));
        using var foreign = Pki.Issue(other, Alice);

        var result = _ca.CreateTrust().Validate(foreign, [other.Certificate]);

        Assert.Equal(FederationTrustFailure.NotIssuedByFederation, result.Failure);
    }

    [Fact]
    public void Validate_ExpiredCertificate_IsExpired()
    {
        using var certificate = Pki.Issue(_ca, Alice);
        var later = new FederationTrust(_ca.Certificate, new FixedTime(DateTimeOffset.UtcNow.AddDays(31)));

        var result = later.Validate(certificate);

        Assert.Equal(FederationTrustFailure.Expired, result.Failure);
        Assert.Contains("expired", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CertificateIssuedWithAShortValidityThatHasPassed_IsExpired()
    {
        var past = DateTimeOffset.UtcNow.AddDays(-3);
        using var caMadeInThePast = FederationCa.Create("acme", TimeSpan.FromDays(365), new FixedTime(past));

        using var certificate = Pki.IssueWithKey(caMadeInThePast, Alice, TimeSpan.FromDays(1));

        var result = caMadeInThePast.CreateTrust().Validate(certificate);
        Assert.Equal(FederationTrustFailure.Expired, result.Failure);
    }

    [Fact]
    public void Validate_CertificateNotValidYet_IsNotYetValid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Pki.LeafRequest(key, Alice, [Pki.ClientAuth]);
        var now = DateTimeOffset.UtcNow;
        using var certificate = _ca.Sign(request, now.AddDays(1), now.AddDays(2));

        var result = _ca.CreateTrust().Validate(certificate);

        Assert.Equal(FederationTrustFailure.NotYetValid, result.Failure);
    }

    [Fact]
    public void Validate_TheCaCertificateAsLeaf_IsCertificateAuthority()
    {
        var result = _ca.CreateTrust().Validate(_ca.Certificate);

        Assert.Equal(FederationTrustFailure.IsCertificateAuthority, result.Failure);
    }

    [Fact]
    public void Validate_CaCertificateIssuedByTheFederation_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Pki.LeafRequest(key, Alice, [Pki.ClientAuth], isCa: true);
        var now = DateTimeOffset.UtcNow;
        using var certificate = _ca.Sign(request, now.AddMinutes(-1), now.AddDays(1));

        var result = _ca.CreateTrust().Validate(certificate);

        Assert.Equal(FederationTrustFailure.IsCertificateAuthority, result.Failure);
    }

    [Fact]
    public void Validate_ClientWithServerAuthUsage_IsWrongKeyUsage()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Pki.LeafRequest(key, Alice, [Pki.ServerAuth, Pki.ClientAuth]);
        var now = DateTimeOffset.UtcNow;
        using var certificate = _ca.Sign(request, now.AddMinutes(-1), now.AddDays(1));

        var result = _ca.CreateTrust().Validate(certificate);

        Assert.Equal(FederationTrustFailure.WrongKeyUsage, result.Failure);
    }

    [Fact]
    public void ValidateServer_ApplianceWithoutServerAuth_IsWrongKeyUsage()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Pki.LeafRequest(key, Appliance, [Pki.ClientAuth]);
        var now = DateTimeOffset.UtcNow;
        using var certificate = _ca.Sign(request, now.AddMinutes(-1), now.AddDays(1));

        var result = _ca.CreateTrust().ValidateServer(certificate);

        Assert.Equal(FederationTrustFailure.WrongKeyUsage, result.Failure);
    }

    [Fact]
    public void ValidateServer_ClientCertificate_IsWrongRole()
    {
        using var certificate = Pki.Issue(_ca, Alice);

        var result = _ca.CreateTrust().ValidateServer(certificate);

        Assert.Equal(FederationTrustFailure.WrongRole, result.Failure);
        Assert.Contains("urn:securefed:client:alice", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateClientAndServer_ApplianceCertificate_AreBothAccepted()
    {
        using var certificate = Pki.Issue(_ca, Appliance);
        var trust = _ca.CreateTrust();

        Assert.Equal(Appliance, trust.ValidateServer(certificate).Identity);
        Assert.Equal(Appliance, trust.ValidateClient(certificate).Identity);
    }

    [Fact]
    public void Validate_LeafWithoutIdentityUri_IsMissingIdentity()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=alice", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Pki.ClientAuth)], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = _ca.Sign(request, now.AddMinutes(-1), now.AddDays(1));

        var result = _ca.CreateTrust().Validate(certificate);

        Assert.Equal(FederationTrustFailure.MissingIdentity, result.Failure);
    }

    [Fact]
    public void Validate_LeafWithTwoIdentityUris_IsMissingIdentity()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=alice", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Pki.ClientAuth)], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri("urn:securefed:client:alice"));
        names.AddUri(new Uri("urn:securefed:client:bob"));
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = _ca.Sign(request, now.AddMinutes(-1), now.AddDays(1));

        var result = _ca.CreateTrust().Validate(certificate);

        Assert.Equal(FederationTrustFailure.MissingIdentity, result.Failure);
        Assert.Contains("2 SecureFed identity URIs", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NullCertificate_IsNoCertificate()
    {
        Assert.Equal(FederationTrustFailure.NoCertificate, _ca.CreateTrust().Validate(null).Failure);
    }

    [Fact]
    public void Constructor_LeafInsteadOfCa_Throws()
    {
        using var certificate = Pki.Issue(_ca, Alice);

        Assert.Throws<ArgumentException>(() => new FederationTrust(certificate));
    }

    [Fact]
    public void ServerCallback_NameMismatchReportedByTls_IsRefusedEvenForTheAppliance()
    {
        using var certificate = Pki.Issue(_ca, Appliance);
        FederationTrustResult? seen = null;
        var callback = _ca.CreateTrust().CreateServerCertificateCallback(r => seen = r);

        bool accepted = callback(this, certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch);

        Assert.False(accepted);
        Assert.Equal(FederationTrustFailure.TlsPolicyError, seen!.Failure);
        Assert.True(callback(this, certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void HttpServerValidator_AcceptsTheApplianceAndRefusesAClient()
    {
        using var appliance = Pki.Issue(_ca, Appliance);
        using var client = Pki.Issue(_ca, Alice);
        using var message = new HttpRequestMessage(HttpMethod.Get, "https://localhost/");
        var validate = _ca.CreateTrust().CreateHttpServerCertificateValidator();

        Assert.True(validate(message, appliance, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(validate(message, client, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(validate(message, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void KestrelValidator_AcceptsParticipantsAndRefusesForeignCertificates()
    {
        using var other = FederationCa.Create("acme", TimeSpan.FromDays(365));
        using var own = Pki.Issue(_ca, Alice);
        using var foreign = Pki.Issue(other, Alice);
        var validate = _ca.CreateTrust().CreateKestrelClientCertificateValidator();

        Assert.True(validate(own, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(validate(foreign, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }
}
