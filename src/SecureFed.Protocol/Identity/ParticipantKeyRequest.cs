using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureFed.Protocol.Identity;

/// <summary>
/// A participant's new key pair and its certificate signing request (PKCS#10, RFC 2986),
/// made on the participant's own machine. Only the request goes to the security team; the
/// private key stays here, written to a file readable by its owner only.
/// </summary>
public sealed class ParticipantKeyRequest : IDisposable
{
    private readonly ECDsa _key;

    private ParticipantKeyRequest(ParticipantIdentity identity, ECDsa key, string csrPem)
    {
        Identity = identity;
        _key = key;
        CsrPem = csrPem;
    }

    /// <summary>The identity the request asks for.</summary>
    public ParticipantIdentity Identity { get; }

    /// <summary>The certificate signing request in PEM, to hand to the federation CA.</summary>
    public string CsrPem { get; }

    /// <summary>
    /// Makes an ECDSA P-256 key pair and a request signed with it for <paramref name="identity"/>,
    /// naming the identity URI (and for the appliance, its DNS names and IP addresses) as
    /// subject alternative names. The CA decides the final names; these are what is asked.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A DNS name is invalid, or host names are given for a role other than the appliance.
    /// </exception>
    public static ParticipantKeyRequest Create(
        ParticipantIdentity identity,
        IReadOnlyList<string>? dnsNames = null,
        IReadOnlyList<IPAddress>? ipAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var (dns, ip) = CertificateNames.CheckHostNames(dnsNames, ipAddresses);
        if (identity.Role != ParticipantRole.Appliance && (dns.Length > 0 || ip.Length > 0))
        {
            throw new ArgumentException(
                $"DNS names and IP addresses belong only in appliance certificates, not for {identity}.",
                nameof(dnsNames));
        }

        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(identity.Name);

        var key = FederationProfile.NewKey();
        try
        {
            var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(CertificateNames.Build(identity, dns, ip));
            return new ParticipantKeyRequest(identity, key, request.CreateSigningRequestPem());
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The private key as PKCS#8 PEM. The caller owns the array and must clear it
    /// (<see cref="Array.Clear(Array)"/>) once done.
    /// </summary>
    public char[] ExportPrivateKeyPem()
    {
        byte[] der = _key.ExportPkcs8PrivateKey();
        try
        {
            return PemEncoding.Write("PRIVATE KEY", der);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    /// <summary>Writes the private key as a new PKCS#8 PEM file with mode 0600.</summary>
    /// <exception cref="IOException">The file exists already or cannot be written.</exception>
    public void WritePrivateKey(string path) => CertificateFiles.WritePrivateKey(path, _key);

    /// <summary>Writes the request as a new PEM file.</summary>
    /// <exception cref="IOException">The file exists already or cannot be written.</exception>
    public void WriteCsr(string path) => CertificateFiles.WritePublic(path, CsrPem);

    /// <summary>
    /// Joins the certificate the CA issued for this request with the private key, ready for
    /// TLS.
    /// </summary>
    /// <exception cref="CryptographicException">The certificate is not for this key.</exception>
    public X509Certificate2 WithCertificate(string certificatePem)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        char[] keyPem = ExportPrivateKeyPem();
        try
        {
            return CertificateFiles.FromPem(certificatePem, keyPem);
        }
        finally
        {
            Array.Clear(keyPem);
        }
    }

    /// <summary>Clears the private key.</summary>
    public void Dispose() => _key.Dispose();
}
