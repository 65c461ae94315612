using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFed.Protocol.Identity;

namespace SecureFed.Protocol.Tests.Identity;

/// <summary>Shared steps of the identity tests: a CA, requests, issued certificates.</summary>
internal static class Pki
{
    public static readonly IPAddress[] Loopback = [IPAddress.Loopback];

    public static readonly string[] Localhost = ["localhost"];

    public static X509Certificate2 IssueWithKey(
        FederationCa ca, ParticipantIdentity identity, TimeSpan? validity = null)
    {
        bool appliance = identity.Role == ParticipantRole.Appliance;
        using var request = ParticipantKeyRequest.Create(
            identity, appliance ? Localhost : null, appliance ? Loopback : null);
        string pem = ca.Issue(
            request.CsrPem,
            identity,
            validity ?? TimeSpan.FromDays(30),
            appliance ? Localhost : null,
            appliance ? Loopback : null);
        return request.WithCertificate(pem);
    }

    public static X509Certificate2 Issue(FederationCa ca, ParticipantIdentity identity)
    {
        using var withKey = IssueWithKey(ca, identity);
        return X509CertificateLoader.LoadCertificate(withKey.RawData);
    }

    /// <summary>A request for a leaf of <paramref name="identity"/>, for crafting odd certificates.</summary>
    public static CertificateRequest LeafRequest(
        ECDsa key, ParticipantIdentity identity, string[] usages, bool isCa = false)
    {
        var request = new CertificateRequest($"CN={identity.Name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            isCa ? X509KeyUsageFlags.KeyCertSign : X509KeyUsageFlags.DigitalSignature, true));
        var oids = new OidCollection();
        foreach (string usage in usages)
        {
            oids.Add(new Oid(usage));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(identity.ToUri()));
        request.CertificateExtensions.Add(names.Build());
        return request;
    }

    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
}

/// <summary>A clock that always says the same time.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A fresh temporary directory, removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("securefed-pki-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
